package org.nntune.bench.search;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.FashionMnist;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.TrainTest;
import org.nntune.search.CrossValidatedSearch;
import org.nntune.search.CvStrategy;
import org.nntune.search.MlpSpace;
import org.nntune.search.SearchResult;
import org.nntune.tune.pruner.MedianPruner;
import org.nntune.tune.sampler.TpeSampler;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * nntune's side of ../shared/bench/optuna_fmnist.py (copy: scripts/optuna_fmnist.py): TPE
 * (seeded) and the median pruner (5 start-up trials) tune a 784-H-10 MLP on Fashion-MNIST,
 * training on the first 50,000 training images and validating on the last 10,000 after every
 * epoch (the validation accuracy goes to the pruner), 20 trials of 3 epochs. The same space:
 * lr log-uniform [1e-4, 1e-1]; hidden {64, 128, 256}; batch size {32, 64, 128, 256}; optimizer
 * sgd (momentum 0.9), adam or rmsprop; L2 weight decay log-uniform [1e-6, 1e-2] (PyTorch's
 * weight_decay); dropout uniform [0, 0.5] after the hidden ReLU; pixels scaled to [0, 1]. The
 * best trial's own model is scored on the 10,000 test images.
 *
 * <p>For each seed it times the study (data loading excluded, as in the Python script) and prints
 * one JSON line with the medians over the seeds: {@code study_wall_s}, {@code test_acc_best_trial_model},
 * {@code best_val_acc}, the complete and pruned counts, and the runs.
 *
 * <p>{@code --seed-counter FILE}: one seed per process, in turn ({@link SklearnGrid#nextSeed}).
 *
 * <pre>java … org.nntune.bench.search.OptunaFmnist [--seeds 0,1,2,3,4] [--trials 20] [--epochs 3] [--jobs 2] [--seed-counter FILE]</pre>
 */
public final class OptunaFmnist {
    private OptunaFmnist() {}

    /** The search space of optuna_fmnist.py, its epochs left to the caller. */
    static MlpSpace.Builder space() {
        return MlpSpace.builder().fixedDefaults().preprocessing("pixels").fix("activation", "relu")
                .lr(1e-4, 1e-1)
                .set("hidden", List.of(64, 128, 256))
                .set("batch_size", List.of(32, 64, 128, 256))
                .set("optimizer", List.of("sgd", "adam", "rmsprop")).fix("momentum", 0.9)
                .set("weight_decay", Map.of("low", 1e-6, "high", 1e-2, "log", true))
                .range("dropout", 0, 0.5);
    }

    /** optuna_fmnist.py's hold-out of {@code n} training images: train on the first n − 10,000, validate on the last 10,000. */
    static Split holdout(int n) {
        int[] fit = new int[n - 10_000];
        int[] val = new int[10_000];
        Arrays.setAll(fit, i -> i);
        Arrays.setAll(val, i -> n - 10_000 + i);
        return new Split(fit, val);
    }

    public static void main(String[] args) throws java.io.IOException {
        List<Long> seeds = List.of(0L, 1L, 2L, 3L, 4L);
        int trials = 20;
        int epochs = 3;
        int jobs = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seeds" -> seeds = Arrays.stream(args[++i].split(",")).map(Long::parseLong).toList();
                case "--trials" -> trials = Integer.parseInt(args[++i]);
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--jobs" -> jobs = Integer.parseInt(args[++i]);
                case "--seed-counter" -> seeds = List.of(SklearnGrid.nextSeed(Path.of(args[++i]), seeds));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: [--seeds 0,1,2,3,4] [--trials 20] [--epochs 3] [--jobs 2] [--seed-counter FILE]");
            }
        }
        TrainTest data = FashionMnist.load();
        Dataset all = data.train();
        Split holdout = holdout(all.size());
        MlpSpace space = space().epochs(epochs).build();
        List<Double> walls = new ArrayList<>();
        List<Double> tests = new ArrayList<>();
        List<Double> vals = new ArrayList<>();
        List<Double> completes = new ArrayList<>();
        List<Double> prunedCounts = new ArrayList<>();
        StringBuilder runs = new StringBuilder();
        for (long seed : seeds) {
            long t0 = System.nanoTime();
            SearchResult r = CrossValidatedSearch.builder(space).cv(CvStrategy.predefined(List.of(holdout)))
                    .sampler(new TpeSampler()).pruner(new MedianPruner()).nTrials(trials).nJobs(jobs).seed(seed)
                    .keepBestTrialModel(true).refit(false).build().fit(all);
            double wall = (System.nanoTime() - t0) / 1e9;
            double test = r.bestTrialEstimator().orElseThrow().score(data.test());
            long complete = r.cvResults().rows().stream().filter(row -> row.state() == TrialState.COMPLETE).count();
            long pruned = r.cvResults().rows().stream().filter(row -> row.state() == TrialState.PRUNED).count();
            int epochsTotal = r.cvResults().rows().stream().mapToInt(row -> row.maxEpochs()).sum();
            walls.add(wall);
            tests.add(test);
            vals.add(r.bestScore());
            completes.add((double) complete);
            prunedCounts.add((double) pruned);
            runs.append(String.format(Locale.ROOT, "%s{\"seed\": %d, \"study_wall_s\": %.2f, \"test_acc_best_trial_model\": %.4f,"
                            + " \"best_val_acc\": %.4f, \"complete\": %d, \"pruned\": %d, \"epochs_trained_total\": %d,"
                            + " \"best_params\": \"%s\"}", runs.length() == 0 ? "" : ", ", seed, wall, test, r.bestScore(),
                    complete, pruned, epochsTotal, r.bestParams()));
            System.err.printf(Locale.ROOT, "seed %d: %.1f s, test %.4f, val %.4f, %d complete, %d pruned, %d epochs, best %s%n",
                    seed, wall, test, r.bestScore(), complete, pruned, epochsTotal, r.bestParams());
        }
        System.out.printf(Locale.ROOT, "{\"script\": \"OptunaFmnist\", \"jobs\": %d, \"trials\": %d, \"epochs_per_trial\": %d,"
                        + " \"study_wall_s\": %.2f, \"test_acc_best_trial_model\": %.4f, \"best_val_acc\": %.4f, \"complete\": %.1f,"
                        + " \"pruned\": %.1f, \"runs\": [%s]}%n", jobs, trials, epochs, SklearnGrid.median(walls),
                SklearnGrid.median(tests), SklearnGrid.median(vals), SklearnGrid.median(completes),
                SklearnGrid.median(prunedCounts), runs);
    }
}
