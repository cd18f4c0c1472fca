package org.nntune.tune.run;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * A worker's heartbeat: once per interval, stamps "alive" on every trial in flight, so that other
 * workers can tell a dead worker's trial (no beat for {@link #grace} = twice the interval) from a
 * slow one and fail it. Beating is best effort: a failed beat (the trial finished meanwhile, a lost
 * connection) is logged and tried again at the next tick.
 *
 * <p>The first beat of a trial is the starter's job, at once when the trial starts: a worker that
 * dies before the first scheduled tick is then still found stale.
 */
public final class Heartbeats implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("org.nntune.tune");

    private final ScheduledExecutorService scheduler;

    private Heartbeats(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Starts beating every {@code interval} (the first tick at once) on {@code scheduler}, which the
     * returned object shuts down when closed.
     *
     * @param beat stamps one trial by id; may throw if the trial is finished
     */
    public static Heartbeats start(ScheduledExecutorService scheduler, Duration interval, InFlightTrials trials,
                                   LongConsumer beat) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("heartbeat interval must be positive, got " + interval);
        }
        long ms = Math.max(1, interval.toMillis());
        scheduler.scheduleAtFixedRate(() -> beatAll(trials, beat), 0, ms, TimeUnit.MILLISECONDS);
        return new Heartbeats(scheduler);
    }

    /**
     * The interval workers beat at: 10 s, or the system property {@code nntune.heartbeatMillis} (tests and
     * clusters that want dead workers found sooner); what a process that does not beat itself ({@code delete},
     * the dashboard) takes the workers' interval to be.
     */
    public static Duration configuredInterval() {
        return Duration.ofMillis(Long.getLong("nntune.heartbeatMillis", 10_000L));
    }

    /** @return how long a trial may go without a beat before other workers presume its worker dead */
    public static Duration grace(Duration interval) {
        return interval.multipliedBy(2);
    }

    /** One tick: a beat for every trial in flight. */
    static void beatAll(InFlightTrials trials, LongConsumer beat) {
        for (long id : trials.ids()) {
            try {
                beat.accept(id);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "heartbeat skipped for trial id {0}: {1}", id, e);
            }
        }
    }

    /** Stops beating; a tick in progress ends before this returns (so no beat follows a finished run). */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
