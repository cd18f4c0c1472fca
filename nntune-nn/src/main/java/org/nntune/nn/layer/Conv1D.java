package org.nntune.nn.layer;

import org.nntune.nn.tensor.Rng;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * A one-dimensional convolution over time with a ReLU and global max pooling over the row's
 * positions — the text CNN baseline (Kim 2014): input {@code [time, features]}, output
 * {@code [filters]}, {@code y[f] = max(0, max_p (window_p · W[:, f] + b[f]))} over the windows
 * that start at positions {@code p ≤ length − kernel} (at least position 0, so a row shorter than
 * the kernel sees its padding's zeros). Stride 1, no padding; the input needs at least
 * {@code kernel} time steps. W is (kernel·features) × filters, window p being the kernel·features
 * consecutive inputs from step p; He-uniform weights, zero bias.
 *
 * <p>The forward pass unfolds the windows of every row (up to the batch's longest row) and makes
 * all positions of all rows one GEMM; the backward pass follows only each filter's maximum.
 */
public final class Conv1D extends SequenceLayer {
    private final int filters;
    private final int kernel;
    private Param weight;
    private Param bias;

    /**
     * @param filters ≥ 1: the number of filters, which is the output's size
     * @param kernel ≥ 1: the window's length in time steps; an input of fewer steps is refused when
     *     the network is built
     * @throws IllegalArgumentException if either is below 1
     */
    public Conv1D(int filters, int kernel) {
        checkPositive("conv1d filters", filters);
        checkPositive("conv1d kernel", kernel);
        this.filters = filters;
        this.kernel = kernel;
    }

    /** @return the number of filters: the output's size */
    public int filters() { return filters; }
    /** @return the window's length in time steps */
    public int kernel() { return kernel; }

    @Override
    protected int[] configure(int[] in) {
        requireSequence(kind(), in);
        if (in[0] < kernel) {
            throw new IllegalArgumentException("conv1d kernel " + kernel + " is longer than the input's " + in[0] + " time steps");
        }
        weight = new Param("weight", true, kernel * in[1], filters);
        bias = new Param("bias", false, filters);
        return new int[] {filters};
    }

    @Override
    public String kind() {
        return "conv1d";
    }

    @Override
    public String describe() {
        return "kernel " + kernel + ", relu, global max over time";
    }

    @Override
    public void writeConfig(DataOutputStream out) throws IOException {
        out.writeInt(filters);
        out.writeInt(kernel);
    }

    @Override
    public List<Param> params() {
        return List.of(weight, bias);
    }

    @Override
    public void initialize(Rng rng) {
        Initializer.HE_UNIFORM.fill(weight.value().data(), weight.size(), kernel * stepFeatures(), filters, rng);
        bias.value().fill(0f);
    }

    private static final class Windows extends SequenceCache {
        final float[] cols;
        final float[] z;
        final int[] argmax;
        int positions;

        Windows(int batch, int time, int window, int filters, int kernel) {
            super(batch, time);
            int p = time - kernel + 1;
            cols = new float[batch * p * window];
            z = new float[batch * p * filters];
            argmax = new int[batch * filters];
        }
    }

    @Override
    public Cache newCache(int batch) {
        return new Windows(batch, time(), kernel * stepFeatures(), filters, kernel);
    }

    private int positions(int len) {
        return Math.max(1, len - kernel + 1);
    }

    @Override
    public void forward(float[] x, float[] y, int n, Cache cache, Pass pass) {
        Windows w = (Windows) cache;
        int[] len = lengths(cache);
        int f = stepFeatures();
        int win = kernel * f;
        int time = time();
        int p = positions(maxLength(len, n));
        w.positions = p;
        for (int b = 0; b < n; b++) {
            for (int q = 0; q < p; q++) {
                System.arraycopy(x, (b * time + q) * f, w.cols, (b * p + q) * win, win);
            }
        }
        kernels.gemm(false, false, n * p, filters, win, 1f, w.cols, 0, win, weight.value().data(), 0, filters, 0f, w.z, 0, filters);
        float[] bv = bias.value().data();
        for (int b = 0; b < n; b++) {
            int valid = positions(len[b]);
            for (int j = 0; j < filters; j++) {
                float best = w.z[b * p * filters + j];
                int arg = 0;
                for (int q = 1; q < valid; q++) {
                    float v = w.z[(b * p + q) * filters + j];
                    if (v > best) {
                        best = v;
                        arg = q;
                    }
                }
                w.argmax[b * filters + j] = arg;
                y[b * filters + j] = Math.max(0f, best + bv[j]);
            }
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache) {
        Windows w = (Windows) cache;
        int f = stepFeatures();
        int win = kernel * f;
        int time = time();
        int p = w.positions;
        float[] wv = weight.value().data();
        float[] gw = weight.grad().data();
        float[] gb = bias.grad().data();
        Arrays.fill(gw, 0f);
        Arrays.fill(gb, 0f);
        if (dx != null) {
            Arrays.fill(dx, 0, n * time * f, 0f);
        }
        for (int b = 0; b < n; b++) {
            for (int j = 0; j < filters; j++) {
                if (!(y[b * filters + j] > 0f)) {
                    continue;
                }
                float g = dy[b * filters + j];
                int q = w.argmax[b * filters + j];
                int co = (b * p + q) * win;
                gb[j] += g;
                for (int i = 0; i < win; i++) {
                    gw[i * filters + j] += w.cols[co + i] * g;
                }
                if (dx != null) {
                    int xo = (b * time + q) * f;
                    for (int i = 0; i < win; i++) {
                        dx[xo + i] += wv[i * filters + j] * g;
                    }
                }
            }
        }
    }
}
