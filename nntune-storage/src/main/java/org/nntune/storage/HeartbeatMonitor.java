package org.nntune.storage;

import org.nntune.tune.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A worker's heartbeat: a daemon thread that stamps "alive" on every trial the worker is running,
 * once per interval, and the other half of the protocol, {@link #failStale}, which fails the trials
 * of dead workers after a grace (by default twice the interval).
 *
 * <p>For code that drives trials through a {@link Storage} itself; {@code Study.optimize} with a
 * heartbeat interval does the same for its own trials. Beating is best effort: a failed beat is
 * logged and tried again at the next tick.
 */
public final class HeartbeatMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatMonitor.class);

    private final Storage storage;
    private final Duration interval;
    private final Duration grace;
    private final Set<Long> running = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService beats;

    /** A monitor beating every {@code interval}, with a grace of twice the interval. */
    public HeartbeatMonitor(Storage storage, Duration interval) {
        this(storage, interval, interval.multipliedBy(2));
    }

    /**
     * @param interval time between beats, positive
     * @param grace how long a trial may go without a beat before {@link #failStale} fails it; longer than the interval
     */
    public HeartbeatMonitor(Storage storage, Duration interval, Duration grace) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("heartbeat interval must be positive, got " + interval);
        }
        if (grace.compareTo(interval) <= 0) {
            throw new IllegalArgumentException("heartbeat grace " + grace + " must be longer than the interval " + interval);
        }
        this.storage = storage;
        this.interval = interval;
        this.grace = grace;
        this.beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nntune-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, interval.toMillis());
        beats.scheduleAtFixedRate(this::beatAll, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Starts beating for a RUNNING trial (beats once at once). */
    public void track(long trialId) {
        running.add(trialId);
        beat(trialId);
    }

    /** Stops beating for a trial (call before or after finishing it). */
    public void untrack(long trialId) {
        running.remove(trialId);
    }

    /** @return the interval between beats */
    public Duration interval() {
        return interval;
    }

    /** @return the grace after which a silent trial is stale */
    public Duration grace() {
        return grace;
    }

    /**
     * Fails the study's trials whose workers stopped beating more than the grace ago (and queues
     * their retries if the study's {@link RetryPolicy} says so and the storage applies it).
     *
     * @return the ids of the trials this call failed
     */
    public List<Long> failStale(long studyId) {
        return storage.failStaleTrials(studyId, grace);
    }

    private void beatAll() {
        for (Long id : running) {
            beat(id);
        }
    }

    private void beat(long trialId) {
        try {
            storage.recordHeartbeat(trialId);
        } catch (IllegalStateException finished) {
            running.remove(trialId); // finished (or failed as stale) meanwhile
        } catch (RuntimeException e) {
            LOG.warn("heartbeat of trial id {} failed (will retry): {}", trialId, e.toString());
        }
    }

    /** Stops the beating thread. */
    @Override
    public void close() {
        beats.shutdownNow();
        try {
            beats.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
