package org.nntune.tune.trial;

import java.util.List;

/**
 * The answer of {@code Storage.getTrialsChangedSince}: trials created or changed after a cursor,
 * ordered by number, and the cursor to ask with next time.
 *
 * @param trials the changed trials, in their current state
 * @param cursor the cursor covering these changes
 */
public record TrialChanges(List<FrozenTrial> trials, long cursor) {
    /** Copies the list unmodifiable. */
    public TrialChanges {
        trials = List.copyOf(trials);
    }
}
