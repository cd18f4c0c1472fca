package org.nntune.nn.layer;

/**
 * Long short-term memory, as PyTorch's {@code nn.LSTM}: gate blocks i, f, g, o;
 * {@code i = σ(x·W_ii + b_ii + h·W_hi + b_hi)}, f and o likewise, {@code g = tanh(…)},
 * {@code c' = f ⊙ c + i ⊙ g}, {@code h' = o ⊙ tanh(c')}. See {@link Recurrent}.
 */
public final class LSTM extends Recurrent {

    /**
     * A long short-term memory over a sequence input {@code [time, features]}; see {@link Recurrent}
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
    public LSTM(int hidden, int layers, boolean bidirectional, double dropout, Readout readout) {
        super(4, hidden, layers, bidirectional, dropout, readout);
    }

    @Override
    public String kind() {
        return "lstm";
    }

    @Override
    void cellForward(State st, int k, int b, int row, float[] out, int outOff, float[] biasHh) {
        int hs = hidden;
        kernels.lstmCell(hs, st.act[k], row * 4 * hs, st.gh, b * 4 * hs, st.c, b * hs, st.aux[k], row * hs, st.h, b * hs,
                out, outOff);
    }

    @Override
    void cellBackward(State st, int k, int b, int row, int prevRow) {
        int hs = hidden;
        kernels.lstmCellBackward(hs, st.act[k], row * 4 * hs, st.aux[k], row * hs, prevRow < 0 ? -1 : prevRow * hs,
                st.dh, b * hs, st.dc, b * hs, st.dGates, row * 4 * hs);
    }
}
