package org.nntune.tune.sampler;

import org.nntune.tune.space.Distribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.StudyView;
import org.nntune.tune.trial.TrialChanges;
import org.nntune.tune.trial.TrialState;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * TPE's columnar copy of one study's trials — state, Optuna's ranking score (single objective) or
 * the minimised objective values (several objectives) and the internal value of every parameter
 * (NaN where a trial lacks it) — refreshed from the storage's incremental read, so a refresh costs
 * what changed. Everything here can be rebuilt from the storage; guarded by the sampler's lock.
 *
 * <p>With several objectives only COMPLETE trials are observations (as in Optuna 3.1's MOTPE,
 * which ignores PRUNED and RUNNING trials there).
 */
final class TpeObservations {
    final long studyId;
    private final List<StudyDirection> directions;
    private long cursor;
    int size;
    byte[] state = new byte[64]; // TrialState ordinal, or -1 for unknown numbers
    double[] scoreStep = new double[64];
    double[] scoreValue = new double[64];
    /** several objectives: objectives[k][n] is objective k of trial n, minimised (NaN unless COMPLETE) */
    double[][] objectives;
    final Map<String, double[]> columns = new HashMap<>();
    private boolean[] intersected = new boolean[64];
    /** COMPLETE and PRUNED trials (several objectives: COMPLETE trials) */
    int nFinished;
    /** bumped whenever a state or score changes */
    long version;
    /** the intersection of the finished trials' search spaces (null before the first), by name */
    TreeMap<String, Distribution> intersection;

    TpeObservations(StudyView study) {
        this.studyId = study.studyId();
        this.directions = List.copyOf(study.directions());
        if (directions.size() > 1) {
            objectives = new double[directions.size()][state.length];
            for (double[] o : objectives) {
                Arrays.fill(o, Double.NaN);
            }
        }
        Arrays.fill(state, (byte) -1);
    }

    /** @return the number of objectives */
    int nObjectives() {
        return directions.size();
    }

    void refresh(StudyView study) {
        TrialChanges changes = study.trialsChangedSince(cursor);
        for (FrozenTrial t : changes.trials()) {
            update(t);
        }
        cursor = changes.cursor();
    }

    private void grow(int n) {
        if (n <= state.length) {
            return;
        }
        int cap = Math.max(n, state.length * 2);
        int old = state.length;
        state = Arrays.copyOf(state, cap);
        Arrays.fill(state, old, cap, (byte) -1);
        scoreStep = Arrays.copyOf(scoreStep, cap);
        scoreValue = Arrays.copyOf(scoreValue, cap);
        intersected = Arrays.copyOf(intersected, cap);
        if (objectives != null) {
            for (int k = 0; k < objectives.length; k++) {
                objectives[k] = Arrays.copyOf(objectives[k], cap);
                Arrays.fill(objectives[k], old, cap, Double.NaN);
            }
        }
        for (Map.Entry<String, double[]> e : columns.entrySet()) {
            double[] c = Arrays.copyOf(e.getValue(), cap);
            Arrays.fill(c, old, cap, Double.NaN);
            e.setValue(c);
        }
    }

    private void update(FrozenTrial t) {
        int n = t.number();
        grow(n + 1);
        size = Math.max(size, n + 1);
        TrialState s = t.state();
        double step;
        double value;
        double sign = directions.get(0) == StudyDirection.MINIMIZE ? 1 : -1;
        boolean several = objectives != null;
        // if/else on the state, not a switch: an enum switch loads a synthetic switch-map class
        // (and NoSuchFieldError) in the first trial
        if (s == TrialState.COMPLETE) {
            step = Double.NEGATIVE_INFINITY;
            value = several ? 0 : sign * t.value();
            if (several) {
                for (int k = 0; k < objectives.length; k++) {
                    double v = directions.get(k).toMinimized(t.values().get(k));
                    if (Double.compare(v, objectives[k][n]) != 0) {
                        version++;
                    }
                    objectives[k][n] = v;
                }
            }
        } else if (s == TrialState.PRUNED) {
            if (t.intermediateValues().isEmpty()) {
                step = 1;
                value = 0;
            } else {
                Map.Entry<Integer, Double> last = t.intermediateValues().lastEntry();
                step = -last.getKey();
                value = Double.isNaN(last.getValue()) ? Double.POSITIVE_INFINITY : sign * last.getValue();
            }
        } else if (s == TrialState.RUNNING) {
            step = Double.POSITIVE_INFINITY;
            value = Double.POSITIVE_INFINITY;
        } else {
            step = Double.NaN;
            value = Double.NaN;
        }
        byte before = state[n];
        boolean wasFinished = before == TrialState.COMPLETE.ordinal()
                || (!several && before == TrialState.PRUNED.ordinal());
        boolean finished = s == TrialState.COMPLETE || (!several && s == TrialState.PRUNED);
        if (before != s.ordinal() || Double.compare(step, scoreStep[n]) != 0 || Double.compare(value, scoreValue[n]) != 0) {
            version++;
        }
        state[n] = (byte) s.ordinal();
        scoreStep[n] = step;
        scoreValue[n] = value;
        if (finished && !wasFinished) {
            nFinished++;
        }
        for (Map.Entry<String, Object> p : t.params().entrySet()) {
            double[] col = columns.get(p.getKey());
            if (col == null) {
                col = new double[state.length];
                Arrays.fill(col, Double.NaN);
                columns.put(p.getKey(), col);
            }
            col[n] = t.distributions().get(p.getKey()).toInternal(p.getValue());
        }
        if ((s == TrialState.COMPLETE || s == TrialState.PRUNED) && !intersected[n]) {
            intersected[n] = true;
            if (intersection == null) {
                intersection = new TreeMap<>(t.distributions());
            } else {
                Map<String, Distribution> own = t.distributions();
                // a plain loop, not removeIf with a lambda: no lambda spun inside the first trials
                for (java.util.Iterator<Map.Entry<String, Distribution>> it = intersection.entrySet().iterator();
                        it.hasNext(); ) {
                    Map.Entry<String, Distribution> e = it.next();
                    if (!e.getValue().equals(own.get(e.getKey()))) {
                        it.remove();
                    }
                }
            }
        }
    }

    /**
     * Whether trial n is an observation: COMPLETE or PRUNED, or RUNNING under the constant liar; with
     * several objectives, COMPLETE only.
     */
    boolean observed(int n, boolean liar) {
        byte s = state[n];
        if (objectives != null) {
            return s == TrialState.COMPLETE.ordinal();
        }
        return s == TrialState.COMPLETE.ordinal() || s == TrialState.PRUNED.ordinal()
                || (liar && s == TrialState.RUNNING.ordinal());
    }

    /** Optuna's ordering of observations: by (step key, value), ties by trial number. */
    boolean better(int a, int b) {
        int c = Double.compare(scoreStep[a], scoreStep[b]);
        if (c != 0) {
            return c < 0;
        }
        c = Double.compare(scoreValue[a], scoreValue[b]);
        return c != 0 ? c < 0 : a < b;
    }

    /** @return the column of a parameter (NaN where missing), or null if no trial has it */
    double[] column(String name) {
        return columns.get(name);
    }
}
