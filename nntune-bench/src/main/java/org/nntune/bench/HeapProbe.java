package org.nntune.bench;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Heap figures as the benchmarks quote them: used heap after a full GC (a single
 * {@code System.gc()} may leave floating garbage, so we collect until the figure settles), and the
 * peak used heap over a span of work ({@link #watchPeak()}).
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

    /**
     * Starts watching the used heap: the heap is fullest just before a collection, so every GC
     * notification's used-before figure (all heap pools) is a peak candidate, as is the used heap
     * whenever {@link Peak#usedPeak()} is read.
     */
    public static Peak watchPeak() {
        return new Peak();
    }

    /** The peak used heap since {@link #watchPeak()}; {@link #close()} stops watching. */
    public static final class Peak implements AutoCloseable {
        private final AtomicLong peak = new AtomicLong();
        private final AtomicLong collections = new AtomicLong();
        private final List<NotificationEmitter> emitters = new ArrayList<>();
        private final NotificationListener listener = this::onGc;

        private Peak() {
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    pool.resetPeakUsage();
                }
            }
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener(listener, null, null);
                    emitters.add(emitter);
                }
            }
            record(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }

        private void onGc(Notification n, Object handback) {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                return;
            }
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            long before = 0;
            for (MemoryUsage u : info.getGcInfo().getMemoryUsageBeforeGc().values()) {
                before += u.getUsed();
            }
            // the map also holds non-heap pools (code cache, metaspace): subtract them as they were after
            long nonHeap = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() != MemoryType.HEAP) {
                    MemoryUsage u = info.getGcInfo().getMemoryUsageBeforeGc().get(pool.getName());
                    nonHeap += u == null ? 0 : u.getUsed();
                }
            }
            collections.incrementAndGet();
            record(before - nonHeap);
        }

        private void record(long used) {
            peak.accumulateAndGet(used, Math::max);
        }

        /** The highest used heap seen, in bytes. */
        public long usedPeak() {
            record(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            return peak.get();
        }

        /** The collections seen. */
        public long collections() {
            return collections.get();
        }

        /** Σ of each heap pool's own peak since the start: an upper bound (the pools peak at different times). */
        public long poolPeaksSum() {
            long sum = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    sum += pool.getPeakUsage().getUsed();
                }
            }
            return sum;
        }

        @Override
        public void close() {
            for (NotificationEmitter e : emitters) {
                try {
                    e.removeNotificationListener(listener);
                } catch (javax.management.ListenerNotFoundException ignored) {
                    // already gone
                }
            }
        }
    }
}
