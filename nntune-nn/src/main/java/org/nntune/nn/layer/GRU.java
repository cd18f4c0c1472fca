package org.nntune.nn.layer;

/**
 * Gated recurrent unit, as PyTorch's {@code nn.GRU}: gate blocks r, z, n;
 * {@code r = σ(x·W_ir + b_ir + h·W_hr + b_hr)}, z likewise,
 * {@code n = tanh(x·W_in + b_in + r ⊙ (h·W_hn + b_hn))} (the recurrent bias inside the reset
 * product), {@code h' = (1 − z) ⊙ n + z ⊙ h}. See {@link Recurrent}.
 */
public final class GRU extends Recurrent {

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
