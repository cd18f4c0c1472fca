package org.nntune.nn.internal.kernels;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads a kernel call may use, and the one pool they come from (the machinery behind the
 * public {@link org.nntune.nn.tensor.Parallelism}, which documents the budget and the limits).
 *
 * <p>A {@link Kernels} instance has a thread count ({@link Kernels#threads()}); a call with
 * {@code t} threads splits its work into parts and runs them on the calling thread and at most
 * {@code t − 1} threads of a single JVM-wide pool of daemon threads, one per available processor.
 * Threads claim parts one at a time, and the caller claims parts that no pool thread has started
 * yet, so a call never waits for a busy pool nor for a thread the system holds back.
 */
public final class KernelThreads {
    private KernelThreads() {}

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

    /** The calling thread's cap on kernel threads, 0 for none (see {@link #setLimit}). */
    private static final ThreadLocal<Integer> LIMIT = ThreadLocal.withInitial(() -> 0);

    /**
     * Caps at {@code threads} the threads of every kernel call made from the calling thread
     * (see {@link org.nntune.nn.tensor.Parallelism#limitThreads}); returns the previous cap, which
     * {@link #restoreLimit} puts back.
     */
    public static int setLimit(int threads) {
        checkThreads(threads);
        int previous = LIMIT.get();
        LIMIT.set(threads);
        return previous;
    }

    /** Puts back the calling thread's cap that {@link #setLimit} returned. */
    public static void restoreLimit(int previous) {
        LIMIT.set(previous);
    }

    /** {@code threads}, capped by the calling thread's {@link #setLimit} limit if it has one. */
    static int capped(int threads) {
        int limit = LIMIT.get();
        return limit > 0 ? Math.min(threads, limit) : threads;
    }

    /** {@code threads} when it is 1 to 1024. */
    public static int checkThreads(int threads) {
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
