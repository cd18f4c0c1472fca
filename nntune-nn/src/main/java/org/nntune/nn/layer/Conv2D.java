package org.nntune.nn.layer;

import org.nntune.nn.internal.kernels.ConvShape;
import org.nntune.nn.tensor.Rng;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * A 2-D convolution (cross-correlation, as in PyTorch and Keras) over images
 * [channels, height, width] with zero padding and strides. The kernel is stored filters × (channels ·
 * kh · kw), PyTorch's layout; the bias has one value per filter.
 *
 * <p>Computed image by image ({@link org.nntune.nn.internal.kernels.Kernels#conv2dForward}): the
 * image's im2col columns (K × positions, K = channels · kh · kw) in a per-thread scratch buffer
 * that stays in cache, then Y = W · cols written straight into the image's output (filters ×
 * positions is the image layout), with the bias and a following ReLU ({@link #forwardRelu}) in
 * place. The threads take groups of images. Backward
 * ({@link org.nntune.nn.internal.kernels.Kernels#conv2dBackward}), again per image: the masked
 * output gradient, the columns computed again, dWᵀ += cols · dYᵀ and the bias gradient summed per
 * group of images (the groups' sums added in order, so the result does not depend on the thread
 * count), and the input gradient col2im(Wᵀ · dY). Nothing of the batch's size is kept between
 * the passes but the small per-group gradient sums.
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
    private Param weight;
    private Param bias;

    /**
     * A convolution of an input [C, H, W] to [filters, (H + 2·padH − kh) / strideH + 1,
     * (W + 2·padW − kw) / strideW + 1] (rounded down). A kernel larger than the padded input is
     * refused when the network is built.
     *
     * @param filters ≥ 1: output channels
     * @param kh kernel height in pixels, ≥ 1
     * @param kw kernel width in pixels, ≥ 1
     * @param strideH rows between one kernel position and the next, ≥ 1
     * @param strideW columns between one kernel position and the next, ≥ 1
     * @param padH rows of zeros added above and below the input, ≥ 0
     * @param padW columns of zeros added left and right of the input, ≥ 0
     * @param init how the kernel's weights are drawn (fan-in channels·kh·kw, fan-out filters·kh·kw);
     *     the biases start at 0
     * @throws IllegalArgumentException if a size or stride is below 1 or a padding below 0
     */
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

    /** Scratch for batches of one size: each group of images' own weight and bias gradient sums. */
    private static final class ConvCache implements Cache {
        float[] partials = new float[0];
    }

    private ConvShape shape;

    @Override
    protected int[] configure(int[] in) {
        requireImage("conv2d", in);
        channels = in[0];
        height = in[1];
        width = in[2];
        shape = new ConvShape(channels, height, width, filters, kh, kw, strideH, strideW, padH, padW);
        weight = new Param("weight", true, filters, channels * kh * kw);
        bias = new Param("bias", false, filters);
        return new int[] {filters, shape.outH(), shape.outW()};
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

    @Override
    public void forward(float[] x, float[] y, int n, Cache cache, Pass pass) {
        kernels.conv2dForward(shape, x, n, weight.value().data(), bias.value().data(), false, y);
    }

    /**
     * This layer followed by a ReLU, in one pass over the output: {@code y = max(0, conv(x) + b)}.
     * The pre-activation is not kept; {@link #backwardRelu} needs only y.
     */
    public void forwardRelu(float[] x, float[] y, int n, Cache cache, Pass pass) {
        kernels.conv2dForward(shape, x, n, weight.value().data(), bias.value().data(), true, y);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache) {
        backward(x, dy, null, dx, n, (ConvCache) cache);
    }

    /**
     * The backward pass of {@link #forwardRelu}: {@code dy}, the gradient for the ReLU's output
     * {@code y}, is masked where y is not positive (the gradient for the pre-activation);
     * {@code dy} itself is not changed.
     */
    public void backwardRelu(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache) {
        backward(x, dy, y, dx, n, (ConvCache) cache);
    }

    private void backward(float[] x, float[] dy, float[] mask, float[] dx, int n, ConvCache c) {
        if (c.partials.length < shape.partialsSize(n)) {
            c.partials = new float[shape.partialsSize(n)];
        }
        kernels.conv2dBackward(shape, x, dy, mask, n, weight.value().data(), weight.grad().data(),
                bias.grad().data(), dx, c.partials);
    }

    /** @return the number of filters: the output's channels */
    public int filters() { return filters; }
    /** @return the kernel's height in pixels */
    public int kernelHeight() { return kh; }
    /** @return the kernel's width in pixels */
    public int kernelWidth() { return kw; }
    /** @return the rows between one kernel position and the next below it */
    public int strideHeight() { return strideH; }
    /** @return the columns between one kernel position and the next to its right */
    public int strideWidth() { return strideW; }
    /** @return the rows of zeros added above and below the input */
    public int paddingHeight() { return padH; }
    /** @return the columns of zeros added left and right of the input */
    public int paddingWidth() { return padW; }
}
