package org.nntune.nn.tensor;

import org.nntune.nn.internal.kernels.KernelThreads;

/**
 * The threads a kernel call may use, and the one pool they come from. The kernels themselves are
 * internal; this class is the public handle on their threads.
 *
 * <p><b>Budget.</b> The kernels have a thread count; a call with {@code t} threads splits its
 * work into parts and runs them on the calling thread and at most {@code t − 1} threads of a
 * single JVM-wide pool of daemon threads, one per available processor. Threads claim parts one at
 * a time, and the caller claims parts that no pool thread has started yet, so a call never waits
 * for a busy pool nor for a thread the system holds back: with {@code nJobs} trials training in
 * parallel, each given {@code cores / nJobs} threads ({@link #threadsPerJob(int)}), at most
 * {@code cores} threads compute at any time and nothing is oversubscribed.
 *
 * <p><b>Default.</b> {@link #defaultThreads()}: the system property {@code nntune.threads} when
 * set, else the number of available processors (one model training alone uses the machine).
 * A tuner running {@code nJobs} trials at once runs each trial under
 * {@link #limitThreads}{@code (threadsPerJob(nJobs))}: a limit on the calling thread that caps
 * every kernel call made from it.
 */
public final class Parallelism {
    private Parallelism() {}

    /** The system property that sets the default thread count of the kernels. */
    public static final String THREADS_PROPERTY = KernelThreads.THREADS_PROPERTY;

    /** The number of processors the JVM may use. */
    public static int cores() {
        return KernelThreads.cores();
    }

    /** {@code nntune.threads} when set (a positive integer), else {@link #cores()}. */
    public static int defaultThreads() {
        return KernelThreads.defaultThreads();
    }

    /** The kernel threads each of {@code nJobs} parallel trials gets: {@code max(1, cores / nJobs)}. */
    public static int threadsPerJob(int nJobs) {
        if (nJobs < 1) {
            throw new IllegalArgumentException("nJobs " + nJobs + " must be at least 1");
        }
        return Math.max(1, cores() / nJobs);
    }

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
            KernelThreads.restoreLimit(previous);
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
        return new Limit(KernelThreads.setLimit(threads));
    }
}
