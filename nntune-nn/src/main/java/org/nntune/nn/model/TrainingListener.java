package org.nntune.nn.model;

/**
 * Hooks into training (as DJL's TrainingListener or Keras' callbacks): called on the training
 * thread at the start, after every batch, after every epoch and at the end. A listener may stop
 * training through {@link TrainingControl#stop}; early stopping and trial pruning are listeners.
 * The per-batch hook receives primitives only, so that listening allocates nothing per batch.
 */
public interface TrainingListener {

    default void onTrainStart(TrainingControl control) {}

    /** After batch {@code batch} (1-based) of epoch {@code epoch} (1-based), with its loss. */
    default void onBatchEnd(TrainingControl control, int epoch, int batch, double loss) {}

    default void onEpochEnd(TrainingControl control, EpochResult result) {}

    default void onTrainEnd(TrainingControl control, History history) {}
}
