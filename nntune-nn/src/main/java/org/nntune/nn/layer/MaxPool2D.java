package org.nntune.nn.layer;

/**
 * Max pooling over windows of each channel; the gradient flows to the (first) maximum of each window,
 * whose index within its plane the forward pass keeps ({@link org.nntune.nn.internal.kernels.Kernels#maxPool2d}).
 */
public final class MaxPool2D extends Pool2D {

    /**
     * Max pooling over {@code ph × pw} windows moved by {@code strideH} rows and {@code strideW}
     * columns, no padding: an input [C, H, W] gives [C, (H − ph) / strideH + 1, (W − pw) / strideW + 1],
     * rounded down (the last rows and columns no window reaches are left out). A window larger than
     * the input is refused when the network is built.
     *
     * @param ph window height in pixels, ≥ 1
     * @param pw window width in pixels, ≥ 1
     * @param strideH rows between windows, ≥ 1
     * @param strideW columns between windows, ≥ 1
     * @throws IllegalArgumentException if a window size or a stride is below 1
     */
    public MaxPool2D(int ph, int pw, int strideH, int strideW) {
        super("maxpool2d", ph, pw, strideH, strideW);
    }

    private static final class ArgMax implements Cache {
        final int[] index;

        ArgMax(int n) {
            index = new int[n];
        }
    }

    @Override
    public String kind() {
        return "maxpool2d";
    }

    @Override
    public Cache newCache(int batch) {
        return new ArgMax(batch * outputSize());
    }

    @Override
    public void forward(float[] x, float[] y, int n, Cache cache, Pass pass) {
        kernels.maxPool2d(x, n * channels, height, width, ph, pw, strideH, strideW, y, ((ArgMax) cache).index);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache) {
        if (dx == null) {
            return;
        }
        kernels.maxPool2dBackward(dy, ((ArgMax) cache).index, n * channels, height, width, outH, outW, dx);
    }
}
