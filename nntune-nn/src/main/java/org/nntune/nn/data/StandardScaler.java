package org.nntune.nn.data;

import java.io.DataInputStream;
import java.io.IOException;

/**
 * Standard scaling, fitted on training data: every feature becomes {@code (x − mean) / std}, with
 * the training mean and population standard deviation (divisor n, as scikit-learn). A constant
 * feature (std ≤ 1e-7 × max(1, |mean|)) gets scale 1, so it becomes 0 everywhere it equals the
 * training value: no division by zero, no NaN.
 */
public final class StandardScaler extends ColumnScaler {
    public static final String KIND = "standard";

    /** A scaler with the given means and standard deviations (positive, finite). */
    public StandardScaler(float[] mean, float[] std) {
        super(mean.clone(), std.clone());
    }

    /** Fits on {@code train} (its training rows only: pass a training view). */
    public static StandardScaler fit(Dataset train) {
        requireRows(KIND, train);
        int n = train.featureCount(), rows = train.size();
        double[] sum = new double[n];
        float[] row = new float[n];
        for (int i = 0; i < rows; i++) {
            train.copyFeatures(i, row, 0);
            for (int j = 0; j < n; j++) sum[j] += row[j];
        }
        double[] mean = new double[n];
        for (int j = 0; j < n; j++) mean[j] = sum[j] / rows;
        double[] sq = new double[n];
        for (int i = 0; i < rows; i++) {
            train.copyFeatures(i, row, 0);
            for (int j = 0; j < n; j++) {
                double d = row[j] - mean[j];
                sq[j] += d * d;
            }
        }
        float[] m = new float[n], s = new float[n];
        for (int j = 0; j < n; j++) {
            m[j] = (float) mean[j];
            double std = Math.sqrt(sq[j] / rows);
            s[j] = std <= 1e-7 * Math.max(1, Math.abs(mean[j])) ? 1f : (float) std;
        }
        return new StandardScaler(m, s);
    }

    static StandardScaler read(DataInputStream in) throws IOException {
        float[][] p = readParameters(in);
        return new StandardScaler(p[0], p[1]);
    }

    /** The training means (a copy). */
    public float[] mean() { return shift.clone(); }

    /** The standard deviations used as divisors, 1 for constant features (a copy). */
    public float[] scale() { return scale.clone(); }

    @Override
    public String kind() {
        return KIND;
    }
}
