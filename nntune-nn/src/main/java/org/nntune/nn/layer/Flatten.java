package org.nntune.nn.layer;

import java.io.DataOutputStream;

/** Flattens each example to one dimension (the values keep their row-major order). */
public final class Flatten extends Layer {

    @Override
    protected int[] configure(int[] in) {
        return new int[] {org.nntune.nn.tensor.Tensor.size(in)};
    }

    @Override
    public String kind() {
        return "flatten";
    }

    @Override
    public void writeConfig(DataOutputStream out) {
        // no configuration
    }

    @Override
    public void forward(float[] x, float[] y, int n, Cache cache, Pass pass) {
        System.arraycopy(x, 0, y, 0, n * inputSize());
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache) {
        if (dx != null) {
            System.arraycopy(dy, 0, dx, 0, n * inputSize());
        }
    }
}
