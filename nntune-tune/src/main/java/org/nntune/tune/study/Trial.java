package org.nntune.tune.study;

import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The objective's live handle on one RUNNING trial: it suggests parameter values
 * (define-by-run: the search space is whatever the objective asks for, so conditional spaces are
 * plain {@code if}s), takes intermediate values and answers whether to prune. Each call is written
 * to the storage at once.
 *
 * <p>Asking the same name twice in one trial with the same distribution returns the same value;
 * with a different distribution it is an {@link IllegalArgumentException}. Categorical suggestions
 * return the choice itself, never an index. A trial handle belongs to the thread running its
 * objective; it is not meant to be shared between threads.
 */
public final class Trial {
    private static final System.Logger LOG = System.getLogger("org.nntune.tune");

    private final Study study;
    private final long trialId;
    private final int number;
    private final Map<String, Distribution> relativeSpace;
    private final Map<String, Double> relativeValues;
    private final Map<String, Object> fixedParams;
    /**
     * The trial as it is now (RUNNING, with what this handle wrote), replaced copy-on-write by each
     * suggestion, report and attribute: samplers and pruners get it without a copy.
     */
    private FrozenTrial now;

    Trial(Study study, FrozenTrial started, Map<String, Distribution> relativeSpace, Map<String, Double> relativeValues,
          Map<String, Object> fixedParams) {
        this.study = study;
        this.trialId = started.trialId();
        this.number = started.number();
        this.relativeSpace = relativeSpace;
        this.relativeValues = relativeValues;
        this.fixedParams = fixedParams;
        this.now = started.state() == TrialState.RUNNING && started.values().isEmpty()
                && started.datetimeComplete().isEmpty() && started.failureReason().isEmpty() ? started
                : new FrozenTrial(number, trialId, TrialState.RUNNING, List.of(), started.params(),
                started.distributions(), started.userAttrs(), started.systemAttrs(), started.intermediateValues(),
                started.datetimeStart(), Optional.empty(), Optional.empty());
    }

    /** @return the trial's number in its study */
    public int number() {
        return number;
    }

    /** @return the storage's id of the trial */
    public long trialId() {
        return trialId;
    }

    /** @return the study the trial belongs to */
    public Study study() {
        return study;
    }

    /** A real in {@code [low, high]}, uniform. */
    public double suggestFloat(String name, double low, double high) {
        return (Double) suggest(name, FloatDistribution.uniform(low, high));
    }

    /** A real in {@code [low, high]}, log-uniform with {@link Log#YES}. */
    public double suggestFloat(String name, double low, double high, Log log) {
        return (Double) suggest(name, new FloatDistribution(low, high, log == Log.YES, OptionalDouble.empty()));
    }

    /** A real on the grid {@code low, low + step, …, <= high}. */
    public double suggestFloat(String name, double low, double high, double step) {
        return (Double) suggest(name, FloatDistribution.stepped(low, high, step));
    }

    /** An integer in {@code [low, high]}, uniform. */
    public int suggestInt(String name, int low, int high) {
        return ((Long) suggest(name, IntDistribution.uniform(low, high))).intValue();
    }

    /** An integer in {@code [low, high]}, log-uniform with {@link Log#YES}. */
    public int suggestInt(String name, int low, int high, Log log) {
        return ((Long) suggest(name, new IntDistribution(low, high, log == Log.YES, 1))).intValue();
    }

    /** An integer on the grid {@code low, low + step, …, <= high}. */
    public int suggestInt(String name, int low, int high, int step) {
        return ((Long) suggest(name, new IntDistribution(low, high, false, step))).intValue();
    }

    /**
     * One of the choices (strings, numbers or booleans), returned as the element of {@code choices}
     * itself, never its index.
     */
    public <T> T suggestCategorical(String name, List<T> choices) {
        CategoricalDistribution d = study.categorical(name, choices);
        Object external = suggest(name, d);
        return choices.get(d.indexOf(external));
    }

