package org.nntune.tune.sampler;

/**
 * Thrown by {@link Sampler#beforeTrial} when the trial just created cannot get a candidate
 * because other workers took the last free ones in the meantime (e.g. the last grid points).
 * The study records the trial as FAIL with this message and goes on (asking
 * {@link Sampler#readiness} again), instead of ending.
 */
public class NoCandidateException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param message what was taken */
    public NoCandidateException(String message) {
        super(message);
    }
}
