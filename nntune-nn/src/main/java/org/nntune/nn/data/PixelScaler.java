package org.nntune.nn.data;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Pixel scaling: every feature is divided by a fixed maximum (255 for 8-bit images, 16 for the
 * digits set), mapping [0, max] to [0, 1]. It learns nothing but the feature count, so fitting it
 * on a training part is trivially leak-free.
 */
public record PixelScaler(int featureCount, float maxValue) implements FittedTransform {
    /** What {@link #kind()} returns: the name model files store this transform under. */
    public static final String KIND = "pixel";

    /**
     * @throws IllegalArgumentException if the feature count is not positive or the maximum is not
     *     positive and finite
     */
    public PixelScaler {
        if (featureCount <= 0) {
            throw new IllegalArgumentException("pixel scaler: feature count must be positive, got " + featureCount);
        }
        if (!(maxValue > 0) || !Float.isFinite(maxValue)) {
            throw new IllegalArgumentException("pixel scaler: the maximum pixel value must be positive and finite, got " + maxValue);
        }
    }

    /** Scales [0, 255] to [0, 1] for sets with {@code featureCount} pixels. */
    public static PixelScaler of(int featureCount) {
        return new PixelScaler(featureCount, 255f);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void transform(float[] x, int off, int rows) {
        int end = off + rows * featureCount;
        for (int i = off; i < end; i++) {
            x[i] = x[i] / maxValue;
        }
    }

    @Override
    public void writeParameters(DataOutputStream out) throws IOException {
        out.writeInt(featureCount);
        out.writeFloat(maxValue);
    }

    static PixelScaler read(DataInputStream in) throws IOException {
        return new PixelScaler(in.readInt(), in.readFloat());
    }
}
