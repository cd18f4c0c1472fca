package org.nntune.nn.layer;

import org.nntune.nn.tensor.Rng;

/**
 * How a forward pass runs: in training (dropout active, batch normalisation on batch statistics
 * and updating its running statistics) or in evaluation, and the random stream dropout draws
 * its masks from in training.
 */
public final class Pass {
    private static final Pass EVAL = new Pass(false, null);
    private final boolean training;
    private final Rng rng;

    private Pass(boolean training, Rng rng) {
        this.training = training;
        this.rng = rng;
    }

    /** Evaluation: deterministic, no state changes. */
    public static Pass eval() {
        return EVAL;
    }

    /** Training, with dropout masks drawn from {@code rng}. */
    public static Pass training(Rng rng) {
        if (rng == null) {
            throw new IllegalArgumentException("a training pass needs a random stream");
        }
        return new Pass(true, rng);
    }

    /**
     * @return true in training (dropout drops values, batch normalisation uses and updates the batch
     *     statistics), false in evaluation
     */
    public boolean training() { return training; }

    /** The training pass's random stream; misuse in evaluation is an error. */
    public Rng rng() {
        if (rng == null) {
            throw new IllegalStateException("an evaluation pass has no random stream");
        }
        return rng;
    }
}
