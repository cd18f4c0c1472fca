package org.nntune.nn.layer;

import org.nntune.nn.tensor.Kernels;
import org.nntune.nn.tensor.Rng;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * A 2-D convolution (cross-correlation, as in PyTorch and Keras) over images
 * [channels, height, width] with zero padding and strides. The kernel is stored filters × (channels ·
 * kh · kw), PyTorch's layout; the bias has one value per filter.
 *
 * <p>Computed a chunk of images at a time (as many as give about {@link #CHUNK_COLUMNS} output
 * positions; a training batch of small images is one chunk), each product one GEMM over the whole
 * chunk: the chunk's im2col columns side by side (cols, K × positions, K = channels · kh · kw),
 * then Y = W · cols (filters × positions, the plane-major layout), moved to the images with the
 * bias (and a following ReLU, {@link #forwardRelu}) in the same pass. Backward: the output
 * gradient moved to the plane-major layout (bias gradient and ReLU mask in that pass),
 * dW = dY · colsᵀ summed over the chunk's positions inside the GEMM, dcols = Wᵀ · dY and col2im.
 * The columns of a training pass are kept for its backward pass. Chunks depend only on the batch
 * size, so the result does not depend on the thread count.
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

    /** About this many output positions (images × outH × outW) make one chunk of a pass. */
    static final int CHUNK_COLUMNS = 8192;

    /**
     * Scratch for batches of one size: the columns (of every chunk in training, so that the
     * backward pass reuses them; of one chunk in evaluation), the plane-major output or output
     * gradient of one chunk, and the column gradient of one chunk. Sized at first use.
     */
    private static final class ConvCache implements Cache {
        float[] cols = new float[0];
        float[] planes = new float[0];
        float[] dcols = new float[0];
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
        return new ConvCache();
    }

    /** Images per chunk. */
    private int chunk(int n) {
        return Math.max(1, Math.min(n, CHUNK_COLUMNS / (outH * outW)));
    }

    @Override
    public void forward(float[] x, float[] y, int n, Cache cache, Pass pass) {
        forward(x, y, n, (ConvCache) cache, pass.training(), false);
    }

    /**
     * This layer followed by a ReLU, in one pass over the output: {@code y = max(0, conv(x) + b)}.
     * The pre-activation is not kept; {@link #backwardRelu} needs only y.
     */
    public void forwardRelu(float[] x, float[] y, int n, Cache cache, Pass pass) {
        forward(x, y, n, (ConvCache) cache, pass.training(), true);
    }

    private void forward(float[] x, float[] y, int n, ConvCache c, boolean keepCols, boolean relu) {
        int k = channels * kh * kw;
        int hw = outH * outW;
        int inSize = inputSize();
        int outSize = filters * hw;
        int chunk = chunk(n);
        float[] w = weight.value().data();
        float[] b = bias.value().data();
        if (c.cols.length < k * (keepCols ? n : chunk) * hw) {
            c.cols = new float[k * (keepCols ? n : chunk) * hw];
        }
        if (c.planes.length < filters * chunk * hw) {
            c.planes = new float[filters * chunk * hw];
        }
        for (int i0 = 0; i0 < n; i0 += chunk) {
            int m = Math.min(chunk, n - i0);
            int cols = m * hw;
            int colsOff = keepCols ? k * i0 * hw : 0;
            kernels.im2colBatch(x, i0 * inSize, m, channels, height, width, kh, kw, strideH, strideW, padH, padW,
                    c.cols, colsOff);
            kernels.gemm(false, false, filters, cols, k, 1f, w, 0, k, c.cols, colsOff, cols, 0f, c.planes, 0, cols);
            kernels.planesToImages(c.planes, m, filters, hw, b, relu, y, i0 * outSize);
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache) {
        backward(dy, null, dx, n, (ConvCache) cache);
    }

    /**
     * The backward pass of {@link #forwardRelu}: {@code dy}, the gradient for the ReLU's output
     * {@code y}, is masked where y is not positive (the gradient for the pre-activation) as it is
     * moved to the plane-major layout; {@code dy} itself is not changed.
     */
    public void backwardRelu(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache) {
        backward(dy, y, dx, n, (ConvCache) cache);
    }

    private void backward(float[] dy, float[] mask, float[] dx, int n, ConvCache c) {
        int k = channels * kh * kw;
        int hw = outH * outW;
        int inSize = inputSize();
        int outSize = filters * hw;
        int chunk = chunk(n);
        if (c.cols.length < k * n * hw) {
            throw new IllegalStateException("conv2d backward pass without a training forward pass of the batch");
        }
        float[] w = weight.value().data();
        float[] dw = weight.grad().data();
        float[] db = bias.grad().data();
        java.util.Arrays.fill(db, 0f);
        if (dx != null && c.dcols.length < k * chunk * hw) {
            c.dcols = new float[k * chunk * hw];
        }
        for (int i0 = 0; i0 < n; i0 += chunk) {
            int m = Math.min(chunk, n - i0);
            int cols = m * hw;
            int colsOff = k * i0 * hw;
            kernels.imagesToPlanes(dy, mask, i0 * outSize, m, filters, hw, c.planes, db);
            // dW (+)= dY · colsᵀ: the sum over the chunk's positions is the GEMM's inner dimension
            kernels.gemm(false, true, filters, k, cols, 1f, c.planes, 0, cols, c.cols, colsOff, cols,
                    i0 == 0 ? 0f : 1f, dw, 0, k);
            if (dx != null) {
                kernels.gemm(true, false, k, cols, filters, 1f, w, 0, k, c.planes, 0, cols, 0f, c.dcols, 0, cols);
                kernels.col2imBatch(c.dcols, 0, m, channels, height, width, kh, kw, strideH, strideW, padH, padW,
                        dx, i0 * inSize);
            }
        }
    }

    public int filters() { return filters; }
}
