package org.nntune.tune.population;

import java.util.Map;

/**
 * One piece of a hyperparameter schedule: from {@code fromEpoch} (0-based) on, train with these
 * hyperparameters until the next step. A member's schedule follows its ancestry, so replaying it on
 * a fresh model retraces the member's whole history.
 *
 * @param fromEpoch the first epoch of the step
 * @param epochs how many epochs the step lasts
 * @param params the hyperparameters (external values)
 */
public record ScheduleStep(int fromEpoch, int epochs, Map<String, Object> params) {
    /** Copies {@code params}, unmodifiable, in their order. */
    public ScheduleStep {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }
}
