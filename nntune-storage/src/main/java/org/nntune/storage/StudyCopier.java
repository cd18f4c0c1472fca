package org.nntune.storage;

import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudySummary;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.util.List;
import java.util.Optional;

/**
 * Copies a study from one storage to another, e.g. from SQLite on a laptop to a shared PostgreSQL.
 *
 * <p>The copy has the same name, directions, user and system attributes, and the trials in the same
 * order (so with the same numbers, counting from 0): states, values, parameters with their
 * distributions, attributes, intermediate values and failure reasons. Timestamps are the target
 * storage's (it stamps imported trials itself); the originals are kept in each trial's system
 * attributes {@value #COPIED_START} and {@value #COPIED_COMPLETE} (ISO-8601; a copy of a copy keeps the
 * first originals). A trial RUNNING in the
 * source has no worker in the target, so it arrives as FAIL with a reason saying so.
 */
public final class StudyCopier {
    /** System attribute holding a copied trial's original start time. */
    public static final String COPIED_START = SystemAttrs.COPIED_START;
    /** System attribute holding a copied trial's original completion time. */
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
        java.util.Map<String, Object> system = new java.util.LinkedHashMap<>(t.systemAttrs());
        // a copy of a copy keeps the first originals (the times the trial really ran)
        if (!system.containsKey(COPIED_START) && !system.containsKey(COPIED_COMPLETE)) {
            t.datetimeStart().ifPresent(i -> system.put(COPIED_START, i.toString()));
            t.datetimeComplete().ifPresent(i -> system.put(COPIED_COMPLETE, i.toString()));
        }
        TrialState state = t.state();
        List<Double> values = t.values();
        Optional<String> reason = t.failureReason();
        if (state == TrialState.RUNNING) {
            state = TrialState.FAIL;
            values = List.of();
            reason = Optional.of("was RUNNING in the source storage when the study was copied");
        }
        return new FrozenTrial(-1, -1, state, values, t.params(), t.distributions(), t.userAttrs(), system,
                t.intermediateValues(), Optional.empty(), Optional.empty(), reason);
    }
}
