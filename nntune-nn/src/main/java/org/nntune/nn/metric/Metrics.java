package org.nntune.nn.metric;

/**
 * Classification and regression metrics, computed as scikit-learn computes them
 * ({@code sklearn.metrics}): a class that is never predicted has precision 0, one that never
 * occurs has recall 0 (scikit-learn's {@code zero_division=0}), and macro averages are plain
 * means over the classes present in the truth or the predictions (scikit-learn's
 * {@code average='macro'}, which averages over {@code unique_labels(y_true, y_pred)}): a class id
 * in neither, say a class of the model that a small test set lacks, counts for nothing rather
 * than as a 0. Class ids are in {@code [0, classCount)}.
 */
public final class Metrics {
    private Metrics() {}

    /** Fraction of predictions equal to the truth. */
    public static double accuracy(int[] truth, int[] predicted) {
        checkSameLength(truth.length, predicted.length);
        int ok = 0;
        for (int i = 0; i < truth.length; i++) {
            ok += truth[i] == predicted[i] ? 1 : 0;
        }
        return (double) ok / truth.length;
    }

    /** Counts: {@code m[t][p]} = number of examples of class t predicted as p. */
    public static int[][] confusionMatrix(int[] truth, int[] predicted, int classCount) {
        checkSameLength(truth.length, predicted.length);
        if (classCount < 1) {
            throw new IllegalArgumentException("class count must be positive, got " + classCount);
        }
        int[][] m = new int[classCount][classCount];
        for (int i = 0; i < truth.length; i++) {
            m[checkClass(truth[i], classCount, "true", i)][checkClass(predicted[i], classCount, "predicted", i)]++;
        }
        return m;
    }

    /** Precision of each class: tp / (tp + fp), 0 when the class is never predicted. */
    public static double[] precision(int[] truth, int[] predicted, int classCount) {
        return diagonalShare(confusionMatrix(truth, predicted, classCount), true);
    }

    /** Recall of each class: tp / (tp + fn), 0 when the class does not occur. */
    public static double[] recall(int[] truth, int[] predicted, int classCount) {
        return diagonalShare(confusionMatrix(truth, predicted, classCount), false);
    }

    /** m[c][c] over the sum of column c (by predicted class) or row c (by true class); 0 for an empty one. */
    private static double[] diagonalShare(int[][] m, boolean byColumn) {
        double[] r = new double[m.length];
        for (int c = 0; c < m.length; c++) {
            int total = 0;
            for (int o = 0; o < m.length; o++) {
                total += byColumn ? m[o][c] : m[c][o];
            }
            r[c] = total == 0 ? 0 : (double) m[c][c] / total;
        }
        return r;
    }

    /** F1 of each class: the harmonic mean of precision and recall, 0 when both are 0. */
    public static double[] f1(int[] truth, int[] predicted, int classCount) {
        double[] p = precision(truth, predicted, classCount);
        double[] r = recall(truth, predicted, classCount);
        double[] f = new double[classCount];
        for (int c = 0; c < classCount; c++) {
            f[c] = p[c] + r[c] == 0 ? 0 : 2 * p[c] * r[c] / (p[c] + r[c]);
        }
        return f;
    }

    /** Mean precision over the classes present in the truth or the predictions (scikit-learn's macro average). */
    public static double macroPrecision(int[] truth, int[] predicted, int classCount) {
        return meanOverPresent(precision(truth, predicted, classCount), truth, predicted);
    }

    /** Mean recall over the classes present in the truth or the predictions (scikit-learn's macro average). */
    public static double macroRecall(int[] truth, int[] predicted, int classCount) {
        return meanOverPresent(recall(truth, predicted, classCount), truth, predicted);
    }

    /**
     * Mean F1 over the classes present in the truth or the predictions (scikit-learn's
     * {@code f1_score(average='macro')}): {@code macroF1([0,0,1,1], [0,0,1,1], 3)} is 1.
     */
    public static double macroF1(int[] truth, int[] predicted, int classCount) {
        return meanOverPresent(f1(truth, predicted, classCount), truth, predicted);
    }

    /** The mean of the per-class values {@code v} over the classes that occur in {@code truth} or {@code predicted} (checked already). */
    private static double meanOverPresent(double[] v, int[] truth, int[] predicted) {
        boolean[] present = new boolean[v.length];
        for (int i = 0; i < truth.length; i++) {
            present[truth[i]] = true;
            present[predicted[i]] = true;
        }
        double s = 0;
        int n = 0;
        for (int c = 0; c < v.length; c++) {
            if (present[c]) {
                s += v[c];
                n++;
            }
        }
        return s / n;
    }

