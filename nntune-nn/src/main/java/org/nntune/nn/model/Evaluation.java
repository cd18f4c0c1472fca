package org.nntune.nn.model;

import java.util.Map;

/**
 * A model's loss and metrics on a data set: for classification {@code accuracy},
 * {@code balanced_accuracy}, {@code f1_macro} (over the classes present, as scikit-learn's) (and
 * {@code log_loss} for softmax models), for
 * regression {@code mse}, {@code rmse}, {@code mae}, {@code r2}.
 */
public record Evaluation(double loss, Map<String, Double> metrics) {

    /** Keeps an unmodifiable copy of the metrics, in their iteration order. */
    public Evaluation {
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }

    /** The metric {@code name}; an error naming the available ones when absent. */
    public double metric(String name) {
        Double v = metrics.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no metric '" + name + "'; available: " + metrics.keySet());
        }
        return v;
    }

    /** Accuracy (classification only). */
    public double accuracy() {
        return metric("accuracy");
    }
}
