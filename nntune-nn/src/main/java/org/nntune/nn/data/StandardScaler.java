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
    /** What {@link #kind()} returns: the name model files store this transform under. */
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
        return new StandardScaler(toFloats(mean), scales(sq, mean, rows));
    }

    /**
     * Fits on the regression targets of {@code train} (its training rows only): one column per
     * target value, for a model's target scaling ({@code Sequential.Builder#targetScaling}).
     */
    public static StandardScaler fitTargets(Dataset train) {
        return fitTargets(train, false);
    }

    /**
     * Fits on the changes of the regression targets of {@code train} from each row's last feature,
     * {@code target − x[last]}: what a model built with {@code Sequential.Builder#changeFromLastInput}
     * learns (for forecasting windows, each value's change from the window's last value).
     */
    public static StandardScaler fitTargetChanges(Dataset train) {
        return fitTargets(train, true);
    }

    private static StandardScaler fitTargets(Dataset train, boolean change) {
        requireRows(KIND, train);
        if (train.task() != Task.REGRESSION) {
            throw new IllegalArgumentException("target scaling needs a regression set; '" + train.name() + "' is a "
                    + train.task().name().toLowerCase(java.util.Locale.ROOT) + " set");
        }
        int n = train.targetDim(), rows = train.size();
        float[] t = train.targets();
        if (change) {
            int f = train.featureCount();
            for (int i = 0; i < rows; i++) {
                float last = train.feature(i, f - 1);
                for (int j = 0; j < n; j++) t[i * n + j] -= last;
            }
        }
        double[] mean = new double[n];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) mean[j] += t[i * n + j];
        }
        for (int j = 0; j < n; j++) mean[j] /= rows;
        double[] sq = new double[n];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                double d = t[i * n + j] - mean[j];
                sq[j] += d * d;
            }
        }
        return new StandardScaler(toFloats(mean), scales(sq, mean, rows));
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int j = 0; j < v.length; j++) f[j] = (float) v[j];
        return f;
    }

    /** Population standard deviations from sums of squared deviations; 1 for a constant column. */
    private static float[] scales(double[] sq, double[] mean, int rows) {
        float[] s = new float[sq.length];
        for (int j = 0; j < sq.length; j++) {
            double std = Math.sqrt(sq[j] / rows);
            s[j] = std <= 1e-7 * Math.max(1, Math.abs(mean[j])) ? 1f : (float) std;
        }
        return s;
    }

    /** Undoes {@link #transform}: {@code x ← x · std + mean} on {@code rows} rows at {@code x[off]}, in place. */
    public void inverseTransform(float[] x, int off, int rows) {
        int n = shift.length;
        for (int r = 0; r < rows; r++) {
            int o = off + r * n;
            for (int j = 0; j < n; j++) {
                x[o + j] = x[o + j] * scale[j] + shift[j];
            }
        }
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
