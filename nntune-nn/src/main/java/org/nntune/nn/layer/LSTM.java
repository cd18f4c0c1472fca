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
        float[] a = st.act[k];
        float[] cs = st.aux[k];
        int ao = row * 4 * hs;
        int go = b * 4 * hs;
        int so = b * hs;
        for (int j = 0; j < hs; j++) {
            float i = sigmoid(a[ao + j] + st.gh[go + j]);
            float f = sigmoid(a[ao + hs + j] + st.gh[go + hs + j]);
            float g = tanh(a[ao + 2 * hs + j] + st.gh[go + 2 * hs + j]);
            float o = sigmoid(a[ao + 3 * hs + j] + st.gh[go + 3 * hs + j]);
            float c = f * st.c[so + j] + i * g;
            float h = o * tanh(c);
            a[ao + j] = i;
            a[ao + hs + j] = f;
            a[ao + 2 * hs + j] = g;
            a[ao + 3 * hs + j] = o;
            cs[row * hs + j] = c;
            st.c[so + j] = c;
            st.h[so + j] = h;
            out[outOff + j] = h;
        }
    }

    @Override
    void cellBackward(State st, int k, int b, int row, int prevRow) {
        int hs = hidden;
        float[] a = st.act[k];
        float[] cs = st.aux[k];
        float[] dg = st.dGates;
        int ao = row * 4 * hs;
        int so = b * hs;
        for (int j = 0; j < hs; j++) {
            float i = a[ao + j];
            float f = a[ao + hs + j];
            float g = a[ao + 2 * hs + j];
            float o = a[ao + 3 * hs + j];
            float c = cs[row * hs + j];
            float cPrev = prevRow < 0 ? 0f : cs[prevRow * hs + j];
            float tc = tanh(c);
            float dh = st.dh[so + j];
            float dO = dh * tc;
            float dc = st.dc[so + j] + dh * o * (1f - tc * tc);
            dg[ao + j] = dc * g * i * (1f - i);
            dg[ao + hs + j] = dc * cPrev * f * (1f - f);
            dg[ao + 2 * hs + j] = dc * i * (1f - g * g);
            dg[ao + 3 * hs + j] = dO * o * (1f - o);
            st.dc[so + j] = dc * f;
            st.dh[so + j] = 0f;
        }
    }
}
