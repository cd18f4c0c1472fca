package org.nntune.nn.model;

import java.util.OptionalDouble;

/**
 * Stops training when a monitored metric has not improved by more than {@code minDelta} for
 * {@code patience} epochs, as Keras' EarlyStopping. Metrics whose name contains
 * "accuracy", "f1" or "r2" are maximised, the others (losses) minimised. With
 * {@code restoreBestWeights}, the model ends with the weights of its best epoch.
 *
 * <p>A listener instance keeps state for one run at a time; it resets at each training start.
 */
public final class EarlyStopping implements TrainingListener {
    private final String monitor;
    private final int patience;
    private final double minDelta;
    private final boolean restoreBestWeights;
    private final boolean maximise;
    private double best;
    private int bestEpoch;
    private int wait;
    private Sequential.Weights bestWeights;

    /**
     * @param monitor a metric of {@link EpochResult#metric}: {@code "val_loss"}, {@code "val_accuracy"}, {@code "loss"}…
     */
    public EarlyStopping(String monitor, int patience, double minDelta, boolean restoreBestWeights) {
        if (patience < 1) {
            throw new IllegalArgumentException("early stopping patience must be >= 1 epoch, got " + patience);
        }
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("early stopping min delta must be >= 0, got " + minDelta);
        }
        this.monitor = monitor;
        this.patience = patience;
        this.minDelta = minDelta;
        this.restoreBestWeights = restoreBestWeights;
        this.maximise = monitor.contains("accuracy") || monitor.contains("f1") || monitor.contains("r2");
    }

    /** Monitors {@code val_loss} with min delta 0 and restores the best weights. */
    public static EarlyStopping onValidationLoss(int patience) {
        return new EarlyStopping("val_loss", patience, 0, true);
    }

    @Override
    public void onTrainStart(TrainingControl control) {
        best = maximise ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        bestEpoch = 0;
        wait = 0;
        bestWeights = null;
    }

    @Override
    public void onEpochEnd(TrainingControl control, EpochResult result) {
        OptionalDouble value = result.metric(monitor);
        if (value.isEmpty()) {
            throw new IllegalStateException("early stopping monitors '" + monitor + "' but epoch " + result.epoch()
                    + " has no such metric; available: loss" + (result.validation().isEmpty()
                    ? " (no validation set: give FitOptions a validation set or fraction for val_* metrics)"
                    : ", " + String.join(", ", result.validation().keySet())));
        }
        double v = value.getAsDouble();
        boolean improved = maximise ? v > best + minDelta : v < best - minDelta;
        if (improved) {
            best = v;
            bestEpoch = result.epoch();
            wait = 0;
            if (restoreBestWeights) {
                bestWeights = control.model().weights();
            }
        } else if (++wait >= patience) {
            control.stop("early stopping: " + monitor + " did not improve for " + patience + " epochs (best "
                    + best + " at epoch " + bestEpoch + ")");
        }
    }

    @Override
    public void onTrainEnd(TrainingControl control, History history) {
        if (restoreBestWeights && bestWeights != null) {
            control.model().setWeights(bestWeights);
        }
    }

    /** The best value seen in the last run. */
    public double best() { return best; }

    /** The epoch (1-based) of the best value in the last run, 0 before any. */
    public int bestEpoch() { return bestEpoch; }
}
