package org.nntune.tune.trial;

import org.nntune.tune.space.Distribution;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * An immutable snapshot of one trial as the storage holds it. Samplers, pruners, reports and
 * plots only ever see these.
 *
 * <p>All collections are unmodifiable. {@code params} maps each parameter name to its external
 * value (see {@link Distribution}) in the order the parameters were first suggested;
 * {@code distributions} has the same keys. {@code values} is empty unless the trial is COMPLETE
 * (one value per objective) or PRUNED with a last intermediate value. Intermediate values are
 * keyed by step, ascending. Attribute values are JSON values ({@link org.nntune.tune.space.Json}).
 *
 * @param number the trial's number within its study, 0, 1, 2, … in creation order
 * @param trialId the storage-wide id of the trial
 * @param state the state
 * @param values the objective values
 * @param params parameter name → external value, insertion-ordered: ints as {@code Long}, floats as
 *     {@code Double}, categorical choices as given when they are strings or booleans, numbers as
 *     {@code Long}/{@code Double} (a choice given as an {@code Integer} is a {@code Long} here), whatever
 *     the Java type the objective asked with; {@link #intParam} and {@link #doubleParam} convert
 * @param distributions parameter name → distribution
 * @param userAttrs attributes set by the user
 * @param systemAttrs attributes set by nntune (samplers, grid points, …)
 * @param intermediateValues step → reported value, ascending steps
 * @param datetimeStart when the trial started RUNNING (empty while WAITING)
 * @param datetimeComplete when the trial finished (empty until then)
 * @param failureReason why a FAIL trial failed (empty otherwise)
 */
public record FrozenTrial(int number, long trialId, TrialState state, List<Double> values,
                          Map<String, Object> params, Map<String, Distribution> distributions,
                          Map<String, Object> userAttrs, Map<String, Object> systemAttrs,
                          NavigableMap<Integer, Double> intermediateValues,
                          Optional<Instant> datetimeStart, Optional<Instant> datetimeComplete,
                          Optional<String> failureReason) {

    /** Copies the collections unmodifiable and checks that params and distributions agree. */
    public FrozenTrial {
        values = values.isEmpty() ? List.of() : List.copyOf(values);
        params = frozen(params);
        distributions = frozen(distributions);
        userAttrs = frozen(userAttrs);
        systemAttrs = frozen(systemAttrs);
        intermediateValues = intermediateValues.isEmpty() ? EMPTY_STEPS
                : Collections.unmodifiableNavigableMap(new TreeMap<>(intermediateValues));
        FrozenMap<Object> checked = (FrozenMap<Object>) params;
        if (!checked.isCheckedAgainst(distributions)) {
            check(number, params, distributions);
            checked.markCheckedAgainst(distributions);
        }
    }

    private static void check(int number, Map<String, Object> params, Map<String, Distribution> distributions) {
        boolean sameNames = params instanceof FrozenMap<?> p && distributions instanceof FrozenMap<?> d
                && p.keys() == d.keys();
        if (!sameNames && (params.size() != distributions.size() || !params.keySet().equals(distributions.keySet()))) {
            throw new IllegalArgumentException("trial " + number + ": params " + params.keySet()
                    + " and distributions " + distributions.keySet() + " must have the same names");
        }
        for (Map.Entry<String, Object> e : params.entrySet()) {
            if (!distributions.get(e.getKey()).contains(e.getValue())) {
                throw new IllegalArgumentException("trial " + number + ": param '" + e.getKey() + "' = "
                        + e.getValue() + " is not in " + distributions.get(e.getKey()));
            }
        }
    }

    private static final NavigableMap<Integer, Double> EMPTY_STEPS = Collections.emptyNavigableMap();

    private static <V> Map<String, V> frozen(Map<String, V> m) {
        // compact immutable maps, shared when already frozen (empty ones are one instance)
        return FrozenMap.copyOf(m);
    }

    /**
     * @return a copy of this trial with one more parameter (or a replaced one): the storage's
     *     copy-on-write step, one array copy instead of rebuilding the maps, and only the new value
     *     checked against its distribution (the others were checked when this trial was made)
     */
    @SuppressWarnings("unchecked")
    public FrozenTrial withParam(String name, Object value, Distribution distribution) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(distribution, "distribution");
        FrozenMap<Object> oldP = (FrozenMap<Object>) params;
        FrozenMap<Distribution> oldD = (FrozenMap<Distribution>) distributions;
        FrozenMap<Object> p;
        FrozenMap<Distribution> d;
        int at = oldP.indexOf(name);
        if (oldP.keys() == oldD.keys()) { // one key list (the usual case): one lookup, and the new pair shares one too
            if (at >= 0) {
                p = oldP.replaced(at, value);
                d = oldD.replaced(at, distribution);
            } else {
                FrozenMap.Keys longer = oldP.keys().plus(name);
                p = oldP.appended(longer, value);
                d = oldD.appended(longer, distribution);
            }
        } else {
            p = at >= 0 ? oldP.replaced(at, value) : oldP.with(name, value);
            d = oldD.with(name, distribution);
        }
        if (distribution.contains(value)) {
            p.markCheckedAgainst(d);
        }
        return new FrozenTrial(number, trialId, state, values, p, d, userAttrs, systemAttrs,
                intermediateValues, datetimeStart, datetimeComplete, failureReason);
    }

    /**
     * @return a copy of this trial with a user attribute set (or replaced); {@code value} must be a
     *     JSON value already ({@link org.nntune.tune.space.Json#normalize})
     */
    @SuppressWarnings("unchecked")
    public FrozenTrial withUserAttr(String key, Object value) {
        return new FrozenTrial(number, trialId, state, values, params, distributions,
                ((FrozenMap<Object>) userAttrs).with(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value")),
                systemAttrs, intermediateValues, datetimeStart, datetimeComplete, failureReason);
    }

    /** @return a copy of this trial with a system attribute set (or replaced); see {@link #withUserAttr} */
    @SuppressWarnings("unchecked")
    public FrozenTrial withSystemAttr(String key, Object value) {
        return new FrozenTrial(number, trialId, state, values, params, distributions, userAttrs,
                ((FrozenMap<Object>) systemAttrs).with(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value")),
                intermediateValues, datetimeStart, datetimeComplete, failureReason);
    }

    /** @return a copy of this trial with the intermediate value of {@code step} set (or replaced) */
    public FrozenTrial withIntermediateValue(int step, double value) {
        NavigableMap<Integer, Double> iv = new TreeMap<>(intermediateValues);
        iv.put(step, value);
        return new FrozenTrial(number, trialId, state, values, params, distributions, userAttrs, systemAttrs, iv,
                datetimeStart, datetimeComplete, failureReason);
    }

    /**
     * @return this trial finished: its state, values, completion time and failure reason replaced,
     *     everything else kept
     */
    public FrozenTrial finished(TrialState newState, List<Double> newValues, Instant completedAt,
                                Optional<String> reason) {
        return new FrozenTrial(number, trialId, newState, newValues, params, distributions, userAttrs, systemAttrs,
                intermediateValues, datetimeStart, Optional.of(completedAt), reason);
    }

    /**
     * A template for {@code Storage.createTrial(studyId, template)}: a trial in the given state
     * with the given parameters and values, everything else empty (number and id are assigned by
     * the storage and ignored here).
     */
    public static FrozenTrial template(TrialState state, List<Double> values, Map<String, Object> params,
                                       Map<String, Distribution> distributions) {
        return new FrozenTrial(-1, -1, state, values, params, distributions, Map.of(), Map.of(),
                new TreeMap<>(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * @return the single objective value
     * @throws IllegalStateException if the trial has no value or several
     */
    public double value() {
        if (values.size() != 1) {
            throw new IllegalStateException("trial " + number + " (" + state + ") has " + values.size()
                    + " values; value() needs exactly one (use values() for several objectives)");
        }
        return values.get(0);
    }

    /** @return the internal (sampler) representation of a parameter's value */
    public double internalParam(String name) {
        Distribution d = distributions.get(name);
        if (d == null) {
            throw new IllegalArgumentException("trial " + number + " has no parameter '" + name + "'; it has " + params.keySet());
        }
        return d.toInternal(params.get(name));
    }

    /**
     * A parameter as an {@code int}: an int parameter's value (stored as a {@code Long}) or a
     * numeric categorical choice, without the cast that {@code (Integer) params().get(name)} gets wrong.
     *
     * @throws IllegalArgumentException if the trial has no such parameter, or its value is not a
     *     whole number in an {@code int}'s range
     */
    public int intParam(String name) {
        Number n = numberParam(name);
        double d = n.doubleValue();
        boolean whole = n instanceof Long || d == Math.rint(d);
        if (!whole) {
            throw new IllegalArgumentException("trial " + number + ": parameter '" + name + "' is " + n
                    + ", not an int; use doubleParam(\"" + name + "\")");
        }
        if (n.longValue() < Integer.MIN_VALUE || n.longValue() > Integer.MAX_VALUE || Math.abs(d) > 0x1p53) {
            throw new IllegalArgumentException("trial " + number + ": parameter '" + name + "' is " + n
                    + ", beyond an int's range; use ((Number) params().get(\"" + name + "\")).longValue()");
        }
        return (int) n.longValue();
    }

    /**
     * A parameter as a {@code double}: a float parameter's value, an int parameter's (widened) or a
     * numeric categorical choice.
     *
     * @throws IllegalArgumentException if the trial has no such parameter, or its value is not a number
     */
    public double doubleParam(String name) {
        return numberParam(name).doubleValue();
    }

    private Number numberParam(String name) {
        Object v = params.get(name);
        if (v == null) {
            throw new IllegalArgumentException("trial " + number + " has no parameter '" + name + "'; it has " + params.keySet());
        }
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("trial " + number + ": parameter '" + name + "' is "
                    + (v instanceof String ? "\"" + v + "\"" : v) + " (a " + v.getClass().getSimpleName() + "), not a number");
        }
        return n;
    }

    /** @return start to completion, when both are known */
    public Optional<Duration> duration() {
        if (datetimeStart.isPresent() && datetimeComplete.isPresent()) {
            return Optional.of(Duration.between(datetimeStart.get(), datetimeComplete.get()));
        }
        return Optional.empty();
    }

    /**
     * @return whether this trial retries a failed attempt (a dead worker's trial failed as stale, or
     *     a trial an interruption stopped): it carries {@link SystemAttrs#FAILED_TRIAL}, and it and
     *     the attempt count once in a budget
     */
    public boolean isRetry() {
        return systemAttrs.containsKey(SystemAttrs.FAILED_TRIAL);
    }

    /**
     * The system attributes of a WAITING trial that runs this one again with its parameters (its
     * retry) after its worker died: {@link SystemAttrs#FIXED_PARAMS} (the values it asked for, and those
     * fixed for it that it had not asked for yet), {@link SystemAttrs#FAILED_TRIAL} (the first attempt's
     * number), {@link SystemAttrs#RETRY_HISTORY} (the attempts so far, oldest first, this one last) and,
     * carried over, {@link SystemAttrs#INTERRUPTED_ATTEMPTS}.
     */
    public Map<String, Object> retryAttrs() {
        return retryAttrs(false);
    }

    /**
     * {@link #retryAttrs()}, for this attempt ended by an interruption when {@code interrupted}: it is added to
     * {@link SystemAttrs#INTERRUPTED_ATTEMPTS}, so that it does not use up a retry of the study's policy.
     */
    public Map<String, Object> retryAttrs(boolean interrupted) {
        List<Object> history = new java.util.ArrayList<>();
        if (systemAttrs.get(SystemAttrs.RETRY_HISTORY) instanceof List<?> earlier) {
            history.addAll(earlier);
        }
        history.add((long) number);
        List<Object> stopped = new java.util.ArrayList<>();
        if (systemAttrs.get(SystemAttrs.INTERRUPTED_ATTEMPTS) instanceof List<?> earlier) {
            stopped.addAll(earlier);
        }
        if (interrupted) {
            stopped.add((long) number);
        }
        Map<String, Object> fixed = new java.util.LinkedHashMap<>(params);
        // parameters fixed for this attempt but never asked for before it stopped
        fixedParams().forEach(fixed::putIfAbsent);
        Map<String, Object> attrs = new java.util.LinkedHashMap<>();
        attrs.put(SystemAttrs.FIXED_PARAMS, fixed);
        attrs.put(SystemAttrs.FAILED_TRIAL, history.get(0));
        attrs.put(SystemAttrs.RETRY_HISTORY, history);
        if (!stopped.isEmpty()) {
            attrs.put(SystemAttrs.INTERRUPTED_ATTEMPTS, stopped);
        }
        return attrs;
    }

    /**
     * @return how many retries of the study's policy the chain of attempts that this retry's attributes
     *     ({@link #retryAttrs}) describe has used: its earlier attempts less those an interruption ended
     */
    public static int retriesUsed(Map<String, Object> retryAttrs) {
        int attempts = retryAttrs.get(SystemAttrs.RETRY_HISTORY) instanceof List<?> h ? h.size() : 0;
        int interrupted = retryAttrs.get(SystemAttrs.INTERRUPTED_ATTEMPTS) instanceof List<?> i ? i.size() : 0;
        return attempts - interrupted;
    }

    /**
     * @return the parameter values enqueued for this trial ({@link SystemAttrs#FIXED_PARAMS}: a warm
     *     start, a trial queued with given values, a retry of a dead worker's trial), name → value in
     *     their stored order; the trial uses each when its objective asks for that name. Empty when
     *     none were. A value already asked for is in {@link #params()} too (with its distribution).
     */
    public Map<String, Object> fixedParams() {
        if (!(systemAttrs.get(SystemAttrs.FIXED_PARAMS) instanceof Map<?, ?> m) || m.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> fixed = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> fixed.put(String.valueOf(k), v));
        return Collections.unmodifiableMap(fixed);
    }

    /**
     * @return the values enqueued for this unfinished trial that it has not asked for yet, in their
     *     stored order (empty once it has finished: what it did not ask for, it did not use)
     */
    public Map<String, Object> enqueuedNotAsked() {
        if (state.isFinished()) {
            return Map.of();
        }
        Map<String, Object> fixed = fixedParams();
        if (fixed.isEmpty() || params.keySet().containsAll(fixed.keySet())) {
            return Map.of();
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>(fixed);
        out.keySet().removeAll(params.keySet());
        return Collections.unmodifiableMap(out);
    }

    /**
     * @return the parameters as far as they are known: those asked for, then the {@link
     *     #enqueuedNotAsked} ones (an enqueued trial that waits shows the values it will run with)
     */
    public Map<String, Object> shownParams() {
        Map<String, Object> enqueued = enqueuedNotAsked();
        if (enqueued.isEmpty()) {
            return params;
        }
        Map<String, Object> all = new java.util.LinkedHashMap<>(params);
        all.putAll(enqueued);
        return Collections.unmodifiableMap(all);
    }

    /**
     * @return the value of {@code name} as {@link #shownParams} has it (asked for, or enqueued and not
     *     yet asked for while the trial has not finished), or null; without building that map
     */
    public Object shownParam(String name) {
        Object v = params.get(name);
        return v != null || state.isFinished() ? v : fixedParams().get(name);
    }

    /** @return the largest reported step, if any */
    public OptionalInt lastStep() {
        return intermediateValues.isEmpty() ? OptionalInt.empty() : OptionalInt.of(intermediateValues.lastKey());
    }
}
