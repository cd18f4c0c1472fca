package org.nntune.storage;

import org.nntune.tune.storage.IncompleteCopyException;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.StorageChecks;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudySummary;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.IntConsumer;

/**
 * Copies a study from one storage to another, e.g. from SQLite on a laptop to a shared PostgreSQL.
 *
 * <p>A copy is all or nothing for every reader: until its last trial has arrived, the study in the target
 * is marked {@value SystemAttrs#COPY_IN_PROGRESS} and refused by whatever would resume or read it whole; see
 * {@link #copy(String, Storage, Storage)}.
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

    /**
     * How long an incomplete copy counts as still running after its last sign of life (its start, or
     * the end of its last batch, {@link #lastSignOfLife}): within it, a second copy of the study into
     * the same storage is refused instead of deleting the first one's work under it. A batch takes
     * seconds, so a copy silent this long was killed or lost its connection.
     */
    public static final Duration ALIVE = Duration.ofMinutes(5);

    private StudyCopier() {}

    /**
     * Copies the study {@code name}, all or nothing as every reader of {@code to} sees it: the copy is
     * created marked {@value SystemAttrs#COPY_IN_PROGRESS} (in the transaction that creates it) and the mark
     * is removed only after its last trial has arrived, so a copy that is killed or loses its connection
     * leaves a study that says it is incomplete ({@link IncompleteCopyException}) rather than one that looks
     * whole. A failed copy deletes what it wrote when it still can. If {@code to} holds an incomplete copy of
     * the study (an earlier copy was interrupted), it is replaced, unless that copy is still running
     * ({@link #refuseIfRunning}).
     *
     * @return the id of the copy in {@code to}
     * @throws IllegalArgumentException if {@code from} has no study of that name, or a trial the target cannot take
     *     (named by its number in {@code from}; nothing is written then)
     * @throws IncompleteCopyException if the study in {@code from} is itself an incomplete copy
     * @throws org.nntune.tune.storage.StudyAlreadyExistsException if {@code to} has one already (a whole one)
     * @throws CopyInProgressException if another copy of it into {@code to} is still running
     */
    public static long copy(String name, Storage from, Storage to) {
        return copy(name, from, to, BATCH, arrived -> { }, java.time.Clock.systemUTC());
    }

    /**
     * {@link #copy(String, Storage, Storage)} in batches of {@code batch} trials (one transaction each on a
     * {@link JdbcStorage}), telling {@code afterBatch} how many trials have arrived after each batch (tests
     * interrupt a copy there), with the time from {@code clock}.
     */
    static long copy(String name, Storage from, Storage to, int batch, IntConsumer afterBatch, java.time.Clock clock) {
        long sourceId = from.getStudyId(name);
        StudySummary s = from.getStudy(sourceId);
        if (s.isIncompleteCopy()) {
            throw new IncompleteCopyException(name);
        }
        // every trial checked as the target will take it before anything is written there, the message naming the
        // trial by its number in the source (the target's would be -1: it has none yet)
        List<FrozenTrial> trials = new java.util.ArrayList<>();
        for (FrozenTrial t : from.getAllTrials(sourceId)) {
            FrozenTrial template = template(t);
            StorageChecks.checkTemplate(name, t.number(), s.directions().size(), template);
            trials.add(template);
        }
        OptionalLong earlier = to.findStudyId(name);
        if (earlier.isPresent()) {
            StudySummary there = to.getStudy(earlier.getAsLong());
            if (there.isIncompleteCopy()) {
                refuseIfRunning(there, "this storage", clock.instant());
                to.deleteStudy(earlier.getAsLong()); // what an interrupted copy left: this copy takes its place
            }
        }
        Instant started = clock.instant();
        Map<String, Object> system = new LinkedHashMap<>();
        // a definition recorded before passwords were kept out of it does not carry one to the copy
        s.systemAttrs().forEach((k, v) -> system.put(k,
                k.equals(StudyProvenance.DEFINITION) ? StudyProvenance.withoutPasswords(v) : v));
        system.put(SystemAttrs.COPY_IN_PROGRESS, progress(trials.size(), started, 0, started));
        long id = to.createStudy(name, s.directions(), system);
        try {
            s.userAttrs().forEach((k, v) -> to.setStudyUserAttr(id, k, v));
            for (int i = 0; i < trials.size(); i += batch) {
                List<FrozenTrial> part = List.copyOf(trials.subList(i, Math.min(trials.size(), i + batch)));
                if (to instanceof JdbcStorage jdbc) {
                    jdbc.createTrials(id, part); // one transaction per batch instead of one per trial
                } else {
                    part.forEach(t -> to.createTrial(id, t));
                }
                if (i + part.size() < trials.size()) { // a sign of life for a second copy that finds this one
                    to.setStudySystemAttr(id, SystemAttrs.COPY_IN_PROGRESS, progress(trials.size(), started, i + part.size(), clock.instant()));
                }
                afterBatch.accept(i + part.size());
            }
            to.deleteStudySystemAttr(id, SystemAttrs.COPY_IN_PROGRESS); // whole: only now do readers take it as a study
        } catch (RuntimeException e) {
            try {
                to.deleteStudy(id); // a killed copy, or one without a connection, cannot: the mark stays and says so
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return id;
    }

    private static Map<String, Object> progress(int trials, Instant started, int arrived, Instant last) {
        return Map.of("trials", trials, "started", started.toString(), "arrived", arrived, "last", last.toString());
    }

    /**
     * When an incomplete copy last showed it was running: the end of its last batch, or its start
     * (copies by earlier builds record only that); empty for a study that is not one, or a mark
     * without a readable time.
     */
    public static Optional<Instant> lastSignOfLife(StudySummary s) {
        if (!(s.systemAttrs().get(SystemAttrs.COPY_IN_PROGRESS) instanceof Map<?, ?> m)) {
            return Optional.empty();
        }
        for (Object key : List.of("last", "started")) {
            if (m.get(key) instanceof String t) {
                try {
                    return Optional.of(Instant.parse(t));
                } catch (DateTimeParseException e) {
                    // not a time: try the next, or none
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Refuses to replace an incomplete copy that is still running: one whose last sign of life
     * ({@link #lastSignOfLife}) is less than {@link #ALIVE} before {@code now}. Deleting it would
     * pull the study from under that copy, which would then fail on its next batch, leaving neither.
     *
     * @param where the storage in the user's words (a URL), for the message
     * @throws CopyInProgressException if it is still running
     */
    public static void refuseIfRunning(StudySummary s, String where, Instant now) {
        Optional<Instant> life = lastSignOfLife(s);
        if (life.isPresent() && life.get().isAfter(now.minus(ALIVE)) && !life.get().isAfter(now.plus(ALIVE))) {
            throw new CopyInProgressException(s.name(), where, s.nTrials(), s.copyExpectedTrials(), life.get(), life.get().plus(ALIVE));
        }
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
