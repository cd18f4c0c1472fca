package org.nntune.nn.layer;

/** Average pooling over windows of each channel. */
public final class AvgPool2D extends Pool2D {

    /**
     * Average pooling over {@code ph × pw} windows moved by {@code strideH} rows and {@code strideW}
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
    public AvgPool2D(int ph, int pw, int strideH, int strideW) {
        super("avgpool2d", ph, pw, strideH, strideW);
    }

    @Override
    public String kind() {
        return "avgpool2d";
    }

    @Override
    public void forward(float[] x, float[] y, int n, Cache cache, Pass pass) {
        float inv = 1f / (ph * pw);
        int planes = n * channels;
        int plane = height * width;
        int o = 0;
        for (int p = 0; p < planes; p++) {
            int base = p * plane;
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    float s = 0f;
                    for (int ky = 0; ky < ph; ky++) {
                        int row = base + (oy * strideH + ky) * width + ox * strideW;
                        for (int kx = 0; kx < pw; kx++) {
                            s += x[row + kx];
                        }
                    }
                    y[o++] = s * inv;
                }
            }
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache) {
        if (dx == null) {
            return;
        }
        java.util.Arrays.fill(dx, 0, n * inputSize(), 0f);
        float inv = 1f / (ph * pw);
        int planes = n * channels;
        int plane = height * width;
        int o = 0;
        for (int p = 0; p < planes; p++) {
            int base = p * plane;
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    float g = dy[o++] * inv;
                    for (int ky = 0; ky < ph; ky++) {
                        int row = base + (oy * strideH + ky) * width + ox * strideW;
                        for (int kx = 0; kx < pw; kx++) {
                            dx[row + kx] += g;
                        }
                    }
                }
            }
        }
    }
}
