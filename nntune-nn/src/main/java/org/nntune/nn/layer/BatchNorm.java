package org.nntune.nn.layer;

import org.nntune.nn.tensor.Tensor;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * Batch normalisation (Ioffe and Szegedy 2015) with PyTorch's conventions: per feature of a
 * flat input [F], or per channel of an image [C, H, W] (statistics over the batch and the
 * spatial positions). Training normalises with the batch statistics (biased variance) and
 * updates the running statistics {@code running = (1 − momentum)·running + momentum·batch}, the
 * running variance with the unbiased batch variance; evaluation normalises with the running
 * statistics. Learnable scale γ (starts at 1) and shift β (starts at 0).
 */
public final class BatchNorm extends Layer {
    private final float momentum;
    private final float eps;
    private int channels;
    private int spatial;
    private Param gamma;
    private Param beta;
    private Tensor runningMean;
    private Tensor runningVar;

    /** PyTorch's defaults: momentum 0.1, epsilon 1e-5. */
    public BatchNorm() {
        this(0.1f, 1e-5f);
    }

    /**
     * @param momentum in (0, 1]: the weight of each training batch's statistics in the running ones
     *     (PyTorch's convention; default 0.1; 1 keeps only the last batch's)
     * @param eps &gt; 0: added to the variance before its square root (default 1e-5)
     * @throws IllegalArgumentException if either is out of its range
     */
    public BatchNorm(float momentum, float eps) {
        if (!(momentum > 0f && momentum <= 1f)) {
            throw new IllegalArgumentException("batch norm momentum must be in (0, 1], got " + momentum);
        }
        if (!(eps > 0f)) {
            throw new IllegalArgumentException("batch norm epsilon must be > 0, got " + eps);
        }
        this.momentum = momentum;
        this.eps = eps;
    }

    /** @return the weight of each training batch's statistics in the running ones, in (0, 1] */
    public float momentum() { return momentum; }
    /** @return the value added to the variance before its square root, &gt; 0 */
    public float eps() { return eps; }

    private static final class Stats implements Cache {
        final float[] xhat;
        final float[] mean;
        final float[] invStd;
        boolean training;

        Stats(int size, int channels) {
            xhat = new float[size];
            mean = new float[channels];
            invStd = new float[channels];
        }
    }

    @Override
    protected int[] configure(int[] in) {
        if (in.length == 3) {
            channels = in[0];
            spatial = in[1] * in[2];
        } else if (in.length == 1) {
            channels = in[0];
            spatial = 1;
        } else {
            throw new IllegalArgumentException("batch norm needs a flat input [features] or an image [channels, height, width], got "
                    + java.util.Arrays.toString(in));
        }
        gamma = new Param("gamma", false, channels);
        beta = new Param("beta", false, channels);
        runningMean = Tensor.zeros(channels);
        runningVar = Tensor.zeros(channels);
        gamma.value().fill(1f);
        runningVar.fill(1f);
        return in;
    }

    @Override
    public String kind() {
        return "batchnorm";
    }

    @Override
    public String describe() {
        return "momentum " + momentum + ", eps " + eps;
    }

    @Override
    public void writeConfig(DataOutputStream out) throws IOException {
        out.writeFloat(momentum);
        out.writeFloat(eps);
    }

    @Override
    public List<Param> params() {
        return List.of(gamma, beta);
    }

    @Override
    public List<Tensor> buffers() {
        return List.of(runningMean, runningVar);
    }

    @Override
    public void initialize(org.nntune.nn.tensor.Rng rng) {
        gamma.value().fill(1f);
        beta.value().fill(0f);
        runningMean.fill(0f);
        runningVar.fill(1f);
    }

    @Override
    public Cache newCache(int batch) {
        return new Stats(batch * inputSize(), channels);
    }

    @Override
    public void forward(float[] x, float[] y, int n, Cache cache, Pass pass) {
        Stats s = (Stats) cache;
        s.training = pass.training();
        int stride = channels * spatial;
        float[] g = gamma.value().data();
        float[] b = beta.value().data();
        float[] rm = runningMean.data();
        float[] rv = runningVar.data();
        long count = (long) n * spatial;
        for (int c = 0; c < channels; c++) {
            float mean;
            float var;
            if (s.training) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    int o = i * stride + c * spatial;
                    for (int p = 0; p < spatial; p++) {
                        sum += x[o + p];
                    }
                }
                double mu = sum / count;
                double sq = 0;
                for (int i = 0; i < n; i++) {
                    int o = i * stride + c * spatial;
                    for (int p = 0; p < spatial; p++) {
                        double d = x[o + p] - mu;
                        sq += d * d;
                    }
                }
                mean = (float) mu;
                var = (float) (sq / count);
                double unbiased = count > 1 ? sq / (count - 1) : sq / count;
                rm[c] = (1 - momentum) * rm[c] + momentum * mean;
                rv[c] = (float) ((1 - momentum) * rv[c] + momentum * unbiased);
            } else {
                mean = rm[c];
                var = rv[c];
            }
            float inv = (float) (1 / Math.sqrt(var + eps));
            s.mean[c] = mean;
            s.invStd[c] = inv;
            for (int i = 0; i < n; i++) {
                int o = i * stride + c * spatial;
                for (int p = 0; p < spatial; p++) {
                    float h = (x[o + p] - mean) * inv;
                    s.xhat[o + p] = h;
                    y[o + p] = g[c] * h + b[c];
                }
            }
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache) {
        Stats s = (Stats) cache;
        int stride = channels * spatial;
        float[] g = gamma.value().data();
        float[] dg = gamma.grad().data();
        float[] db = beta.grad().data();
        double count = (double) n * spatial;
        for (int c = 0; c < channels; c++) {
            double sumDy = 0;
            double sumDyXhat = 0;
            for (int i = 0; i < n; i++) {
                int o = i * stride + c * spatial;
                for (int p = 0; p < spatial; p++) {
                    sumDy += dy[o + p];
                    sumDyXhat += dy[o + p] * s.xhat[o + p];
                }
            }
            dg[c] = (float) sumDyXhat;
            db[c] = (float) sumDy;
            if (dx == null) {
                continue;
            }
            float scale = g[c] * s.invStd[c];
            float meanDy = (float) (sumDy / count);
            float meanDyXhat = (float) (sumDyXhat / count);
            for (int i = 0; i < n; i++) {
                int o = i * stride + c * spatial;
                for (int p = 0; p < spatial; p++) {
                    dx[o + p] = s.training
                            ? scale * (dy[o + p] - meanDy - s.xhat[o + p] * meanDyXhat)
                            : scale * dy[o + p];
                }
            }
        }
    }
}
