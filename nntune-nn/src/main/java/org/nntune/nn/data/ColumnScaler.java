package org.nntune.nn.data;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * The shape shared by the per-column scalers: {@code x[j] ← (x[j] − shift[j]) / scale[j]}, with
 * both arrays learned from training data and written as {@code n, shift[n], scale[n]}.
 */
abstract class ColumnScaler implements FittedTransform {
    final float[] shift;
    final float[] scale;

    ColumnScaler(float[] shift, float[] scale) {
        if (shift.length != scale.length || shift.length == 0) {
            throw new IllegalArgumentException(kind() + ": shift and scale need the same, positive length; got "
                    + shift.length + " and " + scale.length);
        }
        for (int j = 0; j < scale.length; j++) {
            if (!(scale[j] > 0) || !Float.isFinite(scale[j]) || !Float.isFinite(shift[j])) {
                throw new IllegalArgumentException(kind() + ": feature " + j + " has shift " + shift[j] + " and scale " + scale[j]
                        + "; expected finite values and a positive scale");
            }
        }
        this.shift = shift;
        this.scale = scale;
    }

    @Override
    public int featureCount() {
        return shift.length;
    }

    @Override
    public void transform(float[] x, int off, int rows) {
        int n = shift.length;
        for (int r = 0; r < rows; r++) {
            int o = off + r * n;
            for (int j = 0; j < n; j++) {
                x[o + j] = (x[o + j] - shift[j]) / scale[j];
            }
        }
    }

    @Override
    public void writeParameters(DataOutputStream out) throws IOException {
        out.writeInt(shift.length);
        for (float v : shift) out.writeFloat(v);
        for (float v : scale) out.writeFloat(v);
    }

    /** Reads {@code n, shift[n], scale[n]}: element 0 is shift, element 1 is scale. */
    static float[][] readParameters(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n <= 0 || n > (1 << 26)) {
            throw new IOException("damaged scaler parameters: feature count " + n);
        }
        float[][] p = new float[2][n];
        for (int j = 0; j < n; j++) p[0][j] = in.readFloat();
        for (int j = 0; j < n; j++) p[1][j] = in.readFloat();
        return p;
    }

    static void requireRows(String kind, Dataset train) {
        if (train.size() == 0) {
            throw new IllegalArgumentException(kind + " scaler: cannot fit on data set '" + train.name() + "' with no rows");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && Arrays.equals(shift, ((ColumnScaler) o).shift)
                && Arrays.equals(scale, ((ColumnScaler) o).scale);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shift) + Arrays.hashCode(scale);
    }

    @Override
    public String toString() {
        return kind() + "[shift=" + Arrays.toString(shift) + ", scale=" + Arrays.toString(scale) + "]";
    }
}
