package org.nntune.nn.model;

/**
 * A hyper-step of a hyperparameter adapted during training (implicit L2) gave a non-finite
 * hypergradient or value: training stops, as it does when the loss diverges. The message says
 * where, what, and what to try.
 */
public final class HyperStepDivergenceException extends IllegalStateException {
    /** The epoch (1-based) of the hyper-step (part of the serialized form). */
    private final int epoch;
    /** The batch (1-based, within the epoch) after which the hyper-step ran (part of the serialized form). */
    private final int batch;

    HyperStepDivergenceException(int epoch, int batch, String what, String tryInstead) {
        super("the implicit L2 hyper-step diverged at epoch " + epoch + ", batch " + batch + ": " + what + ". Try " + tryInstead + ".");
        this.epoch = epoch;
        this.batch = batch;
    }

    /** The epoch (1-based) of the hyper-step. */
    public int epoch() { return epoch; }

    /** The batch (1-based, within the epoch) after which the hyper-step ran. */
    public int batch() { return batch; }
}