    /** Mean recall over the classes that occur in the truth (scikit-learn's balanced_accuracy_score). */
    public static double balancedAccuracy(int[] truth, int[] predicted, int classCount) {
        int[][] m = confusionMatrix(truth, predicted, classCount);
        double[] recall = diagonalShare(m, false);
        double sum = 0;
        int present = 0;
        for (int c = 0; c < classCount; c++) {
            if (java.util.Arrays.stream(m[c]).sum() > 0) {
                sum += recall[c];
                present++;
            }
        }
        return sum / present;
    }

    /**
     * Mean negative log-probability of the true class; probabilities are clipped to
     * [ε, 1 − ε], ε the double-precision machine epsilon, and each row is renormalised, as
     * scikit-learn's log_loss does for float64 probabilities.
     * {@code proba} holds one row of {@code classCount} probabilities per example.
     */
    public static double logLoss(int[] truth, float[][] proba) {
        checkSameLength(truth.length, proba.length);
        double eps = Math.ulp(1.0);
        double sum = 0;
        for (int i = 0; i < truth.length; i++) {
            float[] row = proba[i];
            int y = checkClass(truth[i], row.length, "true", i);
            double total = 0;
            for (float v : row) {
                total += Math.min(Math.max(v, eps), 1 - eps);
            }
            double p = Math.min(Math.max(row[y], eps), 1 - eps) / total;
            sum -= Math.log(p);
        }
        return sum / truth.length;
    }

    /** Mean squared error over all values. */
    public static double mse(float[] truth, float[] predicted) {
        checkSameLength(truth.length, predicted.length);
        double s = 0;
        for (int i = 0; i < truth.length; i++) {
            double d = predicted[i] - truth[i];
            s += d * d;
        }
        return s / truth.length;
    }

    /** Mean absolute error over all values. */
    public static double mae(float[] truth, float[] predicted) {
        checkSameLength(truth.length, predicted.length);
        double s = 0;
        for (int i = 0; i < truth.length; i++) {
            s += Math.abs(predicted[i] - truth[i]);
        }
        return s / truth.length;
    }

    /**
     * Coefficient of determination 1 − SS_res / SS_tot of one output. A constant truth gives 1
     * for a perfect prediction and 0 otherwise, as scikit-learn.
     */
    public static double r2(float[] truth, float[] predicted) {
        return r2(truth, predicted, 1);
    }

    /**
     * Coefficient of determination of {@code outputs} outputs per row (rows × outputs values,
     * row-major, e.g. a forecaster's horizon): each output's 1 − SS_res / SS_tot, then their mean,
     * as scikit-learn's {@code r2_score} with its default {@code multioutput='uniform_average'}
     * (not the R² of all values flattened, which a spread between the outputs' means would
     * inflate). An output whose truth is constant scores 1 for a perfect prediction and 0
     * otherwise, as scikit-learn.
     *
     * @throws IllegalArgumentException if the lengths differ, are 0, or are not whole rows of {@code outputs}
     */
    public static double r2(float[] truth, float[] predicted, int outputs) {
        checkSameLength(truth.length, predicted.length);
        if (outputs < 1 || truth.length % outputs != 0) {
            throw new IllegalArgumentException(truth.length + " values are not whole rows of " + outputs + " outputs");
        }
        int rows = truth.length / outputs;
        double sum = 0;
        for (int j = 0; j < outputs; j++) {
            double mean = 0;
            for (int i = 0; i < rows; i++) {
                mean += truth[i * outputs + j];
            }
            mean /= rows;
            double res = 0;
            double tot = 0;
            for (int i = 0; i < rows; i++) {
                float t = truth[i * outputs + j];
                float d = t - predicted[i * outputs + j]; // a float difference, as before outputs: one output's R² is unchanged to the bit
                res += d * (double) d;
                tot += (t - mean) * (t - mean);
            }
            sum += tot == 0 ? (res == 0 ? 1 : 0) : 1 - res / tot;
        }
        return sum / outputs;
    }

    private static void checkSameLength(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("truth has " + a + " values but the predictions have " + b);
        }
        if (a == 0) {
            throw new IllegalArgumentException("a metric needs at least one example");
        }
    }

    private static int checkClass(int c, int classCount, String which, int i) {
        if (c < 0 || c >= classCount) {
            throw new IllegalArgumentException(which + " class " + c + " of example " + i + " is outside [0, " + classCount + ")");
        }
        return c;
    }
}
