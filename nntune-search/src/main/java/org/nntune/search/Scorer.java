package org.nntune.search;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Task;
import org.nntune.nn.metric.Metrics;

import java.util.List;
import java.util.Objects;

/**
 * How a fitted estimator is scored on held-out rows: a name, whether greater is better (the
 * search's direction follows), and the function. Built-ins, by {@link #byName}: {@code accuracy},
 * {@code balanced_accuracy}, {@code f1_macro}, {@code log_loss} (lower is better), {@code mse},
 * {@code rmse}, {@code mae} (lower is better) and {@code r2}; {@link #of} wraps any user function.
 *
 * @param name              shown in results and logs
 * @param greaterIsBetter   true to maximise, false to minimise
 * @param function          the score of a fitted estimator on a data set
 */
public record Scorer(String name, boolean greaterIsBetter, Function function) {

    /** A scoring function: fitted estimator and data set in, score out. */
    @FunctionalInterface
    public interface Function {
        /**
         * @param fitted an estimator fitted on the split's other rows
         * @param data the held-out rows to score it on
         * @return the score; the search maximises or minimises it as {@link Scorer#greaterIsBetter} says
         */
        double score(Estimator fitted, Dataset data);
    }

    /** The names {@link #byName} knows. */
    public static final List<String> NAMES = List.of("accuracy", "balanced_accuracy", "f1_macro", "log_loss", "mse", "rmse", "mae", "r2");

    /**
     * @throws NullPointerException if name or function is null
     * @throws IllegalArgumentException if name is blank
     */
    public Scorer {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(function, "function");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a scorer needs a name");
        }
    }

    /** A user scorer. */
    public static Scorer of(String name, boolean greaterIsBetter, Function function) {
        return new Scorer(name, greaterIsBetter, function);
    }

    /**
     * A built-in scorer's function with the task of the sets it scores, so that a search can refuse
     * a scorer that does not fit its data before any candidate trains ({@link #checkTask}).
     */
    private record ForTask(Task task, Function f) implements Function {
        @Override
        public double score(Estimator fitted, Dataset data) {
            return f.score(fitted, data);
        }
    }

    /**
     * Refuses {@code data} if this is a built-in scorer of the other task (r2 on a classification
     * set, accuracy on a regression set), with the words the scorer itself would use after the
     * first candidate's training; a user scorer ({@link #of}) is not checked.
     *
     * @throws IllegalArgumentException naming the scorer, the set and the scorers that fit it
     */
    public void checkTask(Dataset data) {
        if (function instanceof ForTask t) {
            if (t.task() == Task.CLASSIFICATION) {
                labels(data, name);
            } else {
                targets(data, name);
            }
        }
    }

    /** Scores {@code fitted} on {@code data}. */
    public double score(Estimator fitted, Dataset data) {
        return function.score(fitted, data);
    }

    /** Fraction of correctly predicted rows. */
    public static Scorer accuracy() {
        return new Scorer("accuracy", true,
                new ForTask(Task.CLASSIFICATION, (e, d) -> Metrics.accuracy(labels(d, "accuracy"), e.predict(d))));
    }

    /** Mean recall over the classes present. */
    public static Scorer balancedAccuracy() {
        return new Scorer("balanced_accuracy", true,
                new ForTask(Task.CLASSIFICATION,
                        (e, d) -> Metrics.balancedAccuracy(labels(d, "balanced_accuracy"), e.predict(d), d.classCount())));
    }

    /**
     * Unweighted mean of the per-class F1 scores over the classes in the held-out truth or the
     * predictions (scikit-learn's {@code f1_macro}).
     */
    public static Scorer f1Macro() {
        return new Scorer("f1_macro", true,
                new ForTask(Task.CLASSIFICATION, (e, d) -> Metrics.macroF1(labels(d, "f1_macro"), e.predict(d), d.classCount())));
    }

    /** Cross-entropy of the predicted probabilities (lower is better). */
    public static Scorer logLoss() {
        return new Scorer("log_loss", false,
                new ForTask(Task.CLASSIFICATION, (e, d) -> Metrics.logLoss(labels(d, "log_loss"), e.predictProba(d))));
    }

    /** Mean squared error (lower is better). */
    public static Scorer mse() {
        return new Scorer("mse", false,
                new ForTask(Task.REGRESSION, (e, d) -> Metrics.mse(targets(d, "mse"), flat(e.predictValues(d)))));
    }

    /** Root mean squared error (lower is better): in the targets' units, the usual forecasting error. */
    public static Scorer rmse() {
        return new Scorer("rmse", false,
                new ForTask(Task.REGRESSION, (e, d) -> Math.sqrt(Metrics.mse(targets(d, "rmse"), flat(e.predictValues(d))))));
    }

    /** Mean absolute error (lower is better). */
    public static Scorer mae() {
        return new Scorer("mae", false,
                new ForTask(Task.REGRESSION, (e, d) -> Metrics.mae(targets(d, "mae"), flat(e.predictValues(d)))));
    }

    /**
     * Coefficient of determination; of several targets per row (a forecaster's horizon), each
     * target's, averaged, as scikit-learn's {@code r2_score}.
     */
    public static Scorer r2() {
        return new Scorer("r2", true,
                new ForTask(Task.REGRESSION, (e, d) -> Metrics.r2(targets(d, "r2"), flat(e.predictValues(d)), d.targetDim())));
    }

    /** A built-in scorer by name; anything else is an error listing the names. */
    public static Scorer byName(String name) {
        return switch (name) {
            case "accuracy" -> accuracy();
            case "balanced_accuracy" -> balancedAccuracy();
            case "f1_macro" -> f1Macro();
            case "log_loss" -> logLoss();
            case "mse" -> mse();
            case "rmse" -> rmse();
            case "mae" -> mae();
            case "r2" -> r2();
            default -> throw new IllegalArgumentException("unknown scoring '" + name + "'; expected one of " + NAMES
                    + " or a Scorer.of(...) function");
        };
    }

    private static int[] labels(Dataset d, String scorer) {
        if (d.task() != Task.CLASSIFICATION) {
            throw new IllegalArgumentException("scoring '" + scorer + "' needs a classification set; '" + d.name()
                    + "' is a regression set (use mse, rmse, mae or r2)");
        }
        return d.labels();
    }

    private static float[] targets(Dataset d, String scorer) {
        if (d.task() != Task.REGRESSION) {
            throw new IllegalArgumentException("scoring '" + scorer + "' needs a regression set; '" + d.name()
                    + "' is a classification set (use accuracy, balanced_accuracy, f1_macro or log_loss)");
        }
        return d.targets();
    }

    private static float[] flat(float[][] rows) {
        int k = rows.length == 0 ? 0 : rows[0].length;
        float[] out = new float[rows.length * k];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * k, k);
        }
        return out;
    }
}
