package org.nntune.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Heap figures as the benchmarks quote them: used heap after a full GC. A single
 * {@code System.gc()} may leave floating garbage, so we collect until the figure settles.
 */
public final class HeapProbe {
    private HeapProbe() {}

    /** Used heap in bytes after repeated full collections. */
    public static long usedAfterFullGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long previous = Long.MAX_VALUE;
        long used = 0;
        for (int i = 0; i < 5; i++) {
            memory.gc();
            used = memory.getHeapMemoryUsage().getUsed();
            if (previous != Long.MAX_VALUE && Math.abs(previous - used) < (1 << 20)) {
                break;
            }
            previous = used;
        }
        return used;
    }

    /** {@link #usedAfterFullGc()} in MiB. */
    public static double usedAfterFullGcMiB() {
        return usedAfterFullGc() / (1024.0 * 1024.0);
    }
}
