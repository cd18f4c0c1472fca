package org.nntune.tune.population;

import org.nntune.tune.storage.ArtifactStoreException;

/**
 * Population-based training stopped: a member's round failed (the objective threw or returned a
 * non-finite metric too often) or the artifact store is full or gone. Everything finished so far
 * (trials, checkpoints) is kept; after fixing the cause, running the study again continues it.
 */
public final class PopulationTrainingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what stopped the study, where (round, member), and what to do
     * @param cause the objective's or the artifact store's exception; null when there is none
     */
    public PopulationTrainingException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @return whether the artifact store (not the objective) stopped the study */
    public boolean isStorageProblem() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof ArtifactStoreException) {
                return true;
            }
        }
        return false;
    }
}
