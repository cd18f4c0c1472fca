package org.nntune.tune.study;

import java.util.List;

/**
 * What an interruption of a study's run ({@link Study#interrupt}, Ctrl-C or SIGTERM's shutdown hook) recorded,
 * as {@link Study#awaitInterruptionRecorded} finds it: whether the recording of the trials in flight (each failed,
 * and queued again with its parameters in a study that retries) has ended, and what it could not record.
 *
 * @param finished whether the recording ended within the patience given (false: it still runs, e.g. on a
 *     database that does not answer)
 * @param problems what could not be recorded, one sentence each (a trial that stays RUNNING, a retry not queued);
 *     empty when everything was
 */
public record InterruptionOutcome(boolean finished, List<String> problems) {

    /** Copies the problems unmodifiable. */
    public InterruptionOutcome {
        problems = List.copyOf(problems);
    }

    /** @return whether every trial in flight was recorded (and queued again where the study retries) */
    public boolean complete() {
        return finished && problems.isEmpty();
    }
}
