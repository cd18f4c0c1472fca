package org.nntune.tune.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Runs a {@link TrialLoop}: {@code nJobs} workers (the calling thread alone when it is one, else a
 * pool from the injected {@link WorkerThreads}), each asking the loop for its next step until the
 * loop stops or the deadline passes, with heartbeats for the trials in flight. The clock and the
 * threads are injected, so a test can drive a run step by step; {@link #standard(String)} uses the
 * JVM's.
 *
 * <p>Interruption of the calling thread (or of a worker) interrupts the loop, which records its
 * running trials as failed; the first exception a worker throws stops the others after their
 * trials and is rethrown once all have ended.
 */
public final class Runner {
    private final WorkerThreads threads;
    private final RunClock clock;

    /** A runner on these threads and this clock. */
    public Runner(WorkerThreads threads, RunClock clock) {
        this.threads = threads;
        this.clock = clock;
    }

    /** @return a runner on daemon threads named after {@code name} and the JVM's clock */
    public static Runner standard(String name) {
        return new Runner(WorkerThreads.daemon(name), RunClock.system());
    }

    /** @return the clock this runner keeps time with */
    public RunClock clock() {
        return clock;
    }

    /**
     * Runs the loop until it stops or {@code timeout} passes (no new trial starts after it).
     *
     * @param nJobs workers running trials at once, at least 1
     * @param heartbeat interval of the heartbeats of trials in flight; {@link Duration#ZERO}: none
     * @throws RuntimeException or Error the first one a worker threw (checked exceptions wrapped)
     */
    public void run(TrialLoop loop, int nJobs, Duration timeout, Duration heartbeat) {
        if (nJobs < 1) {
            throw new IllegalArgumentException("nJobs must be >= 1, got " + nJobs);
        }
        long deadline = deadline(clock.nanoTime(), timeout);
        Heartbeats beats = heartbeat.isZero() ? null
                : Heartbeats.start(threads.heartbeats(), heartbeat, loop.inFlight(), loop::beat);
        try {
            if (nJobs == 1) {
                work(loop, deadline);
            } else {
                runWorkers(loop, nJobs, deadline);
            }
        } finally {
            if (beats != null) {
                beats.close();
            }
        }
    }

    /** {@code now + timeout}, saturated so that "no limit" never overflows. */
    static long deadline(long now, Duration timeout) {
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE / 2;
        }
        return now + Math.min(nanos, Long.MAX_VALUE / 2);
    }

    private void runWorkers(TrialLoop loop, int nJobs, long deadline) {
        ExecutorService pool = threads.workers(nJobs);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < nJobs; i++) {
            futures.add(pool.submit(() -> {
                work(loop, deadline);
                return null;
            }));
        }
        pool.shutdown();
        Throwable first = null;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    loop.interrupt("interrupted: the thread running optimize() was interrupted");
                } catch (ExecutionException e) {
                    loop.stop();
                    if (first == null) {
                        first = e.getCause();
                    }
                    break;
                }
            }
        }
        if (loop.interrupted()) {
            Thread.currentThread().interrupt();
        }
        if (first instanceof RuntimeException re) {
            throw re;
        }
        if (first instanceof Error err) {
            throw err;
        }
        if (first != null) {
            throw new IllegalStateException(first);
        }
    }

    /** One worker: take steps until there is no reason to go on. */
    private void work(TrialLoop loop, long deadline) {
        while (true) {
            if (loop.stopped() || clock.nanoTime() - deadline >= 0) {
                return;
            }
            if (Thread.currentThread().isInterrupted()) {
                loop.interrupt("interrupted: the thread running optimize() was interrupted");
                return;
            }
            Step step = loop.next();
            if (step instanceof Step.Run run) {
                run.trial().run();
            } else if (step instanceof Step.Wait wait) {
                try {
                    clock.sleep(wait.pause());
                } catch (InterruptedException e) {
                    loop.interrupt("interrupted: the thread running optimize() was interrupted");
                    return;
                }
            } else {
                return;
            }
        }
    }
}
