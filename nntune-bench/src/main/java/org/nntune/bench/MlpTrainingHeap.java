package org.nntune.bench;

import java.io.IOException;
import java.util.Locale;

/**
 * The heap while the Fashion-MNIST MLP trains: runs {@link MlpEngineTraining} (same arguments;
 * its JSON line comes first) while {@link HeapProbe#watchPeak()} watches, then prints one JSON line
 * with the peak used heap, the sum of the heap pools' own peaks (an upper bound), the used heap
 * after a full GC, the collections seen and the maximum heap ({@code -Xmx}).
 *
 * <pre>
 * java … -Xmx1g … org.nntune.bench.MlpTrainingHeap [MlpEngineTraining options]
 * </pre>
 */
public final class MlpTrainingHeap {
    private MlpTrainingHeap() {}

    public static void main(String[] args) throws IOException {
        double mib = 1024.0 * 1024.0;
        try (HeapProbe.Peak peak = HeapProbe.watchPeak()) {
            MlpEngineTraining.main(args);
            System.out.printf(Locale.ROOT, "{\"heap_peak_used_mib\": %.1f, \"heap_pool_peaks_sum_mib\": %.1f, "
                            + "\"heap_after_full_gc_mib\": %.1f, \"gc_count\": %d, \"max_heap_mib\": %.0f}%n",
                    peak.usedPeak() / mib, peak.poolPeaksSum() / mib, HeapProbe.usedAfterFullGcMiB(),
                    peak.collections(), Runtime.getRuntime().maxMemory() / mib);
        }
    }
}
