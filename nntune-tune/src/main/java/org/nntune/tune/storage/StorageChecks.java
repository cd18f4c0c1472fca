package org.nntune.tune.storage;

import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.util.List;
import java.util.Optional;

/**
 * The argument checks every {@link Storage} makes before finishing or importing a trial, shared so
 * that all backends reject the same things with the same messages.
 */
public final class StorageChecks {
    private StorageChecks() {}

    /**
     * Checks the arguments of {@link Storage#finishTrial}.
     *
     * @throws IllegalArgumentException if they do not fit the contract
     */
    public static void checkFinish(String study, int number, int objectives, TrialState state, List<Double> values,
                                   Optional<String> failureReason) {
        check(study, number, objectives, state, values, failureReason, false);
    }

    /**
     * The checks of a finished trial; {@code infinities}: whether a COMPLETE value may be infinite (a trial
     * imported from another storage: Optuna stores {@code tell(trial, float("inf"))} as it is), never NaN.
     */
    private static void check(String study, int number, int objectives, TrialState state, List<Double> values,
                              Optional<String> failureReason, boolean infinities) {
        if (!state.isFinished()) {
            throw new IllegalArgumentException(where(study, number) + ": cannot finish with state " + state
                    + "; allowed: COMPLETE, PRUNED, FAIL");
        }
        if (state == TrialState.COMPLETE && values.size() != objectives) {
            throw new IllegalArgumentException(where(study, number) + ": COMPLETE needs " + objectives + " value(s), got " + values);
        }
        if (values.size() > objectives) {
            throw new IllegalArgumentException(where(study, number) + ": " + values.size() + " values for " + objectives + " objective(s)");
        }
        if (state == TrialState.COMPLETE) {
            for (int i = 0; i < values.size(); i++) {
                double v = values.get(i);
                if (infinities ? Double.isNaN(v) : !Double.isFinite(v)) {
                    throw new IllegalArgumentException(where(study, number) + ": COMPLETE values must be "
                            + (infinities ? "numbers (or infinite), not NaN" : "finite") + ", got " + values);
                }
            }
        }
        if (failureReason.isPresent() && state != TrialState.FAIL) {
            throw new IllegalArgumentException(where(study, number) + ": only a FAIL trial has a failure reason, this one is " + state);
        }
    }

    private static String where(String study, int number) {
        return number < 0 ? "a new trial of study '" + study + "'" : "trial " + number + " of study '" + study + "'";
    }

    /**
     * Checks a template for {@link Storage#createTrial(long, FrozenTrial)}. A COMPLETE template's values may be
     * infinite (Optuna stores {@code tell(trial, float("inf"))}, and a copy takes it as it is), never NaN.
     *
     * @throws IllegalArgumentException if it does not fit the contract
     */
    public static void checkTemplate(String study, int objectives, FrozenTrial template) {
        checkTemplate(study, -1, objectives, template);
    }

    /**
     * {@link #checkTemplate(String, int, FrozenTrial)} for a trial that has the number {@code number} where it
     * comes from (a copy's source), so that a message names the trial the user can find.
     *
     * @throws IllegalArgumentException if it does not fit the contract
     */
    public static void checkTemplate(String study, int number, int objectives, FrozenTrial template) {
        TrialState state = template.state();
        if (state.isFinished()) {
            check(study, number, objectives, state, template.values(),
                    state == TrialState.FAIL ? Optional.empty() : template.failureReason(), true);
        } else if (!template.values().isEmpty()) {
            throw new IllegalArgumentException(where(study, number) + ": a " + state + " trial cannot have values "
                    + template.values());
        }
        if (state == TrialState.WAITING && template.datetimeStart().isPresent()) {
            throw new IllegalArgumentException(where(study, number) + ": a WAITING trial has not started, so it cannot have"
                    + " a start time (" + template.datetimeStart().get() + ")");
        }
        if (template.datetimeComplete().isPresent()) {
            if (!state.isFinished()) {
                throw new IllegalArgumentException(where(study, number) + ": a " + state + " trial has not finished, so it"
                        + " cannot have a completion time (" + template.datetimeComplete().get() + ")");
            }
            if (template.datetimeStart().isEmpty()) {
                throw new IllegalArgumentException(where(study, number) + ": a completion time ("
                        + template.datetimeComplete().get() + ") needs a start time too");
            }
        }
    }
}
