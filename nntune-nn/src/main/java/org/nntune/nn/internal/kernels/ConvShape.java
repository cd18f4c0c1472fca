package org.nntune.nn.internal.kernels;

/**
 * The geometry of a 2-D convolution over images stored channels × height × width, one after
 * another: {@code filters} kernels of kh × kw over all channels, strides and zero padding. The
 * weights are filters × {@link #k()} (PyTorch's layout), the output of an image
 * filters × {@link #positions()}.
 *
 * <p>The batch kernels ({@link Kernels#conv2dForward}, {@link Kernels#conv2dBackward}) work on
 * groups of images ({@link #groups}): a group is the unit of work of a thread, and in the
 * backward pass each group sums its own weight and bias gradients into its own part of a
 * scratch array ({@link #partialsSize}), the parts then added in group order. Groups depend only
 * on the number of images, so results do not depend on the thread count.
 */
public record ConvShape(int channels, int height, int width, int filters, int kh, int kw,
                        int strideH, int strideW, int padH, int padW) {
    /** Images per group at least (a group's work should outweigh its hand-off to a thread). */
    static final int GROUP_IMAGES = 8;
    /** Groups at most, which bounds the backward pass's scratch whatever the batch size. */
    static final int MAX_GROUPS = 16;

    public ConvShape {
        if (channels < 1 || height < 1 || width < 1 || filters < 1) {
            throw new IllegalArgumentException("convolution sizes must be positive: " + this);
        }
        Kernels.outSize(height, kh, strideH, padH); // checks the window, stride and padding
        Kernels.outSize(width, kw, strideW, padW);
    }

    public int outH() {
        return Kernels.outSize(height, kh, strideH, padH);
    }

    public int outW() {
        return Kernels.outSize(width, kw, strideW, padW);
    }

    /** Values per output position summed over: channels · kh · kw. */
    public int k() {
        return channels * kh * kw;
    }

    /** Output positions per image: outH · outW. */
    public int positions() {
        return outH() * outW();
    }

    public int inputSize() {
        return channels * height * width;
    }

    public int outputSize() {
        return filters * positions();
    }

    /** The number of groups {@code images} images are cut into. */
    public int groups(int images) {
        return Math.max(1, Math.min(MAX_GROUPS, (images + GROUP_IMAGES - 1) / GROUP_IMAGES));
    }

    /** The first image of group {@code g} of {@code groups} over {@code images} images. */
    static int groupStart(int g, int groups, int images) {
        return (int) ((long) images * g / groups);
    }

    /** The floats of scratch {@link Kernels#conv2dBackward} needs for {@code images} images. */
    public int partialsSize(int images) {
        return groups(images) * (filters * k() + filters);
    }
}
