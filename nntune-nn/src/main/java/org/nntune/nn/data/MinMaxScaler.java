package org.nntune.nn.data;

import java.io.DataInputStream;
import java.io.IOException;

/**
 * Min-max scaling, fitted on training data: every feature becomes {@code (x − min) / (max − min)},
 * so the training rows land in [0, 1]; other rows may fall outside (no clipping). A constant
 * feature (max = min) gets range 1, so it becomes {@code x − min}: 0 for the training value.
 */
public final class MinMaxScaler extends ColumnScaler {
    /** What {@link #kind()} returns: the name model files store this transform under. */
    public static final String KIND = "minmax";

    /** A scaler with the given minimums and ranges (positive, finite). */
    public MinMaxScaler(float[] min, float[] range) {
        super(min.clone(), range.clone());
    }

    /** Fits on {@code train} (its training rows only: pass a training view). */
    public static MinMaxScaler fit(Dataset train) {
        requireRows(KIND, train);
        int n = train.featureCount();
        float[] min = new float[n], max = new float[n], row = new float[n];
        java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < train.size(); i++) {
            train.copyFeatures(i, row, 0);
            for (int j = 0; j < n; j++) {
                min[j] = Math.min(min[j], row[j]);
                max[j] = Math.max(max[j], row[j]);
            }
        }
        float[] range = new float[n];
        for (int j = 0; j < n; j++) {
            float r = max[j] - min[j];
            range[j] = r > 0 && Float.isFinite(r) ? r : 1f;
        }
        return new MinMaxScaler(min, range);
    }

    static MinMaxScaler read(DataInputStream in) throws IOException {
        float[][] p = readParameters(in);
        return new MinMaxScaler(p[0], p[1]);
    }

    /** @return the training minimum of each feature, subtracted first (a copy) */
    public float[] min() { return shift.clone(); }

    /** The ranges used as divisors, 1 for constant features (a copy). */
    public float[] range() { return scale.clone(); }

    @Override
    public String kind() {
        return KIND;
    }
}
