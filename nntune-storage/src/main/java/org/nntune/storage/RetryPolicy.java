package org.nntune.storage;

import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.SystemAttrs;

import java.util.Map;
import java.util.Optional;

/**
 * Whether a study retries trials whose worker died: stored in the study's system attribute
 * {@value #ATTR} as {@code {"max_retries": N}}, so every worker and every storage object sees the
 * same policy. {@link JdbcStorage#failStaleTrials} applies it in the transaction that fails the stale
 * trial: it queues a WAITING trial whose system attributes fix the same parameters
 * ({@value #FIXED_PARAMS}, which the study uses when the trial is claimed), name the original trial
 * ({@value #FAILED_TRIAL}) and list the chain of attempts ({@value #RETRY_HISTORY}), as Optuna's
 * {@code RetryFailedTrialCallback} does. A trial is retried at most {@code maxRetries} times after its worker
 * died; retries of attempts an interruption ended are not counted.
 *
 * @param maxRetries how many times one original trial may be retried, at least 1
 */
public record RetryPolicy(int maxRetries) {
    /** The study system attribute holding the policy. */
    public static final String ATTR = SystemAttrs.RETRY_POLICY;
    /** The system attribute of an enqueued trial holding its fixed parameters (the tuner's convention). */
    public static final String FIXED_PARAMS = SystemAttrs.FIXED_PARAMS;
    /** The system attribute naming the number of the first trial of a retry chain. */
    public static final String FAILED_TRIAL = SystemAttrs.FAILED_TRIAL;
    /** The system attribute listing the numbers of the earlier attempts, oldest first. */
    public static final String RETRY_HISTORY = SystemAttrs.RETRY_HISTORY;

    /** Checks the count. */
    public RetryPolicy {
        if (maxRetries < 1) {
            throw new IllegalArgumentException("maxRetries must be at least 1, got " + maxRetries
                    + " (to retry nothing, do not store a policy)");
        }
    }

    /** Stores this policy in the study. */
    public void storeIn(Storage storage, long studyId) {
        storage.setStudySystemAttr(studyId, ATTR, Map.of("max_retries", (long) maxRetries));
    }

    /** @return the policy stored in the study, if any */
    public static Optional<RetryPolicy> of(Storage storage, long studyId) {
        return fromAttrs(storage.getStudySystemAttrs(studyId));
    }

    /**
     * @return the policy in a study's system attributes
     * @throws IllegalArgumentException if the attribute is there but malformed
     */
    static Optional<RetryPolicy> fromAttrs(Map<String, Object> systemAttrs) {
        Object v = systemAttrs.get(ATTR);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Map<?, ?> m && m.get("max_retries") instanceof Long n && n >= 1 && n <= Integer.MAX_VALUE) {
            return Optional.of(new RetryPolicy(n.intValue()));
        }
        throw new IllegalArgumentException("study system attribute '" + ATTR + "' must be {\"max_retries\": N} with N >= 1, got " + v);
    }

    /**
     * @return the system attributes of the retry of {@code failed} (a stale trial: its worker died), or empty if its
     *     chain has used up its retries. Attempts an interruption ended ({@link SystemAttrs#INTERRUPTED_ATTEMPTS}) use
     *     none: a trial interrupted once and then killed is queued again under {@code max_retries: 1}, and the chain
     *     still ends, since every attempt that died counts
     */
    Optional<Map<String, Object>> retryAttrs(FrozenTrial failed) {
        Map<String, Object> attrs = failed.retryAttrs(false);
        if (FrozenTrial.retriesUsed(attrs) > maxRetries) {
            return Optional.empty();
        }
        return Optional.of(attrs);
    }
}
