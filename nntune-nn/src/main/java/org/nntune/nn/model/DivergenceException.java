package org.nntune.nn.model;

/**
 * Training stopped because the loss became NaN or infinite: the weights would otherwise turn
 * into garbage. The message says where it happened and what to try.
 */
public final class DivergenceException extends IllegalStateException {
    private final int epoch;
    private final int batch;
    private final double loss;

    DivergenceException(int epoch, int batch, double loss, float learningRate) {
        this(epoch, batch, loss, learningRate, "try a lower learning rate (it was " + learningRate + "), gradient clipping "
                + "(FitOptions.Builder.clipNorm, e.g. 1.0), or scaling the inputs (a standard scaler)");
    }

    /** With the advice {@code tryThis} (a sentence without its full stop). */
    DivergenceException(int epoch, int batch, double loss, float learningRate, String tryThis) {
        super("training diverged at epoch " + epoch + ", batch " + batch + ": the loss is " + loss
                + ". " + Character.toUpperCase(tryThis.charAt(0)) + tryThis.substring(1) + ".");
        this.epoch = epoch;
        this.batch = batch;
        this.loss = loss;
    }

    /** The epoch (1-based) in which the loss diverged. */
    public int epoch() { return epoch; }

    /** The batch (1-based, within the epoch) whose loss was not finite. */
    public int batch() { return batch; }

    /** The non-finite loss. */
    public double loss() { return loss; }
}
