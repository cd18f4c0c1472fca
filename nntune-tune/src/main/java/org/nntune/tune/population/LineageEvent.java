package org.nntune.tune.population;

import java.util.Map;

/**
 * One exploit and explore step: after round {@code round - 1}, {@code member} took the checkpoint of
 * {@code donor} and changed its hyperparameters.
 *
 * @param round the round that starts from the copied checkpoint
 * @param member the member that copied (a bottom-quantile member)
 * @param donor the member it copied (a top-quantile member)
 * @param changes hyperparameter → (donor's value, new value), every hyperparameter of the space
 */
public record LineageEvent(int round, int member, int donor, Map<String, Change> changes) {
    /** Copies {@code changes}, unmodifiable. */
    public LineageEvent {
        changes = Map.copyOf(changes);
    }

    /** A hyperparameter's value before and after explore (external values). */
    public record Change(Object from, Object to) {}
}
