package org.nntune.tune.trial;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Constraint values of trials, kept in the system attribute {@value #ATTR} (a list of numbers, one
 * per constraint; a trial is feasible when every value is {@code <= 0}; a trial without the
 * attribute counts as feasible). Samplers with a {@link ConstraintsFunction} write it in
 * {@code Sampler.afterTrial} through {@link #evaluateAndStore}; everything that picks a "best" trial
 * must skip infeasible ones ({@link #bestTrial}).
 */
public final class Constraints {
    /** The trial system attribute holding the constraint values. */
    public static final String ATTR = SystemAttrs.CONSTRAINTS;

    private Constraints() {}

    /**
     * Evaluates {@code fn} on the trial about to finish and stores the values in {@value #ATTR}.
     * Only COMPLETE and PRUNED trials are evaluated.
     *
     * @throws IllegalArgumentException if the function returns a non-finite value
     */
    public static void evaluateAndStore(ConstraintsFunction fn, StudyView study, FrozenTrial trial, TrialState state,
                                        List<Double> values) {
        if (state != TrialState.COMPLETE && state != TrialState.PRUNED) {
            return;
        }
        FrozenTrial finished = new FrozenTrial(trial.number(), trial.trialId(), state, values, trial.params(),
                trial.distributions(), trial.userAttrs(), trial.systemAttrs(), trial.intermediateValues(),
                trial.datetimeStart(), trial.datetimeComplete(), trial.failureReason());
        double[] c = fn.evaluate(finished);
        List<Double> list = new ArrayList<>(c.length);
        for (int i = 0; i < c.length; i++) {
            if (!Double.isFinite(c[i])) {
                throw new IllegalArgumentException("constraints function returned " + c[i] + " for constraint #" + i
                        + " of trial " + trial.number() + "; constraint values must be finite (<= 0 means satisfied)");
            }
            list.add(c[i]);
        }
        study.setTrialSystemAttr(trial.trialId(), ATTR, list);
    }

    /** @return the trial's constraint values, if it has any */
    public static Optional<double[]> values(FrozenTrial trial) {
        Object v = trial.systemAttrs().get(ATTR);
        if (!(v instanceof List<?> list)) {
            return Optional.empty();
        }
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).doubleValue();
        }
        return Optional.of(out);
    }

    /** @return the sum of the positive constraint values (0 for a feasible trial) */
    public static double violation(FrozenTrial trial) {
        double s = 0;
        for (double c : values(trial).orElse(new double[0])) {
            s += Math.max(0, c);
        }
        return s;
    }

    /** @return whether every constraint of the trial is satisfied (true when it has none) */
    public static boolean isFeasible(FrozenTrial trial) {
        return violation(trial) == 0;
    }

    /**
     * The best feasible COMPLETE trial of a single-objective study (lowest number among ties):
     * what {@code Study.findBestTrial} returns when the study has constraints.
     */
    public static Optional<FrozenTrial> bestTrial(List<FrozenTrial> trials, StudyDirection direction) {
        return trials.stream()
                .filter(t -> t.state() == TrialState.COMPLETE && t.values().size() == 1 && isFeasible(t))
                .min(Comparator.comparingDouble((FrozenTrial t) -> direction.toMinimized(t.value()))
                        .thenComparingInt(FrozenTrial::number));
    }
}
