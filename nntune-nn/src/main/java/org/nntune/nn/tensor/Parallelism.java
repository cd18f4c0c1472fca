package org.nntune.nn.tensor;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads a kernel call may use, and the one pool they come from.
 *
 * <p><b>Budget.</b> A {@link Kernels} instance has a thread count ({@link Kernels#threads()});
 * a call with {@code t} threads splits its work into parts and runs them on the calling thread and
 * at most {@code t − 1} threads of a single JVM-wide pool of daemon threads, one per available
 * processor. Threads claim parts one at a time, and the caller claims parts that no pool thread
 * has started yet, so a call never waits for a busy pool nor for a thread the system holds back: with {@code nJobs} trials training in parallel, each given
 * {@code cores / nJobs} threads ({@link #threadsPerJob(int)}), at most {@code cores} threads
 * compute at any time and nothing is oversubscribed.
 *
 * <p><b>Default.</b> {@link #defaultThreads()}: the system property {@code nntune.threads} when
 * set, else the number of available processors (one model training alone uses the machine).
 * A tuner running {@code nJobs} trials at once gives each trial's model
 * {@code KernelProvider.get(Parallelism.threadsPerJob(nJobs))}, or, where the layers hold their
 * kernels already, runs each trial under {@link #limitThreads}{@code (threadsPerJob(nJobs))}: a
 * limit on the calling thread that caps every kernel call made from it.
 */
public final class Parallelism {
    private Parallelism() {}

    /** The system property that sets the default thread count of the kernels. */
    public static final String THREADS_PROPERTY = "nntune.threads";

    /** The number of processors the JVM may use. */
    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** {@code nntune.threads} when set (a positive integer), else {@link #cores()}. */
    public static int defaultThreads() {
        return parseThreads(System.getProperty(THREADS_PROPERTY));
    }

    static int parseThreads(String v) {
        if (v == null || v.isBlank()) {
            return cores();
        }
        try {
            return checkThreads(Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + THREADS_PROPERTY + "=" + v
                    + " is not a whole number; allowed: a positive thread count");
        }
    }

    /** The kernel threads each of {@code nJobs} parallel trials gets: {@code max(1, cores / nJobs)}. */
    public static int threadsPerJob(int nJobs) {
        if (nJobs < 1) {
            throw new IllegalArgumentException("nJobs " + nJobs + " must be at least 1");
        }
        return Math.max(1, cores() / nJobs);
    }

    /** The calling thread's cap on kernel threads, 0 for none (see {@link #limitThreads}). */
    private static final ThreadLocal<Integer> LIMIT = ThreadLocal.withInitial(() -> 0);

    /** An active {@link #limitThreads} limit; closing it restores the thread's previous one. */
    public static final class Limit implements AutoCloseable {
        private final int previous;
        private final Thread owner;

        private Limit(int previous) {
            this.previous = previous;
            this.owner = Thread.currentThread();
        }

        @Override
        public void close() {
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("a thread limit must be closed by the thread that set it (" + owner.getName() + ")");
            }
            LIMIT.set(previous);
        }
    }

    /**
     * Caps at {@code threads} the threads of every kernel call made from the calling thread until
     * the returned limit is closed, whatever thread count the kernels were made with: a trial
     * running beside others ({@code nJobs > 1}) takes {@code limitThreads(threadsPerJob(nJobs))}
     * so that the trials, not the kernel calls, share the cores — with tiny matrices a hand-off
     * to a pool thread costs more than the part it computes. Results do not change (kernel results
     * do not depend on the thread count). Limits nest; use try-with-resources.
     */
    public static Limit limitThreads(int threads) {
        checkThreads(threads);
        Limit l = new Limit(LIMIT.get());
        LIMIT.set(threads);
        return l;
    }

    /** {@code threads}, capped by the calling thread's {@link #limitThreads} limit if it has one. */
    static int capped(int threads) {
        int limit = LIMIT.get();
        return limit > 0 ? Math.min(threads, limit) : threads;
    }

    static int checkThreads(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("thread count " + threads + " is out of range; allowed: 1 to 1024");
        }
        return threads;
    }

    /** One parallel piece of work: part {@code part} of {@code parts}. */
    @FunctionalInterface
    interface Part {
        void run(int part);
    }

    private static final class Pool {
        static final ExecutorService EXECUTOR = Executors.newFixedThreadPool(cores(), new ThreadFactory() {
            private final AtomicInteger n = new AtomicInteger();

            @Override
            public Thread newThread(Runnable r) {
                Thread t = new Thread(r, "nntune-kernels-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            }
        });
    }

    /** A call split into parts: claimed one by one by the caller and by pool threads. */
    private static final class Job implements Runnable {
        private final Part work;
        private final int parts;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger remaining;
        private final Thread caller;
        private volatile Throwable failure;

        Job(Part work, int parts) {
            this.work = work;
            this.parts = parts;
            this.remaining = new AtomicInteger(parts);
            this.caller = Thread.currentThread();
        }

        @Override
        public void run() {
            int p;
            while ((p = next.getAndIncrement()) < parts) {
                try {
                    work.run(p);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    if (remaining.decrementAndGet() == 0) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }

        void runAndWait() {
            run();
            while (remaining.get() > 0) {
                LockSupport.park(this);
            }
            Throwable t = failure;
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            if (t != null) {
                throw new IllegalStateException("a kernel part failed", t);
            }
        }
    }

    /**
     * Runs {@code parts} parts of work on at most {@code threads} threads, the caller being one of
     * them; returns when all are done. Parts are claimed one at a time, so a thread that the
     * operating system holds back takes fewer parts instead of holding up the call. One part or
     * one thread runs inline without touching the pool.
     */
    static void run(int threads, int parts, Part work) {
        threads = capped(threads);
        if (parts <= 1 || threads <= 1) {
            for (int p = 0; p < parts; p++) {
                work.run(p);
            }
            return;
        }
        Job job = new Job(work, parts);
        int helpers = Math.min(threads, parts) - 1;
        for (int i = 0; i < helpers; i++) {
            Pool.EXECUTOR.execute(job);
        }
        job.runAndWait();
    }
}
