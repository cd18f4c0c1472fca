package org.nntune.nn.layer;

import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Inverted dropout: in training each value is zeroed with probability {@code rate} and the kept
 * ones are scaled by 1 / (1 − rate), so evaluation is the identity.
 */
public final class Dropout extends Layer {
    private final float rate;

    /** {@code rate} in [0, 1). */
    public Dropout(float rate) {
        if (!(rate >= 0f && rate < 1f)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
    }

    /** @return the probability that training zeroes a value, in [0, 1) */
    public float rate() { return rate; }

    private static final class Mask implements Cache {
        final float[] scale;
        boolean active;

        Mask(int n) {
            scale = new float[n];
        }
    }

    @Override
    protected int[] configure(int[] in) {
        return in;
    }

    @Override
    public String kind() {
        return "dropout";
    }

    @Override
    public String describe() {
        return "rate " + rate;
    }

    @Override
    public void writeConfig(DataOutputStream out) throws IOException {
        out.writeFloat(rate);
    }

    @Override
    public Cache newCache(int batch) {
        return new Mask(batch * inputSize());
    }

    @Override
    public void forward(float[] x, float[] y, int n, Cache cache, Pass pass) {
        Mask m = (Mask) cache;
        int total = n * inputSize();
        m.active = pass.training() && rate > 0f;
        if (!m.active) {
            System.arraycopy(x, 0, y, 0, total);
            return;
        }
        float keep = 1f / (1f - rate);
        var rng = pass.rng();
        for (int i = 0; i < total; i++) {
            float s = rng.nextFloat() >= rate ? keep : 0f;
            m.scale[i] = s;
            y[i] = x[i] * s;
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache) {
        if (dx == null) {
            return;
        }
        Mask m = (Mask) cache;
        int total = n * inputSize();
        if (!m.active) {
            System.arraycopy(dy, 0, dx, 0, total);
            return;
        }
        for (int i = 0; i < total; i++) {
            dx[i] = dy[i] * m.scale[i];
        }
    }
}
