package org.nntune.tune.study;

import org.nntune.tune.run.Heartbeats;
import org.nntune.tune.storage.Storage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link Study#optimize(Objective, OptimizeOptions)} runs.
 *
 * @param nTrials the study's trial budget: no new trial starts (nor is a queued one claimed) once
 *     the study holds this many finished or running trials, counted in the storage, so several
 *     processes optimising one study share one budget; a queued retry of a dead worker's trial counts
 *     in place of the failed attempt. With heartbeats, a worker that reaches the budget while other
 *     workers' trials still run waits until they finish or are failed as stale (and their retries
 *     run), so the study ends with exactly this many finished trials ({@link Integer#MAX_VALUE}: no limit).
 *     The budget is the study's total, not a number of trials to add: see {@link #moreTrials(int)}
 * @param timeout no new trial starts after this much time ({@link #NO_TIMEOUT}: no limit)
 * @param nJobs how many trials run in parallel, each on its own thread
 * @param callbacks called after each finished trial
 * @param catchList exception types that make a trial FAIL (logged as a WARNING, see {@link Study}) and
 *     the study go on; any other exception (or error) from the objective fails the trial and then ends
 *     {@code optimize} by propagating. The default catches every {@link Exception}: one diverging
 *     trial does not end a study.
 * @param heartbeat interval at which running trials stamp a heartbeat in the storage, and the
 *     grace after which other workers fail them as stale; {@link Duration#ZERO}: no heartbeats;
 *     {@link #HEARTBEAT_IF_SHARED} (the default): heartbeats every {@link Heartbeats#configuredInterval()}
 *     (10 s) on a storage that outlives the process ({@link Storage#outlivesProcess()}: SQLite,
 *     PostgreSQL, MariaDB), so that the trial a killed process left RUNNING is failed as stale by the
 *     next run instead of holding its place in the budget for ever; none in memory
 * @param addTrials whether {@code nTrials} is a number of trials to add to those the study holds
 *     when {@code optimize} starts, rather than the study's total (see {@link #moreTrials(int)})
 */
public record OptimizeOptions(int nTrials, Duration timeout, int nJobs, List<StudyCallback> callbacks,
                              List<Class<? extends Throwable>> catchList, Duration heartbeat, boolean addTrials) {

    /** No time limit. */
    public static final Duration NO_TIMEOUT = Duration.ofDays(365L * 1000);

    /**
     * The default heartbeat: every {@link Heartbeats#configuredInterval()} (10 s, or the system property
     * {@code nntune.heartbeatMillis}) on a storage that outlives the process, none on an in-memory one.
     * A marker, resolved by {@link #heartbeatOn(Storage)}.
     */
    public static final Duration HEARTBEAT_IF_SHARED = Duration.ofNanos(-1);

    /** Validates and copies. */
    public OptimizeOptions {
        if (nTrials < 1) {
            throw new IllegalArgumentException("nTrials must be >= 1, got " + nTrials);
        }
        if (nJobs < 1) {
            throw new IllegalArgumentException("nJobs must be >= 1, got " + nJobs);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (heartbeat.isNegative() && !heartbeat.equals(HEARTBEAT_IF_SHARED)) {
            throw new IllegalArgumentException("heartbeat interval must not be negative, got " + heartbeat);
        }
        callbacks = List.copyOf(callbacks);
        catchList = List.copyOf(catchList);
    }

    /**
     * @return options for a study budget of {@code nTrials} trials in all (counting those the study holds
     *     already), one at a time, no timeout, default catch list, heartbeats if the storage outlives the
     *     process ({@link #HEARTBEAT_IF_SHARED})
     */
    public static OptimizeOptions trials(int nTrials) {
        return new OptimizeOptions(nTrials, NO_TIMEOUT, 1, List.of(), List.of(Exception.class), HEARTBEAT_IF_SHARED,
                false);
    }

    /**
     * Options for {@code n} trials more than the study holds when {@code optimize} starts (Optuna's
     * {@code n_trials}): a program that runs {@code study.optimize(objective, OptimizeOptions.moreTrials(10))}
     * adds 10 trials each time it runs, where {@code optimize(objective, 10)} runs up to 10 in all and then
     * nothing. The trials counted at the start are those that count in a budget (running and finished
     * ones, {@link #nTrials()}); other processes working on the study meanwhile take from the same budget.
     * Otherwise as {@link #trials(int)}.
     *
     * @return options for {@code n} more trials
     */
    public static OptimizeOptions moreTrials(int n) {
        return new OptimizeOptions(n, NO_TIMEOUT, 1, List.of(), List.of(Exception.class), HEARTBEAT_IF_SHARED, true);
    }

    /** @return a copy with another time limit */
    public OptimizeOptions withTimeout(Duration t) {
        return new OptimizeOptions(nTrials, t, nJobs, callbacks, catchList, heartbeat, addTrials);
    }

    /** @return a copy with another number of parallel trials */
    public OptimizeOptions withJobs(int n) {
        return new OptimizeOptions(nTrials, timeout, n, callbacks, catchList, heartbeat, addTrials);
    }

    /** @return a copy with one more callback */
    public OptimizeOptions withCallback(StudyCallback callback) {
        List<StudyCallback> all = new ArrayList<>(callbacks);
        all.add(callback);
        return new OptimizeOptions(nTrials, timeout, nJobs, all, catchList, heartbeat, addTrials);
    }

    /** @return a copy that catches exactly these exception types */
    public OptimizeOptions withCatchList(List<Class<? extends Throwable>> types) {
        return new OptimizeOptions(nTrials, timeout, nJobs, callbacks, types, heartbeat, addTrials);
    }

    /**
     * @return a copy with heartbeats every {@code interval}; before starting a trial, a worker fails
     *     the study's RUNNING trials whose heartbeat is older than 2 × {@code interval} (their worker
     *     is presumed dead)
     */
    public OptimizeOptions withHeartbeat(Duration interval) {
        return new OptimizeOptions(nTrials, timeout, nJobs, callbacks, catchList, interval, addTrials);
    }

    /**
     * @return the heartbeat interval a run on {@code storage} keeps: {@link #heartbeat()}, with
     *     {@link #HEARTBEAT_IF_SHARED} resolved ({@link Duration#ZERO}: none)
     */
    public Duration heartbeatOn(Storage storage) {
        if (!heartbeat.equals(HEARTBEAT_IF_SHARED)) {
            return heartbeat;
        }
        return storage.outlivesProcess() ? Heartbeats.configuredInterval() : Duration.ZERO;
    }

    /** @return these options with the heartbeat resolved for {@code storage} and the budget made the study's total */
    OptimizeOptions resolvedFor(Storage storage, int countedAtStart) {
        int total = !addTrials ? nTrials : (int) Math.min(Integer.MAX_VALUE, (long) countedAtStart + nTrials);
        return new OptimizeOptions(total, timeout, nJobs, callbacks, catchList, heartbeatOn(storage), false);
    }

    boolean catches(Throwable t) {
        for (Class<? extends Throwable> c : catchList) {
            if (c.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
