package org.nntune.tune.storage;

import org.nntune.tune.trial.SystemAttrs;

/**
 * Thrown when a study that is only part of a copy ({@link SystemAttrs#COPY_IN_PROGRESS}: the copy was
 * interrupted, or is still running) would be resumed or read as if it were whole.
 */
public class IncompleteCopyException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** the name of the study (part of the serialized form) */
    private final String study;

    /** @param study the name of the study */
    public IncompleteCopyException(String study) {
        super(message(study, "this storage") + "; run the same copy again to replace it, or delete the study");
        this.study = study;
    }

    /** For a subclass with its own words ({@code org.nntune.storage.CopyInProgressException}). */
    protected IncompleteCopyException(String study, String message) {
        super(message);
        this.study = study;
    }

    /** @return the name of the study */
    public String study() {
        return study;
    }

    /** The first words of the message, naming the study and {@code where} it is (a storage URL). */
    public static String message(String study, String where) {
        return "study '" + study + "' in " + where + " is an incomplete copy: the copy was interrupted (or is still running)";
    }

    /**
     * The one check of every way a stored study is resumed or read whole.
     *
     * @throws IncompleteCopyException if the study {@code studyId} of {@code storage} is an incomplete copy
     */
    public static void check(Storage storage, long studyId, String study) {
        if (storage.getStudySystemAttrs(studyId).containsKey(SystemAttrs.COPY_IN_PROGRESS)) {
            throw new IncompleteCopyException(study);
        }
    }
}
