package org.nntune.tune.study;

import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;

import java.util.Optional;

/** What came of writing a trial's outcome: this call finished it, or it had been finished already. */
sealed interface Finish {

    /**
     * This call finished the trial.
     *
     * @param handedBack the trial as stored, when the storage had it at hand for free
     */
    record Done(long trialId, Optional<FrozenTrial> handedBack) implements Finish {
        /** @return the trial as stored, read from {@code storage} if it was not handed back */
        FrozenTrial trial(Storage storage) {
            return handedBack.orElseGet(() -> storage.getTrial(trialId));
        }
    }

    /** The trial had been finished before (by an interruption, or failed as stale by another worker). */
    record AlreadyFinished() implements Finish {}
}
