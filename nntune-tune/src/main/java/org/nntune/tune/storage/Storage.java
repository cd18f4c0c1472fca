package org.nntune.tune.storage;

import org.nntune.tune.space.Distribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.StudySummary;
import org.nntune.tune.trial.TrialChanges;
import org.nntune.tune.trial.TrialState;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Where studies and their trials live: the single source of truth of a study. Every state change
 * of a trial is one storage call, so any worker in any process can pick a study up.
 *
 * <h2>Contract (every implementation; checked by the shared {@code StorageContractTest})</h2>
 * <ul>
 *   <li><b>Thread safety.</b> All methods may be called concurrently from any number of threads
 *       (and, for database storages, processes). Each call is atomic: readers see a trial either
 *       before or after a write, never half of it.</li>
 *   <li><b>Ownership.</b> Only the worker that created or claimed a RUNNING trial changes it
 *       (params, intermediate values, attributes, state). The storage does not check who calls,
 *       but it guarantees the transitions that need arbitration: {@link #claimWaitingTrial} lets
 *       exactly one caller move a WAITING trial to RUNNING, and {@link #failStaleTrials} is the only
 *       way another worker may finish someone else's RUNNING trial.</li>
 *   <li><b>Finished trials are immutable.</b> Any change to a COMPLETE, PRUNED or FAIL trial
 *       ({@link #setTrialParam}, {@link #finishTrial}, {@link #setTrialIntermediateValue}, attributes)
 *       throws {@link IllegalStateException} and changes nothing.</li>
 *   <li><b>Read-your-writes.</b> Once a write returns, every later read on the same storage object
 *       (from any thread) sees it; database storages give the same to every process once the write
 *       has committed.</li>
 *   <li><b>Numbering.</b> Trial numbers are 0, 1, 2, … per study in creation order, without gaps or
 *       duplicates even under concurrent creation. Trial and study ids are unique in the storage.</li>
 *   <li><b>Incremental reads.</b> {@link #getTrialsChangedSince} never misses a change: after a call
 *       returned cursor {@code c}, every trial created or changed later is returned by a call with
 *       cursor {@code c} (implementations may return unchanged trials too).</li>
 *   <li><b>Errors.</b> Unknown study or trial ids and bad arguments throw
 *       {@link IllegalArgumentException}; misuse (writing a finished trial, duplicate study name,
 *       setting a parameter twice) throws {@link IllegalStateException}. Messages name the study or
 *       trial.</li>
 *   <li>No method returns or accepts {@code null}. Attribute values are JSON values
 *       ({@link org.nntune.tune.space.Json}); they come back normalised (integral numbers as
 *       {@code Long}, reals as {@code Double}).</li>
 * </ul>
 */
public interface Storage extends AutoCloseable {

    // ---------------------------------------------------------------- studies

    /**
     * Creates a study.
     *
     * @return its id
     * @throws StudyAlreadyExistsException if a study of that name exists (also when another process
     *     created it concurrently)
     * @throws IllegalArgumentException if the name is blank or no direction is given
     */
    long createStudy(String name, List<StudyDirection> directions);

    /**
     * Creates a study with system attributes, in one atomic step: no reader ever sees the study without
     * them (e.g. {@link org.nntune.tune.trial.SystemAttrs#COPY_IN_PROGRESS}, which marks a copy until its
     * last trial has arrived). This default creates the study, then sets the attributes, without that
     * atomicity: every storage that other processes read overrides it.
     *
     * @return its id
     * @throws StudyAlreadyExistsException if a study of that name exists (nothing is created then)
     * @throws IllegalArgumentException as {@link #createStudy(String, List)}, or for an attribute key too long
     */
    default long createStudy(String name, List<StudyDirection> directions, Map<String, Object> systemAttrs) {
        long id = createStudy(name, directions);
        systemAttrs.forEach((k, v) -> setStudySystemAttr(id, k, v));
        return id;
    }

    /** @return the id of the study with that name, if there is one */
    OptionalLong findStudyId(String name);

    /**
     * @return the id of the study with that name
     * @throws IllegalArgumentException if there is none
     */
    default long getStudyId(String name) {
        OptionalLong id = findStudyId(name);
        if (id.isEmpty()) {
            throw new IllegalArgumentException("no study named '" + name + "' in this storage");
        }
        return id.getAsLong();
    }

    /** Deletes a study with all its trials. @throws IllegalArgumentException if unknown */
    void deleteStudy(long studyId);

    /**
     * Whether {@code other} reads and writes the same studies as this object: this object itself, or another
     * opened on the same database and tables (two objects on one SQLite file, however its path is spelt; two on
     * one PostgreSQL schema). Study ids mean the same in both only then. The default: this object alone, as an
     * in-memory storage is.
     */
    default boolean sameStorageAs(Storage other) {
        return other == this;
    }

    /**
     * Whether the studies outlive this JVM (a database file or server): other processes may work on them, and a
     * process that dies leaves its RUNNING trials behind, for others to find by their heartbeats. {@link
     * org.nntune.tune.study.Study#optimize(org.nntune.tune.study.Objective, int) Study.optimize} keeps heartbeats
     * by default on such a storage. The default: false, as for an in-memory storage, whose trials die with it.
     */
    default boolean outlivesProcess() {
        return false;
    }

    /**
     * Whether the study a run opened as {@code studyId} under {@code name} is gone: deleted ({@code nntune delete
     * --force}, another program), or its name now another study's. What a worker asks when a write or a heartbeat
     * is refused, to tell its study deleted under it from other refusals.
     *
     * @return false when the storage cannot say (the database out of reach)
     */
    default boolean studyDeleted(String name, long studyId) {
        try {
            OptionalLong now = findStudyId(name);
            return now.isEmpty() || now.getAsLong() != studyId;
        } catch (RuntimeException unreachable) {
            return false;
        }
    }

    /** @return the summary of one study. @throws IllegalArgumentException if unknown */
    StudySummary getStudy(long studyId);

    /** @return summaries of all studies, by id */
    List<StudySummary> getAllStudies();

    /** @return the study's directions, one per objective */
    default List<StudyDirection> getStudyDirections(long studyId) {
        return getStudy(studyId).directions();
    }

    /** Sets (or replaces) a user attribute of a study. */
    void setStudyUserAttr(long studyId, String key, Object value);

    /** Sets (or replaces) a system attribute of a study (the stored study definition, data fingerprint …). */
    void setStudySystemAttr(long studyId, String key, Object value);

    /**
     * Removes a system attribute of a study (nothing happens if it has none of that key).
     *
     * @throws IllegalArgumentException if the study is unknown
     */
    void deleteStudySystemAttr(long studyId, String key);

    /**
     * Sets a study system attribute if and only if its current value equals {@code expected}
     * (empty: the attribute is absent); of many concurrent callers with the same expectation exactly
     * one wins. This is the storage's compare-and-set, used e.g. by the grid sampler to give every
     * grid point to exactly one trial across workers and processes.
     *
     * @param expected the value the caller last saw (normalised as {@link org.nntune.tune.space.Json#normalize}
     *     does), or empty if it saw none
     * @return whether the value was set
     */
    boolean compareAndSetStudySystemAttr(long studyId, String key, Optional<Object> expected, Object value);

    // ---------------------------------------------------------------- trial creation and state

    /**
     * Creates a new RUNNING trial with the next number, started now, owned by the caller.
     *
     * @return the new trial
     */
    FrozenTrial createTrial(long studyId);

    /**
     * Starts a trial within a budget: unless the study already holds {@code limit} or more trials in
     * the {@code counted} states, claims the study's WAITING trial with the lowest number (as
     * {@link #claimWaitingTrial} does: an enqueued trial or a queued retry) or, when none is waiting,
     * creates a RUNNING trial as {@link #createTrial(long)} does. The count and the claim or creation
     * are one atomic step, so workers sharing a budget (threads, or processes on a database) never
     * start more trials than it allows, whether they claim or create ({@link Integer#MAX_VALUE}: no
     * limit, nothing counted). This default counts, then claims or creates, without that atomicity:
     * every storage that several workers share overrides it.
     *
     * @return the started trial (RUNNING, with the attributes it was queued with), or empty if the
     *     budget is spent
     */
    default Optional<FrozenTrial> startTrialWithin(long studyId, Set<TrialState> counted, int limit) {
        return startTrialWithin(studyId, counted, limit, false);
    }

    /**
     * Starts a trial within a budget as {@link #startTrialWithin(long, Set, int)} does and, with
     * {@code beat}, stamps its first heartbeat ({@link #recordHeartbeat}) in the same atomic step, so
     * that a worker that dies at any moment after the start leaves a trial that
     * {@link #failStaleTrials} finds.
     *
     * @return the started trial, or empty if the budget is spent
     */
    default Optional<FrozenTrial> startTrialWithin(long studyId, Set<TrialState> counted, int limit, boolean beat) {
        if (limit != Integer.MAX_VALUE && countTrials(studyId, counted) >= limit) {
            return Optional.empty();
        }
        FrozenTrial started = null;
        if (countTrials(studyId, EnumSet.of(TrialState.WAITING)) > 0) {
            for (FrozenTrial w : getAllTrials(studyId, EnumSet.of(TrialState.WAITING))) {
                if (claimWaitingTrial(w.trialId())) {
                    started = getTrial(w.trialId());
                    break;
                }
            }
        }
        if (started == null) {
            started = createTrial(studyId);
        }
        if (beat) {
            recordHeartbeat(started.trialId());
        }
        return Optional.of(started);
    }

    /**
     * Starts a trial within a budget as {@link #startTrialWithin(long, Set, int, boolean)} does and writes
     * the system attributes {@code start} asks for (such as the worker's name) with it. Storages that several
     * workers share do it in the same atomic step (one transaction; on a database no round trip of its own),
     * so a worker that dies at any moment after the start leaves a trial that names it. This default starts
     * the trial with {@link #startTrialWithin(long, Set, int, boolean)}, then writes the attributes, without
     * that atomicity.
     *
     * @return the started trial, with the attributes written, or empty if the budget is spent
     */
    default Optional<FrozenTrial> startTrialWithin(long studyId, Set<TrialState> counted, int limit, TrialStart start) {
        Optional<FrozenTrial> started = startTrialWithin(studyId, counted, limit, start.beat());
        if (started.isEmpty() || start.systemAttrs().isEmpty()) {
            return started;
        }
        long id = started.get().trialId();
        start.systemAttrs().forEach((k, v) -> setTrialSystemAttr(id, k, v));
        return Optional.of(getTrial(id));
    }

    /**
     * Creates a new RUNNING trial as {@link #createTrial(long)} does and writes what {@code start} asks for
     * (its first heartbeat, system attributes such as the worker's name) with it: for a worker that makes its
     * own trials rather than drawing them from a budget or a queue (population-based training). Storages that
     * several workers share do it in one atomic write, so no reader ever sees the trial without them and a
     * worker that dies at once leaves a trial that names it and that {@link #failStaleTrials} finds. This
     * default creates the trial, then writes the heartbeat and the attributes, without that atomicity.
     *
     * @return the new trial, with the attributes written
     */
    default FrozenTrial createTrial(long studyId, TrialStart start) {
        FrozenTrial created = createTrial(studyId);
        if (start.beat()) {
            recordHeartbeat(created.trialId());
        }
        if (start.systemAttrs().isEmpty()) {
            return created;
        }
        start.systemAttrs().forEach((k, v) -> setTrialSystemAttr(created.trialId(), k, v));
        return getTrial(created.trialId());
    }

    /**
     * Creates a trial from a template: its state (WAITING for an enqueued trial, RUNNING, or a
     * finished state to import a result), values, params, distributions, attributes and
     * intermediate values are copied; number and id are set by the storage; a failure reason is kept
     * for FAIL. Times: a RUNNING or finished trial keeps the template's start time and a finished one
     * its completion time (an imported trial keeps the times it really ran; stored to the storage's
     * precision: microseconds, whole seconds in Optuna's MySQL/MariaDB tables); a time the template
     * leaves empty is now.
     *
     * @return the new trial
     * @throws IllegalArgumentException if the template is inconsistent (a COMPLETE trial whose values
     *     do not match the number of directions, values on a RUNNING or WAITING trial, a start time on
     *     a WAITING trial, a completion time on an unfinished trial or without a start time; a completion
     *     before the start is kept as given, as workers' clocks may disagree)
     */
    FrozenTrial createTrial(long studyId, FrozenTrial template);

    /**
     * Moves a WAITING trial to RUNNING (setting its start time) if and only if it is still WAITING:
     * of many concurrent callers exactly one wins.
     *
     * @return whether this caller won (false if the trial was not WAITING any more)
     */
    boolean claimWaitingTrial(long trialId);

    /**
     * Sets a parameter of a RUNNING trial.
     *
     * @param internalValue the value in the distribution's internal representation
     * @throws IllegalArgumentException if the value is not in the distribution
     * @throws IllegalStateException if the trial is not RUNNING or already has that parameter
     */
    void setTrialParam(long trialId, String name, double internalValue, Distribution distribution);

    /**
     * Sets a parameter as {@link #setTrialParam} does and returns the trial as stored afterwards
     * when the storage has it at hand for free (an in-memory storage), so a trial handle need not
     * build the same snapshot again; {@code null} otherwise (the default: database storages would
     * need a read).
     *
     * @throws IllegalArgumentException if the value is not in the distribution
     * @throws IllegalStateException if the trial is not RUNNING or already has that parameter
     */
    default FrozenTrial setTrialParamAndGet(long trialId, String name, double internalValue, Distribution distribution) {
        setTrialParam(trialId, name, internalValue, distribution);
        return null;
    }

    /**
     * Finishes a RUNNING trial: sets the state, values and failure reason in one atomic write and
     * stamps the completion time.
     *
     * @param state COMPLETE, PRUNED or FAIL
     * @param values one per direction for COMPLETE; at most one per direction otherwise
     * @param failureReason the reason for FAIL (empty for the other states)
     * @throws IllegalStateException if the trial is not RUNNING
     * @throws IllegalArgumentException for a non-finished state, values that do not fit, or a failure
     *     reason on a non-FAIL trial
     */
    void finishTrial(long trialId, TrialState state, List<Double> values, Optional<String> failureReason);

    /**
     * Finishes a trial as {@link #finishTrial} does and returns it as stored afterwards when the
     * storage has it at hand for free (an in-memory storage); {@code null} otherwise (the default).
     *
     * @throws IllegalStateException if the trial is not RUNNING
     * @throws IllegalArgumentException as {@link #finishTrial}
     */
    default FrozenTrial finishTrialAndGet(long trialId, TrialState state, List<Double> values,
                                          Optional<String> failureReason) {
        finishTrial(trialId, state, values, failureReason);
        return null;
    }

    /**
     * Records (or replaces) the intermediate value at {@code step} of a RUNNING trial.
     *
     * @throws IllegalStateException if the trial is not RUNNING
     */
    void setTrialIntermediateValue(long trialId, int step, double value);

    /** Sets (or replaces) a user attribute of a RUNNING or WAITING trial. */
    void setTrialUserAttr(long trialId, String key, Object value);

    /** Sets (or replaces) a system attribute of a RUNNING or WAITING trial. */
    void setTrialSystemAttr(long trialId, String key, Object value);

    // ---------------------------------------------------------------- reads

    /** @return the trial. @throws IllegalArgumentException if unknown */
    FrozenTrial getTrial(long trialId);

    /** @return the study's trials in the given states, by number */
    List<FrozenTrial> getAllTrials(long studyId, Set<TrialState> states);

    /** @return all of the study's trials, by number */
    default List<FrozenTrial> getAllTrials(long studyId) {
        return getAllTrials(studyId, EnumSet.allOf(TrialState.class));
    }

    /** @return how many of the study's trials are in the given states */
    default int countTrials(long studyId, Set<TrialState> states) {
        return getAllTrials(studyId, states).size();
    }

    /**
     * The trials created or changed since a cursor, for readers that keep their own copy of a study
     * (samplers, reports, dashboards) and refresh it cheaply.
     *
     * @param cursor 0 for everything, else the cursor of an earlier result for the same study
     * @return the changed trials (by number) and the cursor to pass next time
     */
    TrialChanges getTrialsChangedSince(long studyId, long cursor);

    /**
     * @return the COMPLETE trial with the best value (the lowest number among ties); empty if there
     *     is no COMPLETE trial. FAIL, PRUNED, RUNNING and WAITING trials never count.
     * @throws IllegalStateException if the study has more than one objective
     */
    Optional<FrozenTrial> getBestTrial(long studyId);

    // ---------------------------------------------------------------- heartbeats

    /** Stamps "alive now" on a RUNNING trial (with the storage's clock). */
    void recordHeartbeat(long trialId);

    /**
     * The RUNNING trials of the study whose last heartbeat is at most {@code grace} old (the storage's clock, as
     * {@link #failStaleTrials} reads it): trials a live worker is running. Trials that never recorded a
     * heartbeat are not counted. The default, for storages without heartbeats, counts every RUNNING trial.
     *
     * @return their numbers, ascending
     * @throws IllegalArgumentException if there is no study with that id
     */
    default List<Integer> liveTrialNumbers(long studyId, Duration grace) {
        return getAllTrials(studyId, java.util.EnumSet.of(org.nntune.tune.trial.TrialState.RUNNING)).stream()
                .map(org.nntune.tune.trial.FrozenTrial::number).sorted().toList();
    }

    /** How the failure reason of a trial {@link #failStaleTrials} failed starts. */
    String STALE_REASON_PREFIX = "stale: ";

    /**
     * Fails every RUNNING trial of the study whose last heartbeat is older than {@code grace}
     * (trials that never recorded a heartbeat are left alone), with a failure reason saying so,
     * starting with {@link #STALE_REASON_PREFIX}.
     * Safe to call from many workers at once: each stale trial is failed once.
     *
     * @return the ids of the trials this call failed
     */
    List<Long> failStaleTrials(long studyId, Duration grace);

    // ---------------------------------------------------------------- artifacts

    /**
     * The artifact area of this storage's studies (checkpoints of population-based training, saved
     * models): an {@link ArtifactStore} that every worker using this storage reaches too: the heap for
     * {@link InMemoryStorage}, a folder beside an SQLite file, a table of a database server.
     * {@link #deleteStudy} deletes the study's artifacts.
     *
     * @throws IllegalStateException if this storage keeps no artifacts (the default)
     */
    default ArtifactStore artifacts() {
        throw new IllegalStateException("this storage (" + getClass().getSimpleName() + ") keeps no artifacts;"
                + " use InMemoryStorage or a JDBC storage");
    }

    /** Releases resources (connections); the default does nothing. */
    @Override
    default void close() {}

    /** The study's user attributes. */
    default Map<String, Object> getStudyUserAttrs(long studyId) {
        return getStudy(studyId).userAttrs();
    }

    /** The study's system attributes. */
    default Map<String, Object> getStudySystemAttrs(long studyId) {
        return getStudy(studyId).systemAttrs();
    }
}
