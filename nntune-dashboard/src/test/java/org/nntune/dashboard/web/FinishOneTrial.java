package org.nntune.dashboard.web;

import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.util.SplittableRandom;

/**
 * A worker in its own process: opens the storage by URL, runs one trial of a study to COMPLETE
 * and prints the trial's number and the wall-clock time (epoch ms) right after it was written.
 * Usage: {@code FinishOneTrial URL STUDY SEED}.
 */
public final class FinishOneTrial {
    private FinishOneTrial() {}

    public static void main(String[] args) {
        try (Storage storage = Storages.open(args[0])) {
            long id = storage.getStudyId(args[1]);
            FrozenTrial t = Fixtures.finishOne(storage, id, new SplittableRandom(Long.parseLong(args[2])), TrialState.COMPLETE);
            System.out.println("finished " + t.number() + " at " + System.currentTimeMillis());
        }
    }
}
