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
}
