package org.nntune.storage;

/**
 * A study the storage holds but nntune cannot read (in Optuna's tables: a parameter whose distribution
 * JSON nntune does not know, or an objective whose direction is NOT_SET). The message names the study
 * (and the trial and parameter); other studies of the storage may still be read. The CLI exits with code 4 (storage).
 */
public class UnreadableStudyException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param message which study, trial and parameter, and why */
    public UnreadableStudyException(String message, Throwable cause) {
        super(message, cause);
    }
}
