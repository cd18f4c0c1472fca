package org.nntune.nn.layer;

import org.nntune.nn.tensor.Kernels;
import org.nntune.nn.tensor.Rng;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * A 2-D convolution (cross-correlation, as in PyTorch and Keras) over images
 * [channels, height, width] with zero padding and strides, computed as im2col + GEMM per image.
 * The kernel is stored filters × (channels · kh · kw), PyTorch's layout; the bias has one value per filter.
 */
public final class Conv2D extends Layer {
    private final int filters;
    private final int kh;
    private final int kw;
    private final int strideH;
    private final int strideW;
    private final int padH;
    private final int padW;
    private final Initializer init;
    private int channels;
    private int height;
    private int width;
    private int outH;
    private int outW;
    private Param weight;
    private Param bias;

    public Conv2D(int filters, int kh, int kw, int strideH, int strideW, int padH, int padW, Initializer init) {
        checkPositive("conv2d filters", filters);
        checkPositive("conv2d kernel height", kh);
        checkPositive("conv2d kernel width", kw);
        checkPositive("conv2d stride", strideH);
        checkPositive("conv2d stride", strideW);
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv2d padding must be >= 0, got " + padH + ", " + padW);
        }
        this.filters = filters;
        this.kh = kh;
        this.kw = kw;
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
        this.init = init;
    }

    private static final class ConvCache implements Cache {
        final float[] cols;
        final float[] colsT;
        final float[] dcols;

        ConvCache(int size) {
            cols = new float[size];
            colsT = new float[size];
            dcols = new float[size];
        }
    }

    @Override
    protected int[] configure(int[] in) {
        requireImage("conv2d", in);
        channels = in[0];
        height = in[1];
        width = in[2];
        outH = Kernels.outSize(height, kh, strideH, padH);
        outW = Kernels.outSize(width, kw, strideW, padW);
        weight = new Param("weight", true, filters, channels * kh * kw);
        bias = new Param("bias", false, filters);
        return new int[] {filters, outH, outW};
    }

    @Override
    public String kind() {
        return "conv2d";
    }

    @Override
    public String describe() {
        return kh + "x" + kw + ", stride " + strideH + (strideW != strideH ? "x" + strideW : "")
                + ", padding " + padH + (padW != padH ? "x" + padW : "");
    }

    @Override
    public void writeConfig(DataOutputStream out) throws IOException {
        for (int v : new int[] {filters, kh, kw, strideH, strideW, padH, padW}) {
            out.writeInt(v);
        }
        out.writeUTF(init.name());
    }

    @Override
    public List<Param> params() {
        return List.of(weight, bias);
    }

    @Override
    public void initialize(Rng rng) {
        init.fill(weight.value().data(), weight.size(), channels * kh * kw, filters * kh * kw, rng);
        bias.value().fill(0f);
    }

    @Override
    public Cache newCache(int batch) {
        return new ConvCache(channels * kh * kw * outH * outW);
    }

    @Override
    public void forward(float[] x, float[] y, int n, Cache cache, Pass pass) {
        float[] cols = ((ConvCache) cache).cols;
        int k = channels * kh * kw;
        int hw = outH * outW;
        int inSize = inputSize();
        int outSize = filters * hw;
        float[] w = weight.value().data();
        float[] b = bias.value().data();
        for (int i = 0; i < n; i++) {
            kernels.im2col(x, i * inSize, channels, height, width, kh, kw, strideH, strideW, padH, padW, cols, 0);
            kernels.gemm(false, false, filters, hw, k, 1f, w, 0, k, cols, 0, hw, 0f, y, i * outSize, hw);
            for (int f = 0; f < filters; f++) {
                int o = i * outSize + f * hw;
                float bf = b[f];
                for (int p = 0; p < hw; p++) {
                    y[o + p] += bf;
                }
            }
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache) {
        ConvCache c = (ConvCache) cache;
        int k = channels * kh * kw;
        int hw = outH * outW;
        int inSize = inputSize();
        int outSize = filters * hw;
        float[] w = weight.value().data();
        float[] dw = weight.grad().data();
        float[] db = bias.grad().data();
        java.util.Arrays.fill(db, 0f);
        for (int i = 0; i < n; i++) {
            kernels.im2col(x, i * inSize, channels, height, width, kh, kw, strideH, strideW, padH, padW, c.cols, 0);
            // dW += dy_i · cols_iᵀ, as a plain product with the columns transposed (k·hw copies against filters·k·hw products)
            kernels.transpose(c.cols, 0, k, hw, c.colsT, 0);
            kernels.gemm(false, false, filters, k, hw, 1f, dy, i * outSize, hw, c.colsT, 0, k, i == 0 ? 0f : 1f, dw, 0, k);
            for (int f = 0; f < filters; f++) {
                int o = i * outSize + f * hw;
                float s = 0f;
                for (int p = 0; p < hw; p++) {
                    s += dy[o + p];
                }
                db[f] += s;
            }
            if (dx != null) {
                kernels.gemm(true, false, k, hw, filters, 1f, w, 0, k, dy, i * outSize, hw, 0f, c.dcols, 0, hw);
                java.util.Arrays.fill(dx, i * inSize, (i + 1) * inSize, 0f);
                kernels.col2im(c.dcols, 0, channels, height, width, kh, kw, strideH, strideW, padH, padW, dx, i * inSize);
            }
        }
    }

    public int filters() { return filters; }
}
