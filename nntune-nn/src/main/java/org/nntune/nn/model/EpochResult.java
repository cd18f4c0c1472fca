package org.nntune.nn.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What one epoch of training gave: its number (1-based), the mean training loss (regularisation
 * penalty included), the learning rate of its last batch, and the validation metrics (empty
 * without a validation set), named {@code val_loss}, {@code val_accuracy}… as in Keras.
 */
public record EpochResult(int epoch, double trainingLoss, float learningRate, Map<String, Double> validation) {

    public EpochResult {
        validation = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(validation));
    }

    /**
     * The metric {@code name}: {@code "loss"} for the training loss, or a validation metric such as
     * {@code "val_loss"}, {@code "val_accuracy"}; empty when this epoch has none by that name.
     */
    public OptionalDouble metric(String name) {
        if (name.equals("loss")) {
            return OptionalDouble.of(trainingLoss);
        }
        Double v = validation.get(name);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** The validation loss, or NaN without a validation set. */
    public double validationLoss() {
        return validation.getOrDefault("val_loss", Double.NaN);
    }
}
