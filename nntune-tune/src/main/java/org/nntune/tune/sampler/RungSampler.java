package org.nntune.tune.sampler;

import org.nntune.tune.space.Distribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.StudyView;
import org.nntune.tune.trial.TrialChanges;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The model half of BOHB (Falkner et al. 2018) around any sampler: under a multi-fidelity pruner
 * (successive halving, Hyperband) most trials stop early, at different steps, and their values are
 * not comparable. This sampler shows the inner one (TPE, GP…) every trial as it stood at one step,
 * the <b>rung</b>: the highest step that at least {@code minObservations} trials reached. A trial
 * with a value at the rung is a COMPLETE observation with that value, whatever happened later; a
 * trial that stopped before the rung is a PRUNED one with its last value (TPE ranks it below every
 * rung observation); a RUNNING trial that has not reached it stays RUNNING. Before any step has
 * enough observations the inner sampler sees the study as it is.
 *
 * <p>Nothing is kept that the storage cannot rebuild: the rung is computed from the trials each
 * time the inner sampler looks.
 */
public final class RungSampler implements Sampler {
    private final Sampler inner;
    private final int minObservations;
    /** view cursor → {the storage's cursor, the rung it was served at} */
    private final Map<Long, long[]> cursors = new ConcurrentHashMap<>();
    private final AtomicLong nextCursor = new AtomicLong(1);

    /**
     * @param inner           the sampler that proposes configurations
     * @param minObservations the trials a step needs to be the rung; 0: the number of searched
     *                        parameters + 1 (BOHB's N_min), at least 2
     */
    public RungSampler(Sampler inner, int minObservations) {
        this.inner = Objects.requireNonNull(inner, "inner");
        if (minObservations < 0) {
            throw new IllegalArgumentException("minObservations must be >= 0 (0: auto), got " + minObservations);
        }
        this.minObservations = minObservations;
    }

    /** BOHB's rule: a rung needs one more observation than there are searched parameters. */
    public RungSampler(Sampler inner) {
        this(inner, 0);
    }

    /** @return the sampler that proposes the configurations */
    public Sampler inner() {
        return inner;
    }

    /**
     * The step the inner sampler is fitted on, or -1 when no step has enough observations yet.
     */
    public int rung(List<FrozenTrial> trials) {
        int params = 0;
        TreeMap<Integer, Integer> reached = new TreeMap<>();
        for (FrozenTrial t : trials) {
            if (t.state() == TrialState.FAIL || t.state() == TrialState.WAITING) {
                continue;
            }
            params = Math.max(params, t.params().size());
            for (Integer step : t.intermediateValues().keySet()) {
                reached.merge(step, 1, Integer::sum);
            }
        }
        int needed = minObservations > 0 ? minObservations : Math.max(2, params + 1);
        // trials report every step, so a step's count includes every trial that went further
        for (Map.Entry<Integer, Integer> e : reached.descendingMap().entrySet()) {
            if (e.getValue() >= needed) {
                return e.getKey();
            }
        }
        return -1;
    }

    /** A trial as the inner sampler sees it when fitted on {@code rung} (-1: unchanged). */
    static FrozenTrial atRung(FrozenTrial t, int rung) {
        if (rung < 0 || t.state() == TrialState.FAIL || t.state() == TrialState.WAITING) {
            return t;
        }
        NavigableMap<Integer, Double> iv = t.intermediateValues();
        Double v = iv.get(rung);
        if (v != null && !v.isNaN()) {
            return copy(t, TrialState.COMPLETE, List.of(v));
        }
        if (t.state() == TrialState.RUNNING || iv.isEmpty()) {
            return t;
        }
        // stopped before the rung (pruned, or complete at fewer steps): ranked by how far it got
        return copy(t, TrialState.PRUNED, List.of(iv.lastEntry().getValue()));
    }

    private static FrozenTrial copy(FrozenTrial t, TrialState state, List<Double> values) {
        if (state == t.state() && values.equals(t.values())) {
            return t;
        }
        return new FrozenTrial(t.number(), t.trialId(), state, values, t.params(), t.distributions(), t.userAttrs(),
                t.systemAttrs(), t.intermediateValues(), t.datetimeStart(), t.datetimeComplete(), t.failureReason());
    }

    /** The study as the inner sampler sees it. */
    private final class View implements StudyView {
        private final StudyView base;

        View(StudyView base) {
            this.base = base;
        }

        private int rung() {
            return RungSampler.this.rung(base.trials());
        }

        @Override
        public String name() {
            return base.name();
        }

        @Override
        public long studyId() {
            return base.studyId();
        }

        @Override
        public List<StudyDirection> directions() {
            return base.directions();
        }

        @Override
        public List<FrozenTrial> trials(Set<TrialState> states) {
            List<FrozenTrial> all = base.trials();
            int rung = RungSampler.this.rung(all);
            List<FrozenTrial> out = new ArrayList<>();
            for (FrozenTrial t : all) {
                FrozenTrial seen = atRung(t, rung);
                if (states.contains(seen.state())) {
                    out.add(seen);
                }
            }
            return out;
        }

        @Override
        public FrozenTrial trial(long trialId) {
            return atRung(base.trial(trialId), rung());
        }

        @Override
        public TrialChanges trialsChangedSince(long cursor) {
            int rung = rung();
            long[] before = cursor == 0 ? null : cursors.remove(cursor);
            // a new rung changes every trial: serve them all again
            TrialChanges changes = before != null && before[1] == rung ? base.trialsChangedSince(before[0])
                    : base.trialsChangedSince(0);
            List<FrozenTrial> seen = new ArrayList<>(changes.trials().size());
            for (FrozenTrial t : changes.trials()) {
                seen.add(atRung(t, rung));
            }
            long id = nextCursor.getAndIncrement();
            cursors.put(id, new long[] {changes.cursor(), rung});
            return new TrialChanges(seen, id);
        }

        @Override
        public Map<String, Object> systemAttrs() {
            return base.systemAttrs();
        }

        @Override
        public void setTrialSystemAttr(long trialId, String key, Object value) {
            base.setTrialSystemAttr(trialId, key, value);
        }

        @Override
        public boolean compareAndSetSystemAttr(String key, Optional<Object> expected, Object value) {
            return base.compareAndSetSystemAttr(key, expected, value);
        }
    }

    private View view(StudyView study) {
        return new View(study);
    }

    @Override
    public Map<String, Distribution> inferRelativeSearchSpace(StudyView study, FrozenTrial trial) {
        return inner.inferRelativeSearchSpace(view(study), trial);
    }

    @Override
    public Map<String, Double> sampleRelative(StudyView study, FrozenTrial trial, Map<String, Distribution> searchSpace) {
        return inner.sampleRelative(view(study), trial, searchSpace);
    }

    @Override
    public double sampleIndependent(StudyView study, FrozenTrial trial, String name, Distribution distribution) {
        return inner.sampleIndependent(view(study), trial, name, distribution);
    }

    @Override
    public Readiness readiness(StudyView study) {
        return inner.readiness(view(study));
    }

    @Override
    public void beforeTrial(StudyView study, FrozenTrial trial) {
        inner.beforeTrial(view(study), trial);
    }

    @Override
    public void afterTrial(StudyView study, FrozenTrial trial, TrialState state, List<Double> values) {
        inner.afterTrial(view(study), trial, state, values);
    }

    @Override
    public void reseed(long seed) {
        inner.reseed(seed);
    }

    @Override
    public String toString() {
        return "RungSampler(" + inner + (minObservations > 0 ? ", minObservations=" + minObservations : "") + ")";
    }
}
