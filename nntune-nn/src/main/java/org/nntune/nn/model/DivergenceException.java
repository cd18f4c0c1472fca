package org.nntune.nn.model;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * Training stopped because the loss became NaN or infinite: the weights would otherwise turn
 * into garbage. The message says where it happened and what to try, in the words of this Java API
 * ({@link FitOptions.Builder#clipNorm}); the facts behind it (where, the learning rate, the
 * gradient clipping, the adapted rates) are here too, so that a front end with other words for the
 * same settings (a study file's keys) can give its own advice.
 */
public final class DivergenceException extends IllegalStateException {
    /** The epoch (1-based) in which the loss diverged (part of the serialized form). */
    private final int epoch;
    /** The batch (1-based, within the epoch) whose loss was not finite (part of the serialized form). */
    private final int batch;
    /** The non-finite loss (part of the serialized form). */
    private final double loss;
    /** The learning rate of the step that diverged (part of the serialized form). */
    private final float learningRate;
    /** The gradient clipping by global norm in effect, 0 when off (part of the serialized form). */
    private final float clipNorm;
    /** The adapted learning rates by name, empty when not adapted (part of the serialized form). */
    private final Map<String, Double> adaptedRates;
    /**
     * The hyper learning rate that adapted them, NaN when not known (part of the serialized form: a double, since
     * {@link OptionalDouble} is not serializable).
     */
    private final double hyperLearningRate;

    /** A divergence at a learning rate set by the options (not adapted). */
    DivergenceException(int epoch, int batch, double loss, float learningRate, float clipNorm) {
        this(epoch, batch, loss, learningRate, clipNorm, Map.of(), OptionalDouble.empty(), "try a lower learning rate (it was "
                + learningRate + "), gradient clipping (FitOptions.Builder.clipNorm, e.g. 1.0), or scaling the inputs"
                + " (a standard scaler)");
    }

    /**
     * A divergence with learning rates adapted by hypergradient descent.
     *
     * @param adaptedRates the rates reached, by name
     * @param hyperLearningRate the hyper learning rate that adapted them, if the optimiser says
     */
    DivergenceException(int epoch, int batch, double loss, float learningRate, float clipNorm, Map<String, Double> adaptedRates,
                        OptionalDouble hyperLearningRate) {
        this(epoch, batch, loss, learningRate, clipNorm, adaptedRates, hyperLearningRate, "the learning rates adapted by"
                + " hypergradient descent were " + adaptedRates + ": try a lower hyper learning rate"
                + (hyperLearningRate.isPresent() ? " (" + hyperLearningRate.getAsDouble() + ")" : "") + ", or gradient clipping");
    }

    /** With the advice {@code tryThis} (a sentence without its full stop). */
    private DivergenceException(int epoch, int batch, double loss, float learningRate, float clipNorm,
                                Map<String, Double> adaptedRates, OptionalDouble hyperLearningRate, String tryThis) {
        super(where(epoch, batch, loss) + " " + Character.toUpperCase(tryThis.charAt(0)) + tryThis.substring(1) + ".");
        this.epoch = epoch;
        this.batch = batch;
        this.loss = loss;
        this.learningRate = learningRate;
        this.clipNorm = clipNorm;
        this.adaptedRates = Map.copyOf(adaptedRates);
        this.hyperLearningRate = hyperLearningRate.orElse(Double.NaN);
    }

    /** "training diverged at epoch E, batch B: the loss is L.": the message's first sentence, for a front end's own message. */
    public static String where(int epoch, int batch, double loss) {
        return "training diverged at epoch " + epoch + ", batch " + batch + ": the loss is " + loss + ".";
    }

    /** The epoch (1-based) in which the loss diverged. */
    public int epoch() { return epoch; }

    /** The batch (1-based, within the epoch) whose loss was not finite. */
    public int batch() { return batch; }

    /** The non-finite loss. */
    public double loss() { return loss; }

    /** The learning rate of the step that diverged (the schedule's, or the base rate of an adapted one). */
    public float learningRate() { return learningRate; }

    /** The gradient clipping by global norm in effect; 0 when off. */
    public float clipNorm() { return clipNorm; }

    /** The learning rates hypergradient descent had reached, by name; empty when the rate was not adapted. */
    public Map<String, Double> adaptedRates() { return adaptedRates; }

    /** The hyper learning rate that adapted them, when they were adapted and the optimiser says. */
    public OptionalDouble hyperLearningRate() {
        return Double.isNaN(hyperLearningRate) ? OptionalDouble.empty() : OptionalDouble.of(hyperLearningRate);
    }
}
