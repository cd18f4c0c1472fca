package org.nntune.storage;

import org.nntune.tune.storage.IncompleteCopyException;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Thrown when a copy would replace an incomplete copy of the same study that is still running
 * ({@link StudyCopier#refuseIfRunning}): two copies of one study into one storage at once. The
 * message says how far the other got, when it last showed life, and the ways on: wait, or, if it
 * was killed, delete the study or copy again once it counts as dead.
 */
public class CopyInProgressException extends IncompleteCopyException {
    private static final long serialVersionUID = 1L;

    /**
     * @param where    the storage in the user's words (a URL)
     * @param arrived  the trials that have arrived
     * @param expected the trials the copy will have, if known
     * @param life     its last sign of life
     * @param deadAt   when it counts as dead, so that copying again replaces it
     */
    public CopyInProgressException(String study, String where, int arrived, java.util.OptionalInt expected, Instant life, Instant deadAt) {
        super(study, "study '" + study + "' in " + where + " is being copied now (" + arrived
                + (expected.isPresent() ? " of " + expected.getAsInt() : "") + " trials have arrived, the last sign of life at "
                + life.truncatedTo(ChronoUnit.SECONDS) + "): wait for that copy to end; if it was killed, copy again after "
                + deadAt.truncatedTo(ChronoUnit.SECONDS) + ", or delete the study first (nntune delete " + study
                + ("this storage".equals(where) ? "" : " --storage " + where) + ")");
    }
}
