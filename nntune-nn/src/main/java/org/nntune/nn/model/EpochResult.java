package org.nntune.nn.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What one epoch of training gave: its number (1-based), the mean training loss (regularisation
 * penalty included), the learning rate of its last batch, and the validation metrics (empty
 * without a validation set), named {@code val_loss}, {@code val_accuracy}… as in Keras, and the
 * learning rates an optimiser that adapts its own (hypergradient descent) used at the epoch's last
 * batch, by name ({@code lr}, or {@code lr_layer<i>} per layer; empty for other optimisers).
 * With one adapted global rate, {@code learningRate} is that rate. A rate used is the adapted rate
 * times the schedule's factor (and the warm-up's ramp): with a schedule other than the constant one,
 * the adapted rate itself is there too under the name followed by {@code _base} ({@code lr_base},
 * {@code lr_layer<i>_base}), the rate to start the same schedule from. With implicit L2 the map
 * also holds the decays ({@code l2}, or {@code l2_layer<i>} per layer).
 */
public record EpochResult(int epoch, double trainingLoss, float learningRate, Map<String, Double> validation,
                          Map<String, Double> adaptedRates) {

    /** Keeps unmodifiable copies of the two maps, in their iteration order. */
    public EpochResult {
        validation = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(validation));
        adaptedRates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(adaptedRates));
    }

    /** An epoch trained at the rates a schedule gave (no adapted rates). */
    public EpochResult(int epoch, double trainingLoss, float learningRate, Map<String, Double> validation) {
        this(epoch, trainingLoss, learningRate, validation, Map.of());
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
