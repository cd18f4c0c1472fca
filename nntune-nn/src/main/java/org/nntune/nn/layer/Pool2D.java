package org.nntune.nn.layer;

import org.nntune.nn.internal.kernels.Kernels;

import java.io.DataOutputStream;
import java.io.IOException;

/** What max and average pooling share: a window and a stride over each channel, no padding. */
public abstract sealed class Pool2D extends Layer permits MaxPool2D, AvgPool2D {
    /** Window height in pixels. */
    protected final int ph;
    /** Window width in pixels. */
    protected final int pw;
    /** Rows between windows. */
    protected final int strideH;
    /** Columns between windows. */
    protected final int strideW;
    /** The input's channels (the output has as many), set when the layer is built. */
    protected int channels;
    /** The input's height in pixels, set when the layer is built. */
    protected int height;
    /** The input's width in pixels, set when the layer is built. */
    protected int width;
    /** The output's height: (height − ph) / strideH + 1, set when the layer is built. */
    protected int outH;
    /** The output's width: (width − pw) / strideW + 1, set when the layer is built. */
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

    /** @return the window's height in pixels */
    public int windowHeight() { return ph; }
    /** @return the window's width in pixels */
    public int windowWidth() { return pw; }
    /** @return the rows between one window and the next below it */
    public int strideHeight() { return strideH; }
    /** @return the columns between one window and the next to its right */
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
