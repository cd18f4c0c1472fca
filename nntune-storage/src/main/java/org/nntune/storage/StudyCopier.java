package org.nntune.storage;

import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudySummary;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * Copies a study from one storage to another, e.g. from SQLite on a laptop to a shared PostgreSQL.
 *
 * <p>The copy has the same name, directions, user and system attributes, and the trials in the same
 * order (so with the same numbers, counting from 0): states, values, parameters with their
 * distributions, attributes, intermediate values, failure reasons, and start and completion times
 * (to the target's precision: whole seconds in Optuna's MySQL/MariaDB tables). A trial RUNNING in
 * the source has no worker in the target, so it arrives as FAIL, completed when it was copied, with
 * a reason saying so. Copies made by earlier builds of nntune stamped the copy's time on their trials and
 * kept the originals in the system attributes {@value #COPIED_START} and {@value #COPIED_COMPLETE}:
 * copying such a copy puts the originals back in the columns (the attributes travel as they are).
 */
public final class StudyCopier {
    /** System attribute in which copies by older nntune versions kept a trial's original start time (read, no longer written). */
    public static final String COPIED_START = SystemAttrs.COPIED_START;
    /** As {@link #COPIED_START}, for the original completion time. */
    public static final String COPIED_COMPLETE = SystemAttrs.COPIED_COMPLETE;

    private static final int BATCH = 5000;

    private StudyCopier() {}

    /**
     * Copies the study {@code name}.
     *
     * @return the id of the copy in {@code to}
     * @throws IllegalArgumentException if {@code from} has no study of that name
     * @throws org.nntune.tune.storage.StudyAlreadyExistsException if {@code to} has one already
     */
    public static long copy(String name, Storage from, Storage to) {
        long sourceId = from.getStudyId(name);
        StudySummary s = from.getStudy(sourceId);
        List<FrozenTrial> trials = from.getAllTrials(sourceId);
        long id = to.createStudy(name, s.directions());
        try {
            s.userAttrs().forEach((k, v) -> to.setStudyUserAttr(id, k, v));
            // a definition recorded before passwords were kept out of it does not carry one to the copy
            s.systemAttrs().forEach((k, v) -> to.setStudySystemAttr(id, k,
                    k.equals(StudyProvenance.DEFINITION) ? StudyProvenance.withoutPasswords(v) : v));
            if (to instanceof JdbcStorage jdbc) {
                // one transaction per batch instead of one per trial
                for (int i = 0; i < trials.size(); i += BATCH) {
                    jdbc.createTrials(id, trials.subList(i, Math.min(trials.size(), i + BATCH)).stream()
                            .map(StudyCopier::template).toList());
                }
            } else {
                for (FrozenTrial t : trials) {
                    to.createTrial(id, template(t));
                }
            }
        } catch (RuntimeException e) {
            to.deleteStudy(id); // never leave half a copy behind
            throw e;
        }
        return id;
    }

    private static FrozenTrial template(FrozenTrial t) {
        // a copy made by an older nntune has the copy's times in its columns and the originals in attributes
        Optional<Instant> start = olderCopyTime(t, COPIED_START).or(t::datetimeStart);
        Optional<Instant> complete = olderCopyTime(t, COPIED_COMPLETE).or(t::datetimeComplete);
        TrialState state = t.state();
        List<Double> values = t.values();
        Optional<String> reason = t.failureReason();
        if (state == TrialState.RUNNING) {
            state = TrialState.FAIL;
            values = List.of();
            reason = Optional.of("was RUNNING in the source storage when the study was copied");
            complete = Optional.empty(); // failed now, by the copy
        }
        if (state == TrialState.WAITING) {
            start = Optional.empty();
            complete = Optional.empty();
        } else if (start.isEmpty()) {
            start = complete; // a finished trial without a start time (Optuna may hold one): no duration to invent
        }
        return new FrozenTrial(-1, -1, state, values, t.params(), t.distributions(), t.userAttrs(), t.systemAttrs(),
                t.intermediateValues(), start, complete, reason);
    }

    /**
     * An original time that a copy by an earlier build kept in a system attribute ({@link #COPIED_START},
     * {@link #COPIED_COMPLETE}), when it is there and readable.
     */
    public static Optional<Instant> olderCopyTime(FrozenTrial t, String attr) {
        if (t.systemAttrs().get(attr) instanceof String s) {
            try {
                return Optional.of(Instant.parse(s));
            } catch (DateTimeParseException e) {
                return Optional.empty(); // not written by a copy: the trial's own time
            }
        }
        return Optional.empty();
    }
}
