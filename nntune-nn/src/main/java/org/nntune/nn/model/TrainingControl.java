package org.nntune.nn.model;

/**
 * A listener's handle on the training run: the model being trained, and a way to stop the run
 * after the current batch.
 */
public interface TrainingControl {

    /** The model being trained (its weights change after every batch). */
    Sequential model();

    /** Asks training to stop after the current batch; the reason ends up in {@link History#stopReason()}. */
    void stop(String reason);

    /** Whether a stop was asked for. */
    boolean stopRequested();

    /**
     * @return a copy of the optimiser's state now (at the end of training: after the last step), to
     *     continue this run later in another one
     * @throws UnsupportedOperationException if the run's optimiser cannot be checkpointed
     */
    default org.nntune.nn.optim.OptimizerState optimizerState() {
        throw new UnsupportedOperationException("this training run cannot hand out its optimiser state");
    }

    /**
     * Continues the optimiser from a saved state (call it from {@link TrainingListener#onTrainStart}),
     * so that a run resumes exactly where an earlier one stopped.
     *
     * @throws IllegalArgumentException if the state is of another optimiser or other parameter shapes
     */
    default void restoreOptimizerState(org.nntune.nn.optim.OptimizerState state) {
        throw new UnsupportedOperationException("this training run cannot restore an optimiser state");
    }
}
