package org.nntune.bench.search;

import org.nntune.bench.HeapProbe;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.search.CrossValidatedSearch;
import org.nntune.search.CvStrategy;
import org.nntune.search.MlpSpace;
import org.nntune.search.SearchResult;
import org.nntune.tune.pruner.MedianPruner;

import java.util.Locale;

/**
 * Memory stays flat across trials: a 200-trial cross-validated search (random sampler, median
 * pruner, so the folds train in lock-step on their own threads) over MLPs on digits, 3 folds,
 * 2 epochs per fold. After trial 20 and after trial 200 (callbacks on the trial's thread, one job)
 * it takes the used heap after a full GC. Target: heap at 200 ≤ heap at 20 + 50 MB. Prints one
 * JSON line.
 *
 * <pre>java $(cat nntune-bench/target/classes/nntune-jvm.flags) -Xmx1g -cp nntune-bench/target/benchmarks.jar org.nntune.bench.search.MemoryFlat</pre>
 */
public final class MemoryFlat {
    private MemoryFlat() {}

    public static void main(String[] args) {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Dataset digits = Datasets.digits();
        Split split = Splits.canonical(digits);
        Dataset train = split.train(digits);
        double[] heap = new double[2];
        MlpSpace space = MlpSpace.builder().epochs(2).build();
        long t0 = System.nanoTime();
        SearchResult r = CrossValidatedSearch.builder(space).cv(CvStrategy.stratifiedKFold(3)).nTrials(trials).seed(0)
                .pruner(new MedianPruner()).refit(false)
                .callback((study, trial) -> {
                    if (trial.number() == 19) {
                        heap[0] = HeapProbe.usedAfterFullGcMiB();
                    } else if (trial.number() == trials - 1) {
                        heap[1] = HeapProbe.usedAfterFullGcMiB();
                    }
                }).build().fit(train);
        double wall = (System.nanoTime() - t0) / 1e9;
        long pruned = r.cvResults().rows().stream().filter(row -> row.state().name().equals("PRUNED")).count();
        System.out.printf(Locale.ROOT, "{\"trials\": %d, \"pruned\": %d, \"heap_trial20_mib\": %.2f, \"heap_trial%d_mib\": %.2f,"
                        + " \"growth_mib\": %.2f, \"target_met\": %b, \"wall_s\": %.1f}%n", r.cvResults().rows().size(), pruned,
                heap[0], trials, heap[1], heap[1] - heap[0], heap[1] <= heap[0] + 50, wall);
    }
}
