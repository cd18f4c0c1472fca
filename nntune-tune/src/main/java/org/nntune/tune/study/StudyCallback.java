package org.nntune.tune.study;

import org.nntune.tune.trial.FrozenTrial;

/**
 * Called by {@code optimize} after each trial finished and was stored, on the worker thread that
 * ran it (so possibly concurrently when {@code nJobs > 1}). May call {@link Study#stop()}.
 */
@FunctionalInterface
public interface StudyCallback {
    /** @param trial the finished trial as stored */
    void afterTrial(Study study, FrozenTrial trial);
}
