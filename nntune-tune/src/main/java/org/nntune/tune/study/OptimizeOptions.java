package org.nntune.tune.study;

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
 *     run), so the study ends with exactly this many finished trials ({@link Integer#MAX_VALUE}: no limit)
 * @param timeout no new trial starts after this much time ({@link #NO_TIMEOUT}: no limit)
 * @param nJobs how many trials run in parallel, each on its own thread
 * @param callbacks called after each finished trial
 * @param catchList exception types that make a trial FAIL and the study go on; any other
 *     exception (or error) from the objective fails the trial and then ends {@code optimize} by
 *     propagating. The default catches every {@link Exception}.
 * @param heartbeat interval at which running trials stamp a heartbeat in the storage, and the
 *     grace after which other workers fail them as stale; {@link Duration#ZERO}: no heartbeats
 */
public record OptimizeOptions(int nTrials, Duration timeout, int nJobs, List<StudyCallback> callbacks,
                              List<Class<? extends Throwable>> catchList, Duration heartbeat) {

    /** No time limit. */
    public static final Duration NO_TIMEOUT = Duration.ofDays(365L * 1000);

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
        if (heartbeat.isNegative()) {
            throw new IllegalArgumentException("heartbeat interval must not be negative, got " + heartbeat);
        }
        callbacks = List.copyOf(callbacks);
        catchList = List.copyOf(catchList);
    }

    /** @return options for {@code nTrials} trials, one at a time, no timeout, default catch list */
    public static OptimizeOptions trials(int nTrials) {
        return new OptimizeOptions(nTrials, NO_TIMEOUT, 1, List.of(), List.of(Exception.class), Duration.ZERO);
    }

    /** @return a copy with another time limit */
    public OptimizeOptions withTimeout(Duration t) {
        return new OptimizeOptions(nTrials, t, nJobs, callbacks, catchList, heartbeat);
    }

    /** @return a copy with another number of parallel trials */
    public OptimizeOptions withJobs(int n) {
        return new OptimizeOptions(nTrials, timeout, n, callbacks, catchList, heartbeat);
    }

    /** @return a copy with one more callback */
    public OptimizeOptions withCallback(StudyCallback callback) {
        List<StudyCallback> all = new ArrayList<>(callbacks);
        all.add(callback);
        return new OptimizeOptions(nTrials, timeout, nJobs, all, catchList, heartbeat);
    }

    /** @return a copy that catches exactly these exception types */
    public OptimizeOptions withCatchList(List<Class<? extends Throwable>> types) {
        return new OptimizeOptions(nTrials, timeout, nJobs, callbacks, types, heartbeat);
    }

    /**
     * @return a copy with heartbeats every {@code interval}; before starting a trial, a worker fails
     *     the study's RUNNING trials whose heartbeat is older than 2 × {@code interval} (their worker
     *     is presumed dead)
     */
    public OptimizeOptions withHeartbeat(Duration interval) {
        return new OptimizeOptions(nTrials, timeout, nJobs, callbacks, catchList, interval);
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
