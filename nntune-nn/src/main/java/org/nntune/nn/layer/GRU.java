package org.nntune.nn.layer;

/**
 * Gated recurrent unit, as PyTorch's {@code nn.GRU}: gate blocks r, z, n;
 * {@code r = σ(x·W_ir + b_ir + h·W_hr + b_hr)}, z likewise,
 * {@code n = tanh(x·W_in + b_in + r ⊙ (h·W_hn + b_hn))} (the recurrent bias inside the reset
 * product), {@code h' = (1 − z) ⊙ n + z ⊙ h}. See {@link Recurrent}.
 */
public final class GRU extends Recurrent {

    /**
     * A gated recurrent unit over a sequence input {@code [time, features]}; see {@link Recurrent}
     * for the layout and {@link Recurrent.Readout} for the output's shape.
     *
     * @param hidden ≥ 1: units per layer and direction
     * @param layers ≥ 1: stacked layers, each reading the previous one's states
     * @param bidirectional whether each layer also reads each row from its last real step back to its
     *     first; the states then hold both directions, forward first: 2·hidden values per step
     * @param dropout in [0, 1): the probability that training zeroes a value of a layer's output
     *     before the next layer (none after the last layer; PyTorch's {@code dropout})
     * @param readout what the layer outputs from the last layer's states
     * @throws IllegalArgumentException if hidden or layers is below 1 or dropout out of [0, 1)
     * @throws NullPointerException if readout is null
     */
    public GRU(int hidden, int layers, boolean bidirectional, double dropout, Readout readout) {
        super(3, hidden, layers, bidirectional, dropout, readout);
    }

    @Override
    public String kind() {
        return "gru";
    }

    @Override
    void cellForward(State st, int k, int b, int row, float[] out, int outOff, float[] biasHh) {
        int hs = hidden;
        kernels.gruCell(hs, st.act[k], row * 3 * hs, st.gh, b * 3 * hs, biasHh, st.aux[k], row * hs, st.h, b * hs, out, outOff);
    }

    @Override
    void cellBackward(State st, int k, int b, int row, int prevRow) {
        int hs = hidden;
        kernels.gruCellBackward(hs, st.act[k], row * 3 * hs, st.aux[k], row * hs, st.prev, prevRow < 0 ? -1 : row * hs,
                st.dh, b * hs, st.dGates, row * 3 * hs, st.dGh, row * 3 * hs);
    }
}
