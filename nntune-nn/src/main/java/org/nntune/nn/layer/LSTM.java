package org.nntune.nn.layer;

/**
 * Long short-term memory, as PyTorch's {@code nn.LSTM}: gate blocks i, f, g, o;
 * {@code i = σ(x·W_ii + b_ii + h·W_hi + b_hi)}, f and o likewise, {@code g = tanh(…)},
 * {@code c' = f ⊙ c + i ⊙ g}, {@code h' = o ⊙ tanh(c')}. See {@link Recurrent}.
 */
public final class LSTM extends Recurrent {

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
