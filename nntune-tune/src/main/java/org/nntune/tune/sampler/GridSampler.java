package org.nntune.tune.sampler;

import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.Json;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyView;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Exhaustive search over a declarative grid ({@code name → list of values}): every combination
 * gets exactly one COMPLETE or PRUNED trial, even with parallel workers, several processes and
 * failed trials (which are retried), and the study ends when the grid is exhausted.
 *
 * <p>Coordination goes through the storage: grid point {@code p} belongs to the trial whose id is
 * in the study system attribute {@code grid:p}, taken with
 * {@link org.nntune.tune.storage.Storage#compareAndSetStudySystemAttr compare-and-set}; a point
 * whose holder FAILed is free again. The trial records its point in the system attribute
 * {@code grid_id}. The objective asks for the grid's parameters with any distribution that contains
 * the grid values (e.g. {@code suggestFloat("x", -5, 5)} for a grid {@code x: [-5, 0, 5]}).
 * Points are visited in an order shuffled by the seed.
 */
public final class GridSampler implements Sampler {
    /** trial system attribute: the grid point of the trial */
    public static final String GRID_ID_ATTR = SystemAttrs.GRID_ID;
    private static final String CLAIM_PREFIX = SystemAttrs.GRID_CLAIM_PREFIX;
    /** The most points a grid may have (its visiting order is one int per point). */
    public static final int MAX_POINTS = 10_000_000;
    /** The most values one stepped range is turned into ({@link #values}). */
    public static final int MAX_RANGE_POINTS = 1_000_000;

    private final List<String> names;
    private final List<List<Object>> values;
    private final int size;
    private volatile int[] order;

    /**
     * @param grid parameter name → its values (numbers, strings, booleans), in the order wanted
     * @throws IllegalArgumentException if the grid is empty, a list is empty or holds another type
     */
    public GridSampler(Map<String, ? extends List<?>> grid) {
        if (grid.isEmpty()) {
            throw new IllegalArgumentException("grid: at least one parameter is needed");
        }
        names = List.copyOf(grid.keySet());
        List<List<Object>> vs = new ArrayList<>();
        long total = 1;
        for (Map.Entry<String, ? extends List<?>> e : grid.entrySet()) {
            if (e.getValue().isEmpty()) {
                throw new IllegalArgumentException("grid: parameter '" + e.getKey() + "' has no values");
            }
            List<Object> normal = new ArrayList<>();
            for (int i = 0; i < e.getValue().size(); i++) {
                Object v = e.getValue().get(i);
                if (!Json.isValue(v) || v instanceof List || v instanceof Map) {
                    throw new IllegalArgumentException("grid: value #" + i + " of '" + e.getKey() + "' is " + v
                            + "; grid values are numbers, strings or booleans");
                }
                normal.add(Json.normalize(v));
            }
            vs.add(List.copyOf(normal));
            total *= normal.size();
            if (total > MAX_POINTS) {
                throw new IllegalArgumentException("grid: more than " + String.format(java.util.Locale.ROOT, "%,d", MAX_POINTS)
                        + " points; use a sampler instead");
            }
        }
        values = List.copyOf(vs);
        size = (int) total;
        reseed(new SplittableRandom().nextLong());
    }

    /**
     * The values of a stepped range as a grid lists them: {@code low, low + step, …} up to {@code high}.
     * The number of points is computed first, so a tiny step is refused without allocating anything.
     *
     * @param integer whether the values are whole numbers (then {@link Long}s, else {@link Double}s)
     * @throws IllegalArgumentException if the range would have more than {@link #MAX_RANGE_POINTS} points,
     *     saying how many and what to do
     */
    public static List<Object> values(double low, double high, double step, boolean integer) {
        if (!(step > 0) || !Double.isFinite(step) || !(high >= low)) {
            throw new IllegalArgumentException("a stepped range needs low <= high and a finite step > 0, got ["
                    + low + ", " + high + "] with step " + step);
        }
        double count = Math.floor((high - low) / step + 1e-9) + 1;
        if (!(count <= MAX_RANGE_POINTS)) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "step %s makes %.3g points in [%s, %s], more than the %,d a stepped range may have;"
                            + " use a larger step, or no step for a continuous range", step, count, low, high, MAX_RANGE_POINTS));
        }
        List<Object> points = new ArrayList<>((int) count);
        for (long i = 0; i < (long) count; i++) {
            double v = low + i * step;
            points.add(integer ? (Object) Math.round(v) : (Object) v);
        }
        return points;
    }

    /** @return the number of grid points */
    public int size() {
        return size;
    }

    /** @return the parameter values of grid point {@code id}, in the grid's parameter order */
    public Map<String, Object> point(int id) {
        if (id < 0 || id >= size) {
            throw new IllegalArgumentException("grid point " + id + " is outside 0.." + (size - 1));
        }
        Map<String, Object> p = new LinkedHashMap<>();
        int rest = id;
        for (int k = names.size() - 1; k >= 0; k--) {
            int n = values.get(k).size();
            p.put(names.get(k), values.get(k).get(rest % n));
            rest /= n;
        }
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (String name : names) {
            ordered.put(name, p.get(name));
        }
        return ordered;
    }

    @Override
    public void reseed(long seed) {
        int[] o = new int[size];
        for (int i = 0; i < size; i++) {
            o[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = size - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        order = o;
    }

    private enum PointState { FREE, HELD, DONE }

    /** The state of every point, and the holder ids, from the study's attributes and trials. */
    private PointState[] states(StudyView study, Map<Integer, Object> holders) {
        Map<String, Object> attrs = study.systemAttrs();
        Map<Long, TrialState> trialStates = new HashMap<>();
        for (FrozenTrial t : study.trials()) {
            trialStates.put(t.trialId(), t.state());
        }
        PointState[] s = new PointState[size];
        for (int p = 0; p < size; p++) {
            Object holder = attrs.get(CLAIM_PREFIX + p);
            holders.put(p, holder);
            TrialState ts = holder instanceof Long id ? trialStates.get(id) : null;
            if (ts == null || ts == TrialState.FAIL) {
                s[p] = PointState.FREE;
            } else if (ts == TrialState.COMPLETE || ts == TrialState.PRUNED) {
                s[p] = PointState.DONE;
            } else {
                s[p] = PointState.HELD;
            }
        }
        return s;
    }

    /**
     * @return how many points are done: held by a COMPLETE or PRUNED trial (a point whose trial
     *     FAILed is free again, and runs again)
     */
    public int donePoints(StudyView study) {
        int n = 0;
        for (PointState p : states(study, new HashMap<>())) {
            if (p == PointState.DONE) {
                n++;
            }
        }
        return n;
    }

    @Override
    public Readiness readiness(StudyView study) {
        PointState[] s = states(study, new HashMap<>());
        boolean held = false;
        for (PointState p : s) {
            if (p == PointState.FREE) {
                return Readiness.READY;
            }
            held |= p == PointState.HELD;
        }
        return held ? Readiness.WAIT : Readiness.EXHAUSTED;
    }

    @Override
    public void beforeTrial(StudyView study, FrozenTrial trial) {
        Map<Integer, Object> holders = new HashMap<>();
        PointState[] s = states(study, holders);
        for (int p : order) {
            if (s[p] != PointState.FREE) {
                continue;
            }
            Optional<Object> expected = Optional.ofNullable(holders.get(p));
            if (study.compareAndSetSystemAttr(CLAIM_PREFIX + p, expected,
                    trial.trialId())) {
                study.setTrialSystemAttr(trial.trialId(), GRID_ID_ATTR, p);
                return;
            }
        }
        throw new NoCandidateException("no grid point was free when trial " + trial.number()
                + " started: other workers took the last ones");
    }

    @Override
    public double sampleIndependent(StudyView study, FrozenTrial trial, String name, Distribution distribution) {
        if (!(trial.systemAttrs().get(GRID_ID_ATTR) instanceof Long id)) {
            throw new IllegalStateException("trial " + trial.number() + " has no grid point; the grid sampler "
                    + "only serves trials it started (beforeTrial)");
        }
        int k = names.indexOf(name);
        if (k < 0) {
            throw new IllegalArgumentException("parameter '" + name + "' is not in the grid; the grid has " + names);
        }
        Object v = point(id.intValue()).get(name);
        if (!distribution.contains(v)) {
            throw new IllegalArgumentException("grid value " + v + " of '" + name + "' is not in " + distribution
                    + " asked by the objective");
        }
        return distribution.toInternal(v);
    }

    /** @return the grid's parameter names */
    public List<String> names() {
        return Collections.unmodifiableList(names);
    }
}
