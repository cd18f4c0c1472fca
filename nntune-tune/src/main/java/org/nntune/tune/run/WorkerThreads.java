package org.nntune.tune.run;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a runner's threads come from: the pool its parallel workers run on and the scheduler of
 * the heartbeats. Injected so that tests (and hosts with their own thread management) choose;
 * {@link #daemon(String)} makes named daemon threads. The runner shuts down what it gets.
 */
public interface WorkerThreads {

    /** @return an executor that runs {@code n} workers at once */
    ExecutorService workers(int n);

    /** @return a scheduler for the heartbeats of running trials */
    ScheduledExecutorService heartbeats();

    /**
     * @return daemon threads named {@code nntune-NAME-worker-i} and {@code nntune-NAME-heartbeat},
     *     so a run never keeps the JVM alive and a thread dump says whose threads they are
     */
    static WorkerThreads daemon(String name) {
        return new WorkerThreads() {
            @Override
            public ExecutorService workers(int n) {
                AtomicInteger threadNo = new AtomicInteger();
                return Executors.newFixedThreadPool(n, named(() -> "nntune-" + name + "-worker-" + threadNo.incrementAndGet()));
            }

            @Override
            public ScheduledExecutorService heartbeats() {
                return Executors.newSingleThreadScheduledExecutor(named(() -> "nntune-" + name + "-heartbeat"));
            }
        };
    }

    private static ThreadFactory named(java.util.function.Supplier<String> names) {
        return r -> {
            Thread t = new Thread(r, names.get());
            t.setDaemon(true);
            return t;
        };
    }
}
