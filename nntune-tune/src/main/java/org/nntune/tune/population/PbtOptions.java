package org.nntune.tune.population;

import org.nntune.tune.space.Distribution;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings of population-based training. Start from {@link #defaults(int, int, int)} and
 * change what you need; the defaults of the explore/exploit step are Ray Tune's: quantile 0.25,
 * resample probability 0.25, factors 0.8 and 1.2.
 *
 * @param population members trained side by side (at least 2)
 * @param interval epochs per round: members are ranked, exploited and explored after each round
 * @param epochs epochs each member trains in all; the last round is shorter when {@code interval}
 *     does not divide it
 * @param quantile the share of the population in the bottom (exploiting) and top (donor) groups,
 *     in (0, 0.5]; each group has ceil(quantile × population) members, at most half of them
 * @param resampleProbability the chance that explore draws a hyperparameter afresh from its
 *     distribution instead of perturbing it, in [0, 1]
 * @param downFactor and {@code upFactor}: the factors a number is multiplied by when perturbed
 * @param upFactor see {@code downFactor}
 * @param synchronous true: a round ends when every member has finished it, and all members are
 *     ranked on that round; false (asynchronous): each member ends its own round as soon as it has
 *     trained it, ranked against the latest results of the others (for workers of unequal speed)
 * @param seed fixes the initial draws, the donors and the explore steps, and each member's seed
 * @param maxAttempts how often a member's round is started before the study gives up on it (a
 *     round whose worker died is started again from the member's last checkpoint)
 * @param heartbeat how often a worker stamps its running rounds as alive
 * @param staleAfter a running round without a heartbeat for this long is failed and started again
 * @param poll how long an idle worker waits before it looks for work again
 */
public record PbtOptions(int population, int interval, int epochs, double quantile, double resampleProbability,
                         double downFactor, double upFactor, boolean synchronous, long seed, int maxAttempts,
                         Duration heartbeat, Duration staleAfter, Duration poll) {

    /** Ray Tune's quantile. */
    public static final double DEFAULT_QUANTILE = 0.25;
    /** Ray Tune's resample probability. */
    public static final double DEFAULT_RESAMPLE_PROBABILITY = 0.25;
    /** Members when a study file does not say. */
    public static final int DEFAULT_POPULATION = 8;
    /** Epochs per round when a study file does not say. */
    public static final int DEFAULT_INTERVAL = 1;

    /** Checks every setting (the space is checked by {@link #check(Map)}). */
    public PbtOptions {
        if (population < 2) {
            throw new IllegalArgumentException("pbt: population " + population
                    + " is too small; at least 2 members are needed (one to copy, one to be copied)");
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("pbt: epochs " + epochs + " must be >= 1");
        }
        if (interval < 1) {
            throw new IllegalArgumentException("pbt: interval " + interval + " must be >= 1 epoch");
        }
        if (interval > epochs) {
            throw new IllegalArgumentException("pbt: interval " + interval + " is larger than the " + epochs
                    + " epochs a member trains, so there would be no round to exploit and explore after;"
                    + " use an interval <= " + epochs);
        }
        if (!(quantile > 0 && quantile <= 0.5)) {
            throw new IllegalArgumentException("pbt: quantile " + quantile + " must be in (0, 0.5]");
        }
        if (!(resampleProbability >= 0 && resampleProbability <= 1)) {
            throw new IllegalArgumentException("pbt: resample_probability " + resampleProbability + " must be in [0, 1]");
        }
        if (!(downFactor > 0) || !(upFactor > 0) || !Double.isFinite(downFactor) || !Double.isFinite(upFactor)) {
            throw new IllegalArgumentException("pbt: perturbation factors " + downFactor + " and " + upFactor
                    + " must be finite and > 0");
        }
        if (downFactor == 1 && upFactor == 1) {
            throw new IllegalArgumentException("pbt: perturbation factors 1 and 1 would never change a number;"
                    + " use e.g. 0.8 and 1.2");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("pbt: max_attempts " + maxAttempts + " must be >= 1");
        }
        if (heartbeat.isNegative() || heartbeat.isZero() || staleAfter.compareTo(heartbeat) <= 0) {
            throw new IllegalArgumentException("pbt: heartbeat " + heartbeat + " must be > 0 and shorter than the stale"
                    + " grace " + staleAfter);
        }
        if (poll.isNegative() || poll.isZero()) {
            throw new IllegalArgumentException("pbt: poll " + poll + " must be > 0");
        }
    }

    /**
     * Ray Tune's defaults, synchronous rounds, seed 0, 3 attempts per round, a heartbeat every
     * second and 30 s before a silent round is taken over.
     */
    public static PbtOptions defaults(int population, int interval, int epochs) {
        return new PbtOptions(population, interval, epochs, DEFAULT_QUANTILE, DEFAULT_RESAMPLE_PROBABILITY, 0.8, 1.2,
                true, 0, 3, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMillis(50));
    }

    /** @return the number of rounds: ceil(epochs / interval) */
    public int rounds() {
        return (epochs + interval - 1) / interval;
    }

    /** @return the first epoch (0-based) of a round */
    public int firstEpoch(int round) {
        return round * interval;
    }

    /** @return the epochs of a round (the last may be shorter) */
    public int epochsOf(int round) {
        return Math.min(interval, epochs - round * interval);
    }

    /** @return the size of the bottom and of the top group */
    public int groupSize() {
        return groupSize(population);
    }

    /** @return the group size for a ranking of {@code ranked} members (Ray Tune's rule) */
    int groupSize(int ranked) {
        int n = (int) Math.ceil(ranked * quantile);
        return Math.max(ranked >= 2 ? 1 : 0, Math.min(n, ranked / 2));
    }

    /** @return a copy with another {@link #quantile()}, in (0, 0.5] */
    public PbtOptions withQuantile(double q) {
        return new PbtOptions(population, interval, epochs, q, resampleProbability, downFactor, upFactor, synchronous,
                seed, maxAttempts, heartbeat, staleAfter, poll);
    }

    /** @return a copy with another {@link #resampleProbability()}, in [0, 1] */
    public PbtOptions withResampleProbability(double p) {
        return new PbtOptions(population, interval, epochs, quantile, p, downFactor, upFactor, synchronous, seed,
                maxAttempts, heartbeat, staleAfter, poll);
    }

    /** @return a copy with other perturbation factors ({@link #downFactor()}, {@link #upFactor()}), finite and > 0 */
    public PbtOptions withFactors(double down, double up) {
        return new PbtOptions(population, interval, epochs, quantile, resampleProbability, down, up, synchronous, seed,
                maxAttempts, heartbeat, staleAfter, poll);
    }

    /** @return a copy with synchronous (true) or asynchronous rounds (see {@link #synchronous()}) */
    public PbtOptions withSynchronous(boolean sync) {
        return new PbtOptions(population, interval, epochs, quantile, resampleProbability, downFactor, upFactor, sync,
                seed, maxAttempts, heartbeat, staleAfter, poll);
    }

    /** @return a copy with another {@link #seed()} */
    public PbtOptions withSeed(long s) {
        return new PbtOptions(population, interval, epochs, quantile, resampleProbability, downFactor, upFactor,
                synchronous, s, maxAttempts, heartbeat, staleAfter, poll);
    }

    /** @return a copy with another {@link #maxAttempts()}, at least 1 */
    public PbtOptions withMaxAttempts(int n) {
        return new PbtOptions(population, interval, epochs, quantile, resampleProbability, downFactor, upFactor,
                synchronous, seed, n, heartbeat, staleAfter, poll);
    }

    /** Liveness: heartbeat period, the silence after which a round is taken over, and the idle poll. */
    public PbtOptions withTiming(Duration beat, Duration stale, Duration idlePoll) {
        return new PbtOptions(population, interval, epochs, quantile, resampleProbability, downFactor, upFactor,
                synchronous, seed, maxAttempts, beat, stale, idlePoll);
    }

    /**
     * Checks the space PBT explores.
     *
     * @throws IllegalArgumentException if it is empty or no hyperparameter in it has two values
     */
    public static void check(Map<String, Distribution> space) {
        if (space.isEmpty()) {
            throw new IllegalArgumentException("pbt: the search space is empty, so there is nothing to explore;"
                    + " give at least one hyperparameter with more than one value");
        }
        boolean any = false;
        for (Distribution d : space.values()) {
            any |= !d.isSingle();
        }
        if (!any) {
            throw new IllegalArgumentException("pbt: every hyperparameter of the space " + space.keySet()
                    + " has a single value, so there is nothing to explore; give one a range or several choices");
        }
    }

    /**
     * Reads the settings a study stored ({@link #toJson()}); what is not stored there (attempts,
     * timing) keeps its default.
     *
     * @throws IllegalArgumentException if a setting is missing or of the wrong type
     */
    static PbtOptions fromJson(Map<?, ?> m) {
        try {
            List<?> factors = (List<?>) m.get("factors");
            return defaults(((Number) m.get("population")).intValue(), ((Number) m.get("interval")).intValue(),
                    ((Number) m.get("epochs")).intValue())
                    .withQuantile(((Number) m.get("quantile")).doubleValue())
                    .withResampleProbability(((Number) m.get("resample_probability")).doubleValue())
                    .withFactors(((Number) factors.get(0)).doubleValue(), ((Number) factors.get(1)).doubleValue())
                    .withSynchronous((Boolean) m.get("synchronous"))
                    .withSeed(((Number) m.get("seed")).longValue());
        } catch (ClassCastException | NullPointerException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("malformed population-based training settings " + m, e);
        }
    }

    /** @return the settings that must agree between the workers of one study, as a JSON map */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("population", (long) population);
        m.put("interval", (long) interval);
        m.put("epochs", (long) epochs);
        m.put("quantile", quantile);
        m.put("resample_probability", resampleProbability);
        m.put("factors", List.of(downFactor, upFactor));
        m.put("synchronous", synchronous);
        m.put("seed", seed);
        return m;
    }
}
