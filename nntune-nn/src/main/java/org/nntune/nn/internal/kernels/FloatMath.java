package org.nntune.nn.internal.kernels;

/**
 * e^x, σ(x) and tanh(x) in float arithmetic only (+, −, ×, ÷ and exact bit moves), for the fast
 * paths' recurrent cells. Why not {@link Math#exp}: it is scalar, so the cell could not run a
 * vector at a time; and why not the Vector API's {@code EXP}: its C2 intrinsic and its Java
 * fallback may differ in the last bits, so a training run's bits would depend on when C2 compiled
 * the loop (as with the softmax, see {@code VectorKernels}). These functions use only operations
 * that IEEE 754 rounds exactly one way, in the same order in {@code VectorKernels}' lanes as here,
 * so the {@code java} and {@code vector} paths give the same bits in every JIT tier, on every
 * thread count, and equal each other (tested).
 *
 * <p>exp is Cephes' {@code expf}: x clamped to [−87, 88], k = round(x·log₂e) (by adding and
 * subtracting 1.5·2²³), r = x − k·ln2 in two parts, e^r by a degree-7 polynomial, times 2^k made
 * from its exponent bits ({@link #scaleBits}); every product that a sum follows is one fused
 * multiply-add ({@link Math#fma}, rounded once, as the vector {@code fma}: the same bits on both
 * paths and in every tier): 17 operations where separate products and sums took 26. Relative error below 3e-7 over the range; σ and tanh from it stay
 * within 2.5e-7 absolute of the double-precision reference ({@code ReferenceKernels}; tanh near
 * −1 loses most, to the rounding of 2/(e^{2v} + 1) near 2), tested.
 */
final class FloatMath {
    private FloatMath() {}

    static final float MIN = -87f;
    static final float MAX = 88f;
    static final float LOG2E = 1.44269504088896341f;
    static final float SHIFTER = 12582912f;
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    static final float P0 = 1.9875691500e-4f;
    static final float P1 = 1.3981999507e-3f;
    static final float P2 = 8.3334519073e-3f;
    static final float P3 = 4.1665795894e-2f;
    static final float P4 = 1.6666665459e-1f;
    static final float P5 = 5.0000001201e-1f;

