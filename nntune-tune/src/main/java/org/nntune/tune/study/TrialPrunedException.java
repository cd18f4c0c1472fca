package org.nntune.tune.study;

/**
 * Thrown by an objective to stop its trial early, typically after {@link Trial#shouldPrune()}
 * said so; the trial is stored as PRUNED with its last intermediate value.
 */
public class TrialPrunedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a default message. */
    public TrialPrunedException() {
        super("trial pruned");
    }

    /** @param message why the trial was pruned */
    public TrialPrunedException(String message) {
        super(message);
    }
}
