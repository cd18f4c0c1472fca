package org.nntune.nn.model;

/**
 * Hooks into training (as DJL's TrainingListener or Keras' callbacks): called on the training
 * thread at the start, after every batch, after every epoch and at the end. A listener may stop
 * training through {@link TrainingControl#stop}; early stopping and trial pruning are listeners.
 * The per-batch hook receives primitives only, so that listening allocates nothing per batch.
 */
public interface TrainingListener {

    /**
     * Before the first epoch, in the order the listeners were added. The place to restore an
     * optimiser state ({@link TrainingControl#restoreOptimizerState}); a stop asked here means no
     * epoch runs.
     */
    default void onTrainStart(TrainingControl control) {}

    /** After batch {@code batch} (1-based) of epoch {@code epoch} (1-based), with its loss. */
    default void onBatchEnd(TrainingControl control, int epoch, int batch, double loss) {}

    /**
     * After every epoch, one cut short by a stop included, with its result (the validation metrics
     * computed), before the stall rule looks at it.
     */
    default void onEpochEnd(TrainingControl control, EpochResult result) {}

    /**
     * After the last epoch, once the best epoch's weights are back (a stall rule on the validation
     * score) and the model's provenance is set. Not called when training fails (a
     * {@link DivergenceException}, say).
     */
    default void onTrainEnd(TrainingControl control, History history) {}
}