    static float exp(float v) {
        float x = Math.min(Math.max(v, MIN), MAX);
        float shifted = Math.fma(x, LOG2E, SHIFTER);
        float k = shifted - SHIFTER;
        float r = Math.fma(k, -LN2_HI, x);
        r = Math.fma(k, -LN2_LO, r);
        float p = Math.fma(r, P0, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        p = Math.fma(p, r * r, r) + 1f;
        return p * Float.intBitsToFloat(scaleBits(Float.floatToRawIntBits(shifted)));
    }

    /**
     * The bits of 2^k from the bits of {@code k + 1.5·2²³} (k an integer in [−126, 127]): that
     * float's low mantissa bits hold k (its bits are 0x4B400000 + k), and shifting
     * {@code bits + 127} left by 23 drops 0x4B400000 entirely, leaving {@code (k + 127) << 23},
     * the exponent field of 2^k. No float-to-int conversion, which the Vector API of JDK 17 did
     * not compile to an instruction here (profiled: its Java fallback ran in every call).
     */
    static int scaleBits(int shiftedBits) {
        return (shiftedBits + 127) << 23;
    }

    static float sigmoid(float v) {
        return 1f / (1f + exp(-v));
    }

    static float tanh(float v) {
        return 1f - 2f / (exp(2f * v) + 1f);
    }

    /** The σ and tanh a cell uses: the fast paths' float ones, or the reference's double ones. */
    enum Precision {
        FLOAT {
            @Override float sigmoid(float v) { return FloatMath.sigmoid(v); }
            @Override float tanh(float v) { return FloatMath.tanh(v); }
        },
        /** In double from {@link Math#exp}, rounded once to float (see {@code ReferenceKernels}). */
        DOUBLE {
            @Override float sigmoid(float v) { return ReferenceKernels.sigmoid(v); }
            @Override float tanh(float v) { return ReferenceKernels.tanh(v); }
        };

        abstract float sigmoid(float v);

        abstract float tanh(float v);
    }

    /** One LSTM cell of {@link Kernels#lstmCell} for unit j (the scalar form of the vector loop). */
    static void lstmUnit(Precision fn, int hs, int j, float[] act, int actOff, float[] gh, int ghOff, float[] c, int cOff,
                         float[] cells, int cellsOff, float[] h, int hOff, float[] out, int outOff) {
        float i = fn.sigmoid(act[actOff + j] + gh[ghOff + j]);
        float f = fn.sigmoid(act[actOff + hs + j] + gh[ghOff + hs + j]);
        float g = fn.tanh(act[actOff + 2 * hs + j] + gh[ghOff + 2 * hs + j]);
        float o = fn.sigmoid(act[actOff + 3 * hs + j] + gh[ghOff + 3 * hs + j]);
        float cv = f * c[cOff + j] + i * g;
        float hv = o * fn.tanh(cv);
        act[actOff + j] = i;
        act[actOff + hs + j] = f;
        act[actOff + 2 * hs + j] = g;
        act[actOff + 3 * hs + j] = o;
        cells[cellsOff + j] = cv;
        c[cOff + j] = cv;
        h[hOff + j] = hv;
        out[outOff + j] = hv;
    }

    /** One GRU cell of {@link Kernels#gruCell} for unit j (the scalar form of the vector loop). */
    static void gruUnit(Precision fn, int hs, int j, float[] act, int actOff, float[] gh, int ghOff, float[] biasHh, float[] hn, int hnOff,
                        float[] h, int hOff, float[] out, int outOff) {
        float r = fn.sigmoid(act[actOff + j] + gh[ghOff + j] + biasHh[j]);
        float z = fn.sigmoid(act[actOff + hs + j] + gh[ghOff + hs + j] + biasHh[hs + j]);
        float hnv = gh[ghOff + 2 * hs + j] + biasHh[2 * hs + j];
        float n = fn.tanh(act[actOff + 2 * hs + j] + r * hnv);
        float hv = (1f - z) * n + z * h[hOff + j];
        act[actOff + j] = r;
        act[actOff + hs + j] = z;
        act[actOff + 2 * hs + j] = n;
        hn[hnOff + j] = hnv;
        h[hOff + j] = hv;
        out[outOff + j] = hv;
    }

    /**
     * One unit of {@link Kernels#gruCellBackward} (the scalar form of the vector loop; no σ or
     * tanh, so every path runs it alike).
     */
    static void gruBackwardUnit(int hs, int j, float[] act, int actOff, float[] hn, int hnOff, float[] prev, int prevOff,
                                float[] dh, int dhOff, float[] dGates, int dgOff, float[] dGh, int dghOff) {
        float r = act[actOff + j];
        float z = act[actOff + hs + j];
        float n = act[actOff + 2 * hs + j];
        float hPrev = prevOff < 0 ? 0f : prev[prevOff + j];
        float d = dh[dhOff + j];
        float dan = d * (1f - z) * (1f - n * n);
        float dar = dan * hn[hnOff + j] * r * (1f - r);
        float daz = d * (hPrev - n) * z * (1f - z);
        dGates[dgOff + j] = dar;
        dGates[dgOff + hs + j] = daz;
        dGates[dgOff + 2 * hs + j] = dan;
        dGh[dghOff + j] = dar;
        dGh[dghOff + hs + j] = daz;
        dGh[dghOff + 2 * hs + j] = dan * r;
        dh[dhOff + j] = d * z;
    }

    /** One unit of {@link Kernels#lstmCellBackward} (the scalar form of the vector loop). */
    static void lstmBackwardUnit(Precision fn, int hs, int j, float[] act, int actOff, float[] cells, int cellOff, int prevCellOff,
                                 float[] dh, int dhOff, float[] dc, int dcOff, float[] dGates, int dgOff) {
        float i = act[actOff + j];
        float f = act[actOff + hs + j];
        float g = act[actOff + 2 * hs + j];
        float o = act[actOff + 3 * hs + j];
        float cPrev = prevCellOff < 0 ? 0f : cells[prevCellOff + j];
        float tc = fn.tanh(cells[cellOff + j]);
        float d = dh[dhOff + j];
        float dO = d * tc;
        float dcv = dc[dcOff + j] + d * o * (1f - tc * tc);
        dGates[dgOff + j] = dcv * g * i * (1f - i);
        dGates[dgOff + hs + j] = dcv * cPrev * f * (1f - f);
        dGates[dgOff + 2 * hs + j] = dcv * i * (1f - g * g);
        dGates[dgOff + 3 * hs + j] = dO * o * (1f - o);
        dc[dcOff + j] = dcv * f;
        dh[dhOff + j] = 0f;
    }
}
