package org.nntune.nn.layer;

/** Max pooling over windows of each channel; the gradient flows to the (first) maximum of each window. */
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
        int[] arg = ((ArgMax) cache).index;
        int planes = n * channels;
        int plane = height * width;
        int o = 0;
        for (int p = 0; p < planes; p++) {
            int base = p * plane;
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    int y0 = oy * strideH;
                    int x0 = ox * strideW;
                    int best = base + y0 * width + x0;
                    float max = x[best];
                    for (int ky = 0; ky < ph; ky++) {
                        int row = base + (y0 + ky) * width + x0;
                        for (int kx = 0; kx < pw; kx++) {
                            if (x[row + kx] > max) {
                                max = x[row + kx];
                                best = row + kx;
                            }
                        }
                    }
                    y[o] = max;
                    arg[o++] = best;
                }
            }
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache) {
        if (dx == null) {
            return;
        }
        int[] arg = ((ArgMax) cache).index;
        java.util.Arrays.fill(dx, 0, n * inputSize(), 0f);
        int total = n * outputSize();
        for (int o = 0; o < total; o++) {
            dx[arg[o]] += dy[o];
        }
    }
}