    /**
     * A value of any distribution.
     *
     * @return the external value (Double, Long, or the normalised categorical choice)
     * @throws IllegalArgumentException if the name was asked with another distribution in this
     *     trial, or with another kind of distribution in this study
     */
    public Object suggest(String name, Distribution distribution) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("trial " + number + ": a parameter name must not be empty");
        }
        Distribution previous = now.distributions().get(name);
        if (previous != null) {
            if (!previous.equals(distribution)) {
                throw new IllegalArgumentException("trial " + number + ": parameter '" + name + "' was suggested as "
                        + previous + " and now as " + distribution + "; one name keeps one distribution within a trial");
            }
            return now.params().get(name);
        }
        study.checkCompatible(name, distribution);
        double internal;
        Object fixed = enqueuedAs(distribution, fixedParams.get(name));
        if (fixed != null) {
            if (!distribution.contains(fixed)) {
                throw new IllegalArgumentException("trial " + number + ": the enqueued value " + fixed + " of '" + name
                        + "' is not in " + distribution);
            }
            internal = distribution.toInternal(fixed);
        } else if (relativeValues.containsKey(name) && distribution.equals(relativeSpace.get(name))) {
            internal = relativeValues.get(name);
        } else if (distribution.isSingle()) {
            internal = distribution.toInternal(distribution.toExternal(lowestInternal(distribution)));
        } else {
            internal = study.sampler().sampleIndependent(study.view(), now, name, distribution);
        }
        Object external = distribution.toExternal(internal);
        FrozenTrial stored = study.storage().setTrialParamAndGet(trialId, name, internal, distribution);
        // the storage's snapshot when it hands one out (in memory: the same trial, built once, not twice)
        now = stored != null ? stored : now.withParam(name, external, distribution);
        return external;
    }

    /**
     * An enqueued value as {@code d} has its values, as Optuna takes it: values read back from JSON (a
     * stored retry, an Optuna client's queue) are doubles, so an integral {@code 2.0} (or a float)
     * is the int 2 of an {@link IntDistribution}, and a number equal to exactly one categorical choice
     * of another number type ({@code 64.0} or {@code 64} for the choice {@code 64}, {@code 1} for
     * {@code 1.0}) is that choice. Anything else is returned as given, for the caller to refuse if
     * it is not in {@code d} ({@code 2.5} for an int).
     */
    static Object enqueuedAs(Distribution d, Object value) {
        if (!(value instanceof Number n) || d.contains(value)) {
            return value;
        }
        if (d instanceof IntDistribution && (value instanceof Double || value instanceof Float)) {
            double x = n.doubleValue();
            // integral and exactly a long (beyond 2^53 a double is integral but no longer one particular long)
            return x == Math.rint(x) && Math.abs(x) <= 0x1p53 ? (Object) (long) x : value;
        }
        if (d instanceof CategoricalDistribution c) {
            Object match = null;
            for (Object choice : c.choices()) {
                if (choice instanceof Number m && sameNumber(n, m)) {
                    if (match != null) {
                        return value; // 64 and 64.0 both offered: not ours to choose
                    }
                    match = choice;
                }
            }
            return match != null ? match : value;
        }
        return value;
    }

    /** @return whether two numbers of any of the boxed types have the same value ({@code 64L} and {@code 64.0}) */
    private static boolean sameNumber(Number a, Number b) {
        boolean aWhole = a instanceof Long || a instanceof Integer || a instanceof Short || a instanceof Byte;
        boolean bWhole = b instanceof Long || b instanceof Integer || b instanceof Short || b instanceof Byte;
        if (aWhole == bWhole) {
            return aWhole ? a.longValue() == b.longValue() : a.doubleValue() == b.doubleValue();
        }
        long whole = (aWhole ? a : b).longValue();
        double real = (aWhole ? b : a).doubleValue();
        return real == Math.rint(real) && Math.abs(real) <= 0x1p53 && (long) real == whole;
    }

    private static double lowestInternal(Distribution d) {
        if (d instanceof FloatDistribution f) {
            return f.low();
        }
        if (d instanceof IntDistribution i) {
            return i.low();
        }
        return 0; // the only choice of a categorical
    }

    /**
     * Reports the objective's intermediate value at a step (an epoch, an iteration), for pruners
     * and plots. Step first, then value: {@code trial.report(epoch, valLoss)}. A step reported twice
     * keeps its first value (as Optuna does) and logs a warning.
     *
     * @throws IllegalArgumentException if {@code step < 0}
     * @throws IllegalStateException if the study has several objectives
     */
    public void report(int step, double value) {
        if (step < 0) {
            throw new IllegalArgumentException("trial " + number + ": step must be >= 0, got " + step);
        }
        if (study.directions().size() != 1) {
            throw new IllegalStateException("trial " + number + ": report() is for single-objective studies (it feeds the"
                    + " pruner), and study '" + study.name() + "' has " + study.directions().size() + " objectives; keep"
                    + " values per step with setUserAttr instead");
        }
        if (now.intermediateValues().containsKey(step)) {
            LOG.log(System.Logger.Level.WARNING, "trial {0}: step {1} was reported already; value {2} ignored",
                    number, step, value);
            return;
        }
        study.storage().setTrialIntermediateValue(trialId, step, value);
        now = now.withIntermediateValue(step, value);
    }

    /** @return whether the study's pruner says this trial should stop now (throw {@link TrialPrunedException}) */
    public boolean shouldPrune() {
        if (study.directions().size() != 1) {
            throw new IllegalStateException("trial " + number + ": pruning is for single-objective studies, and study '"
                    + study.name() + "' has " + study.directions().size() + " objectives; do not call shouldPrune() in"
                    + " its objective");
        }
        return study.pruner().prune(study.view(), now);
    }

    /** Sets (or replaces) a user attribute: a string, number, boolean, or list/map of these. */
    public void setUserAttr(String key, Object value) {
        study.storage().setTrialUserAttr(trialId, key, value);
        now = now.withUserAttr(key, org.nntune.tune.space.Json.normalize(value));
    }

    /**
     * Sets (or replaces) a system attribute: nntune's own bookkeeping on the trial, under a key
     * of {@link SystemAttrs} (user code keeps to {@link #setUserAttr}).
     */
    public void setSystemAttr(String key, Object value) {
        study.storage().setTrialSystemAttr(trialId, key, value);
        now = now.withSystemAttr(key, org.nntune.tune.space.Json.normalize(value));
    }

    /** @return the user attributes set so far (as of this call: later changes give a new map) */
    public Map<String, Object> userAttrs() {
        return now.userAttrs();
    }

    /**
     * @return parameter name → external value, in the order suggested (as of this call): as stored,
     *     so ints as {@code Long}, floats as {@code Double}, categorical choices as given when they are
     *     strings or booleans, numbers as {@code Long}/{@code Double} (see {@link FrozenTrial#params()});
     *     the {@code suggest…} methods return the Java type asked for
     */
    public Map<String, Object> params() {
        return now.params();
    }

    /** @return parameter name → distribution (as of this call) */
    public Map<String, Distribution> distributions() {
        return now.distributions();
    }

    /** @return the intermediate values reported so far, by step (as of this call) */
    public NavigableMap<Integer, Double> intermediateValues() {
        return now.intermediateValues();
    }

    /** The trial as it is now, as the sampler and pruner see it. */
    FrozenTrial snapshot() {
        return now;
    }
}
