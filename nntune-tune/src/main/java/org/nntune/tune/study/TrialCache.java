package org.nntune.tune.study;

import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialChanges;
import org.nntune.tune.trial.TrialState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * A reader's copy of a study's trials, refreshed with {@link Storage#getTrialsChangedSince} so that
 * each refresh costs what changed, not the whole study. Thread-safe.
 */
final class TrialCache {
    private final Storage storage;
    private final long studyId;
    private FrozenTrial[] trials = new FrozenTrial[16];
    private int size;
    private long cursor;

    TrialCache(Storage storage, long studyId) {
        this.storage = storage;
        this.studyId = studyId;
    }

    /** Pulls the changes from the storage. */
    synchronized void refresh() {
        TrialChanges changes = storage.getTrialsChangedSince(studyId, cursor);
        for (FrozenTrial t : changes.trials()) {
            int n = t.number();
            if (n >= trials.length) {
                trials = Arrays.copyOf(trials, Math.max(n + 1, trials.length * 2));
            }
            trials[n] = t;
            size = Math.max(size, n + 1);
        }
        cursor = changes.cursor();
    }

    /** @return the trials in the given states, by number, after a refresh */
    synchronized List<FrozenTrial> trials(Set<TrialState> states) {
        refresh();
        List<FrozenTrial> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            FrozenTrial t = trials[i];
            if (t != null && states.contains(t.state())) {
                out.add(t);
            }
        }
        return Collections.unmodifiableList(out);
    }
}
