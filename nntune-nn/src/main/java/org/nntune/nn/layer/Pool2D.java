package org.nntune.nn.layer;

import org.nntune.nn.internal.kernels.Kernels;

import java.io.DataOutputStream;
import java.io.IOException;

/** What max and average pooling share: a window and a stride over each channel, no padding. */
public abstract sealed class Pool2D extends Layer permits MaxPool2D, AvgPool2D {
    protected final int ph;
    protected final int pw;
    protected final int strideH;
    protected final int strideW;
    protected int channels;
    protected int height;
    protected int width;
    protected int outH;
    protected int outW;

    Pool2D(String kind, int ph, int pw, int strideH, int strideW) {
        checkPositive(kind + " window", ph);
        checkPositive(kind + " window", pw);
        checkPositive(kind + " stride", strideH);
        checkPositive(kind + " stride", strideW);
        this.ph = ph;
        this.pw = pw;
        this.strideH = strideH;
        this.strideW = strideW;
    }

    public int windowHeight() { return ph; }
    public int windowWidth() { return pw; }
    public int strideHeight() { return strideH; }
    public int strideWidth() { return strideW; }

    @Override
    protected int[] configure(int[] in) {
        requireImage(kind(), in);
        channels = in[0];
        height = in[1];
        width = in[2];
        outH = Kernels.outSize(height, ph, strideH, 0);
        outW = Kernels.outSize(width, pw, strideW, 0);
        return new int[] {channels, outH, outW};
    }

    @Override
    public String describe() {
        return ph + "x" + pw + ", stride " + strideH + (strideW != strideH ? "x" + strideW : "");
    }

    @Override
    public void writeConfig(DataOutputStream out) throws IOException {
        out.writeInt(ph);
        out.writeInt(pw);
        out.writeInt(strideH);
        out.writeInt(strideW);
    }
}
