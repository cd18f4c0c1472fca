package org.nntune.nn.layer;

/**
 * Max pooling over windows of each channel; the gradient flows to the (first) maximum of each window,
 * whose index within its plane the forward pass keeps ({@link org.nntune.nn.internal.kernels.Kernels#maxPool2d}).
 */
public final class MaxPool2D extends Pool2D {

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
