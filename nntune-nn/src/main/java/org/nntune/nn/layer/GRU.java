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
        float[] a = st.act[k];
        float[] hn = st.aux[k];
        int ao = row * 3 * hs;
        int so = b * hs;
        for (int j = 0; j < hs; j++) {
            float r = a[ao + j];
            float z = a[ao + hs + j];
            float n = a[ao + 2 * hs + j];
            float hPrev = prevRow < 0 ? 0f : st.prev[row * hs + j];
            float dh = st.dh[so + j];
            float dan = dh * (1f - z) * (1f - n * n);
            float dar = dan * hn[row * hs + j] * r * (1f - r);
            float daz = dh * (hPrev - n) * z * (1f - z);
            st.dGates[ao + j] = dar;
            st.dGates[ao + hs + j] = daz;
            st.dGates[ao + 2 * hs + j] = dan;
            st.dGh[ao + j] = dar;
            st.dGh[ao + hs + j] = daz;
            st.dGh[ao + 2 * hs + j] = dan * r;
            st.dh[so + j] = dh * z;
        }
    }
}
