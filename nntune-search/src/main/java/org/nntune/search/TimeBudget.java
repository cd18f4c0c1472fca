package org.nntune.search;

import org.nntune.tune.pruner.HyperbandPruner;
import org.nntune.tune.pruner.Pruner;

import java.time.Duration;
import java.util.Objects;

/**
 * The time-budget mode of a search: what to do with a wall-clock budget so that the model at the
 * end is as good as the time allows. Trials train up to {@code maxEpochs} epochs; Hyperband
 * brackets of successive halving over epochs (reduction factor 3) stop the worse ones early, the
 * sampler (TPE unless another is given) proposing configurations from the highest rung with
 * enough observations (BOHB, see {@link org.nntune.tune.sampler.RungSampler}); a trial that would
 * overrun the search's share of the budget is stopped and keeps its last value; and the best
 * configuration is refitted on all training rows for the epochs at which its validation score
 * peaked, the refit's time reserved from measured epoch times ({@link BudgetClock}), inside the
 * budget.
 *
 * <p>Each part can be turned off: {@code maxEpochs} sets the longest training (a trial of the
 * 3-epoch protocol: 3); {@code brackets} 1 runs every trial to {@code maxEpochs} (no early
 * stopping); {@code refit} false gives the whole budget to the search (no refitted model).
 *
 * @param timeout   the wall-clock budget, search and refit together
 * @param maxEpochs the epochs of a trial that is never stopped early (≥ 1)
 * @param brackets  Hyperband brackets, 1 (none stopped early) to {@link #maxBrackets(int)} (the
 *                  most aggressive halves after 1 epoch)
 * @param refit     whether the best configuration is refitted on all training rows inside the budget
 */
public record TimeBudget(Duration timeout, int maxEpochs, int brackets, boolean refit) {
    /** The default longest training: 27 epochs (3³, four Hyperband brackets with reduction factor 3). */
    public static final int DEFAULT_MAX_EPOCHS = 27;
    /** Successive halving keeps the best third at each rung. */
    public static final int REDUCTION_FACTOR = 3;

    /** Checks the values. */
    public TimeBudget {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the time budget must be positive, got " + timeout);
        }
        if (maxEpochs < 1) {
            throw new IllegalArgumentException("maxEpochs must be >= 1, got " + maxEpochs);
        }
        if (brackets < 1 || brackets > maxBrackets(maxEpochs)) {
            throw new IllegalArgumentException("brackets must be 1 to " + maxBrackets(maxEpochs) + " with " + maxEpochs
                    + " max epochs (1: no early stopping), got " + brackets);
        }
    }

    /** The defaults: {@value #DEFAULT_MAX_EPOCHS} max epochs, every bracket, refit on. */
    public static TimeBudget of(Duration timeout) {
        return new TimeBudget(timeout, DEFAULT_MAX_EPOCHS, maxBrackets(DEFAULT_MAX_EPOCHS), true);
    }

    /** The most brackets {@code maxEpochs} allows: {@code floor(log3(maxEpochs)) + 1}. */
    public static int maxBrackets(int maxEpochs) {
        return (int) Math.floor(Math.log(maxEpochs) / Math.log(REDUCTION_FACTOR) + 1e-9) + 1;
    }

    /** Another longest training, with every bracket it allows. */
    public TimeBudget withMaxEpochs(int epochs) {
        return new TimeBudget(timeout, epochs, maxBrackets(Math.max(1, epochs)), refit);
    }

    /** Another number of brackets (1: no early stopping). */
    public TimeBudget withBrackets(int n) {
        return new TimeBudget(timeout, maxEpochs, n, refit);
    }

    /** Refit on or off. */
    public TimeBudget withRefit(boolean on) {
        return new TimeBudget(timeout, maxEpochs, brackets, on);
    }

    /** The epochs before the first rung of the most aggressive bracket. */
    public int minEpochs() {
        return Math.max(1, (int) (maxEpochs / Math.pow(REDUCTION_FACTOR, brackets - 1)));
    }

    /**
     * The pruner of the brackets: {@link #hyperband()}, except that a trial that trained
     * {@code maxEpochs} is never pruned (its training is done: it is a full observation); none
     * with one bracket.
     */
    public Pruner pruner() {
        if (brackets == 1) {
            return Pruner.none();
        }
        HyperbandPruner hyperband = hyperband();
        return (study, trial) -> trial.lastStep().orElse(0) < maxEpochs && hyperband.prune(study, trial);
    }

    /** Hyperband over epochs: {@code brackets} brackets from {@link #minEpochs()} to {@code maxEpochs}, reduction factor 3. */
    public HyperbandPruner hyperband() {
        return new HyperbandPruner(minEpochs(), maxEpochs, REDUCTION_FACTOR, 0);
    }
}
