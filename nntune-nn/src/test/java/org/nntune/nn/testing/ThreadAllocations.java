package org.nntune.nn.testing;

import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Assumptions;

/** The bytes the current thread has allocated, for tests that check that a path allocates nothing (or little). */
public final class ThreadAllocations {
    private ThreadAllocations() {}

    /**
     * A counter of the bytes the calling thread has allocated so far (read it before and after the
     * code under test, on the same thread); skips the test where the JVM has no such counter.
     */
    public static LongSupplier counter() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs the JVM's per-thread allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported(), "allocation counter off");
        threads.setThreadAllocatedMemoryEnabled(true);
        long tid = Thread.currentThread().getId();
        return () -> threads.getThreadAllocatedBytes(tid);
    }
}
