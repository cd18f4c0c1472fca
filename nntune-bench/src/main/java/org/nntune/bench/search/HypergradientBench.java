package org.nntune.bench.search;

import org.nntune.bench.Stats;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.FashionMnist;
import org.nntune.nn.data.FittedTransform;
import org.nntune.nn.data.PixelScaler;
import org.nntune.nn.data.Preprocessor;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.nn.data.TrainTest;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.model.EarlyStopping;
import org.nntune.nn.model.EpochResult;
import org.nntune.nn.model.FitOptions;
import org.nntune.nn.model.History;
import org.nntune.nn.model.Sequential;
import org.nntune.nn.model.TrainingControl;
import org.nntune.nn.model.TrainingListener;
import org.nntune.nn.optim.Hypergradient;
import org.nntune.nn.optim.ImplicitL2;
import org.nntune.nn.optim.LearningRateSchedule;
import org.nntune.nn.optim.Optimizer;
import org.nntune.tune.pruner.MedianPruner;
import org.nntune.tune.pruner.Pruner;
import org.nntune.tune.sampler.TpeSampler;
import org.nntune.tune.study.Log;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.TrialPrunedException;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hyperparameters adapted inside one training run against a tuner's search of them, on the same
 * network and data, per seed, with the medians over the seeds:
 * <ul>
 * <li>{@code lr}: Fashion-MNIST MLP 784-128-10 (ReLU, Adam, batch 64, 3 epochs, pixels in [0, 1]),
 *     trained on the first 50,000 training images, validated on the last 10,000, tested on the
 *     10,000 test images. Adam-HD with the standardised rule's settings ({@code Hypergradient.standardized}:
 *     the multiplicative rule with the cosine standardised by its running moments, a warm-up, a
 *     settling β; {@code --multiplicative} for the multiplicative rule's settings, {@code --hyper-lr β}
 *     for the paper's additive rule instead) started at lr 1e-4 and at 1e-1 (one run each, the compute of one trial) against the best fixed lr of a 20-trial TPE search over lr ∈ [1e-5, 1e-1] (log; median
 *     pruner after each epoch, like Optuna's), the best trial's own model tested; and, side by
 *     side, Optuna + PyTorch doing that 20-trial lr search ({@code scripts/optuna_fmnist.py --space lr}).
 *     {@code --schedule cosine} (a cosine to 0 over the 3 epochs) or {@code --schedule step} (the rate
 *     times 0.2 for the last of the 3 epochs): the Adam-HD runs take that schedule (it scales the
 *     adapted rate); the search's lr is also retrained with it at the Adam-HD runs' seed, and a second
 *     search runs with it in every trial (the comparison where both sides have the schedule).</li>
 * <li>{@code l2}: the same MLP on the first 10,000 training images (where L2 matters), 10 epochs,
 *     Adam 1e-3: per-layer implicit L2 (defaults, tuned on the 10,000 validation images), the best
 *     by validation of {@code --l2-runs} (4) runs, against the best L2 of a 20-trial TPE search over
 *     l2 ∈ [1e-6, 1e-1] (log), each trial scored on the same validation images: 1/5 of the
 *     search's epochs.</li>
 * <li>{@code small}: digits and iris (canonical splits, standard scaler, 20 % of the training
 *     rows held out for validation): lr by hypergradient (Adam-HD from 1e-3, the additive rule with
 *     β 1e-4, the study files' default) and per-layer
 *     implicit L2, default settings, against the best (lr, l2) of a 20-trial TPE search; the adapted
 *     side's training without decay is printed too. {@code --small-fixed-lr}: the adapted side at
 *     Adam's fixed 1e-3; {@code --small-sgd}: by SGD 0.05 with momentum 0.9, both with implicit L2 alone.</li>
 * </ul>
 * One JSON line per part.
 *
 * <pre>java … org.nntune.bench.search.HypergradientBench [--parts lr,l2,small] [--seeds 0,1,2] [--hyper-lr 1e-5 | --multiplicative]
 *     [--schedule constant|cosine|step] [--l2-runs 4] [--l2-final-epoch] [--l2-objective calibrated|loss] [--no-optuna]</pre>
 * ({@code --l2-objective loss}: implicit L2 on the plain validation loss instead of the loss at its best temperature.)
 */
public final class HypergradientBench {
    private HypergradientBench() {}

    private static final int TRIALS = 20;
    /** The implicit-L2 settings of every part: the defaults, or with {@code --l2-objective loss} the plain validation loss. */
    private static ImplicitL2 implicit = ImplicitL2.defaults();
    /** {@code --small-fixed-lr}: the small part's adapted side at Adam's fixed 1e-3, implicit L2 alone. */
    private static boolean smallFixedLr;
    /** {@code --small-sgd}: the small part's adapted side trains by SGD 0.05, momentum 0.9 (fixed rate), with implicit L2. */
    private static boolean smallSgd;
    /** {@code --l2-probe-implicit-only}: the L2 probe without its fixed-L2 runs. */
    private static boolean probeImplicitOnly;
    /**
     * {@code --l2-screen N}: the L2 part also screens N starts (seeds s + 1000·r) by their first epoch's
     * validation accuracy and trains the best (budget − N) / epochs of them to the end, for implicit
     * L2, the search's L2 and no decay alike: the same epochs as the best of {@code --l2-runs}.
     */
    private static int l2Screen;

    public static void main(String[] args) throws Exception {
        List<Long> seeds = List.of(0L, 1L, 2L, 3L, 4L);
        List<String> parts = List.of("lr", "l2", "small");
        double fmnistHyperLr = Double.NaN; // the standardised rule's defaults unless --hyper-lr asks for the additive one
        boolean multiplicative = false; // --multiplicative: the multiplicative rule's defaults instead
        int l2Runs = 4;
        boolean l2BestEpoch = true;
        boolean optuna = true;
        String schedule = "constant";
        int l2Train = 10_000;
        int l2Epochs = 10;
        String l2Optimizer = "adam";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seeds" -> seeds = Arrays.stream(args[++i].split(",")).map(Long::parseLong).toList();
                case "--parts" -> parts = List.of(args[++i].split(","));
                case "--hyper-lr" -> fmnistHyperLr = Double.parseDouble(args[++i]);
                case "--multiplicative" -> multiplicative = true;
                case "--no-optuna" -> optuna = false;
                case "--schedule" -> schedule = args[++i];
                case "--l2-train" -> l2Train = Integer.parseInt(args[++i]);
                case "--l2-epochs" -> l2Epochs = Integer.parseInt(args[++i]);
                case "--l2-optimizer" -> l2Optimizer = args[++i];
                case "--l2-runs" -> l2Runs = Integer.parseInt(args[++i]);
                case "--l2-final-epoch" -> l2BestEpoch = false;
                case "--l2-objective" -> implicit = switch (args[++i]) {
                    case "calibrated" -> ImplicitL2.defaults();
                    case "loss" -> ImplicitL2.defaults().withCalibrated(false);
                    default -> throw new IllegalArgumentException("--l2-objective is calibrated or loss, got " + args[i]);
                };
                case "--l2-probe-implicit-only" -> probeImplicitOnly = true;
                case "--l2-screen" -> l2Screen = Integer.parseInt(args[++i]);
                case "--l2-settings" -> implicit = withSettings(implicit, args[++i]);
                case "--small-fixed-lr" -> smallFixedLr = true;
                case "--small-sgd" -> smallSgd = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: [--parts lr,l2,small] [--seeds 0,1,2] [--hyper-lr 1e-5 | --multiplicative] [--schedule constant|cosine|step] [--l2-runs 4] [--l2-train 10000] [--l2-epochs 10] [--l2-optimizer adam|sgd]"
                        + " [--l2-objective calibrated|loss] [--l2-settings terms=5,period=10,hyper_lr=0.05,initial=1e-4,per_layer=true] [--l2-probe-implicit-only] [--small-fixed-lr | --small-sgd] [--l2-final-epoch] [--no-optuna]");
            }
        }
        if (parts.contains("lr") || parts.contains("l2") || parts.contains("probe") || parts.contains("l2probe")) {
            TrainTest data = FashionMnist.load();
            if (parts.contains("probe")) {
                probe(data, seeds.get(0));
            }
            if (parts.contains("lr")) {
                lr(data, seeds, fmnistHyperLr, multiplicative, optuna, schedule);
            }
            if (parts.contains("l2")) {
                l2(data, seeds, l2Runs, l2BestEpoch, l2Train, l2Epochs, l2Optimizer(l2Optimizer));
            }
            if (parts.contains("l2probe")) {
                l2Probe(data, seeds, l2BestEpoch, l2Train, l2Epochs, l2Optimizer(l2Optimizer));
            }
        }
        if (parts.contains("small")) {
            small(seeds);
        }
    }

    private static Dataset range(Dataset all, int from, int to) {
        int[] idx = new int[to - from];
        Arrays.setAll(idx, i -> from + i);
        return all.subset(idx);
    }

    private static Sequential mlp(int inputs, int hidden, int classes, FittedTransform pre, long seed) {
        return Sequential.builder().input(inputs).dense(hidden, Activation.RELU).dense(classes).preprocessing(pre).seed(seed)
                .build();
    }

    /** A study whose trials report the validation accuracy per epoch; returns the best trial's test accuracy and its params. */
    private record SearchOutcome(double testAccuracy, Map<String, Object> params, double seconds, int epochs,
                                 Map<Integer, double[]> trials) {

        /**
         * The test accuracy of the best by validation among the search's first {@code k} trials (all
         * complete): what the search would have given with {@code k} trials' compute.
         */
        double bestOfFirst(int k) {
            return trials.entrySet().stream().filter(e -> e.getKey() < k).max(java.util.Comparator.comparingDouble(
                    e -> e.getValue()[0])).map(e -> e.getValue()[1]).orElse(Double.NaN);
        }
    }

    private interface TrialFit {
        /** Trains the trial's network, reporting each epoch's validation accuracy; returns {validation, test} accuracy. */
        double[] fit(org.nntune.tune.study.Trial trial, TrainingListener report) throws Exception;
    }

    private static SearchOutcome search(long seed, Pruner pruner, TrialFit fit) {
        Study study = Study.builder("hd-bench-" + seed).direction(StudyDirection.MAXIMIZE).sampler(new TpeSampler())
                .pruner(pruner).seed(seed).create();
        Map<Integer, Double> test = new ConcurrentHashMap<>();
        Map<Integer, double[]> trials = new ConcurrentHashMap<>();
        int[] epochs = {0};
        long t0 = System.nanoTime();
        study.optimize(trial -> {
            boolean[] pruned = {false};
            TrainingListener report = new TrainingListener() {
                @Override
                public void onEpochEnd(TrainingControl control, EpochResult r) {
                    epochs[0]++;
                    trial.report(r.epoch(), r.validation().get("val_accuracy"));
                    if (trial.shouldPrune()) {
                        pruned[0] = true;
                        control.stop("pruned");
                    }
                }
            };
            double[] acc = fit.fit(trial, report);
            if (pruned[0]) {
                throw new TrialPrunedException("pruned");
            }
            test.put(trial.number(), acc[1]);
            trials.put(trial.number(), acc);
            return acc[0];
        }, TRIALS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        FrozenTrial best = study.findBestTrial().orElseThrow();
        return new SearchOutcome(test.get(best.number()), best.params(), seconds, epochs[0], trials);
    }

    private static void lr(TrainTest data, List<Long> seeds, double beta, boolean multiplicative, boolean optuna,
                           String scheduleName) throws Exception {
        LearningRateSchedule schedule = switch (scheduleName) {
            case "constant" -> LearningRateSchedule.constant();
            case "cosine" -> LearningRateSchedule.cosine(0, 0);
            case "step" -> LearningRateSchedule.step(2, 0.2); // 3 epochs: the last at 0.2×
            default -> throw new IllegalArgumentException("--schedule is constant, cosine or step, got " + scheduleName);
        };
        boolean scheduled = !scheduleName.equals("constant");
        Dataset all = data.train();
        Dataset train = range(all, 0, 50_000);
        Dataset val = range(all, 50_000, 60_000);
        PixelScaler px = PixelScaler.of(784);
        int epochs = 3;
        // a TPE search of a fixed Adam rate, each trial at its own seed and under the given schedule
        java.util.function.BiFunction<Long, LearningRateSchedule, SearchOutcome> lrSearch = (seed, sched) ->
                search(seed, new MedianPruner(), (trial, report) -> {
                    double lr = trial.suggestFloat("lr", 1e-5, 1e-1, Log.YES);
                    Sequential m = mlp(784, 128, 10, px, seed + trial.number());
                    m.fit(train, FitOptions.builder().epochs(epochs).batchSize(64).seed(seed + trial.number()).validation(val)
                            .optimizer(Optimizer.adam(lr)).schedule(sched).listener(report).build());
                    return new double[] {m.evaluate(val).accuracy(), m.evaluate(data.test()).accuracy()};
                });
        List<Double> searchTest = new ArrayList<>();
        List<Double> searchWall = new ArrayList<>();
        List<Double> lowTest = new ArrayList<>();
        List<Double> highTest = new ArrayList<>();
        List<Double> hdWall = new ArrayList<>();
        List<Double> retrainedTest = new ArrayList<>();
        List<Double> retrainedScheduledTest = new ArrayList<>();
        List<Double> searchScheduledTest = new ArrayList<>();
        StringBuilder runs = new StringBuilder();
        for (long seed : seeds) {
            SearchOutcome s = lrSearch.apply(seed, LearningRateSchedule.constant());
            double[] hd = new double[2];
            String[] finalLr = new String[2];
            long t0 = System.nanoTime();
            double[] starts = {1e-4, 1e-1};
            for (int k = 0; k < 2; k++) {
                Sequential m = mlp(784, 128, 10, px, seed);
                Optimizer hdOpt = !Double.isNaN(beta) ? Optimizer.hypergradient(Optimizer.adam(starts[k]), beta, false)
                        : multiplicative ? Hypergradient.multiplicative(Optimizer.adam(starts[k]), false)
                        : Hypergradient.standardized(Optimizer.adam(starts[k]), false);
                History h = m.fit(train, FitOptions.builder().epochs(epochs).batchSize(64).seed(seed).optimizer(hdOpt)
                        .schedule(schedule).build());
                hd[k] = m.evaluate(data.test()).accuracy();
                // the adapted rate before a schedule's factor (lr_base, only with a schedule), as this figure always was
                Map<String, Double> rates = h.epochs().get(epochs - 1).adaptedRates();
                finalLr[k] = String.format(Locale.ROOT, "%.3g", rates.getOrDefault("lr_base", rates.get("lr")));
            }
            double hdSeconds = (System.nanoTime() - t0) / 1e9 / 2;
            // the search's lr in one run at the Adam-HD runs' seed: the search's figure without its choice among 20 trainings
            double tpeLr = ((Number) s.params().get("lr")).doubleValue();
            java.util.function.Function<LearningRateSchedule, Double> oneRun = sched -> {
                Sequential m = mlp(784, 128, 10, px, seed);
                m.fit(train, FitOptions.builder().epochs(epochs).batchSize(64).seed(seed).optimizer(Optimizer.adam(tpeLr))
                        .schedule(sched).build());
                return m.evaluate(data.test()).accuracy();
            };
            double retrained = oneRun.apply(LearningRateSchedule.constant());
            double retrainedScheduled = Double.NaN;
            double searchScheduled = Double.NaN;
            if (scheduled) {
                retrainedScheduled = oneRun.apply(schedule);
                // the symmetric comparison: a search whose every trial takes the same schedule
                searchScheduled = lrSearch.apply(seed, schedule).testAccuracy();
                retrainedScheduledTest.add(retrainedScheduled);
                searchScheduledTest.add(searchScheduled);
            }
            retrainedTest.add(retrained);
            searchTest.add(s.testAccuracy());
            searchWall.add(s.seconds());
            lowTest.add(hd[0]);
            highTest.add(hd[1]);
            hdWall.add(hdSeconds);
            String line = String.format(Locale.ROOT, "{\"seed\": %d, \"tpe_best_lr\": %.4g, \"tpe_test\": %.4f, \"tpe_wall_s\": %.1f,"
                            + " \"tpe_epochs\": %d, \"tpe_lr_retrained_at_seed_test\": %.4f, \"tpe_lr_scheduled_at_seed_test\": %.4f,"
                            + " \"tpe_scheduled_search_test\": %.4f, \"hd_from_1e-4_test\": %.4f,"
                            + " \"hd_from_1e-1_test\": %.4f, \"hd_final_lr\": [%s, %s], \"hd_wall_s_per_run\": %.1f}",
                    seed, tpeLr, s.testAccuracy(), s.seconds(), s.epochs(), retrained, retrainedScheduled, searchScheduled, hd[0], hd[1], finalLr[0], finalLr[1], hdSeconds);
            System.err.println("lr " + line + " load " + load());
            runs.append(runs.length() == 0 ? "" : ", ").append(line);
        }
        String optunaJson = optuna ? optuna(seeds, epochs) : "null";
        System.out.printf(Locale.ROOT, "{\"part\": \"lr\", \"rule\": \"%s\", \"seeds\": %s, \"tpe_test_median\": %.4f,"
                        + " \"tpe_lr_retrained_test_median\": %.4f, \"tpe_lr_scheduled_test_median\": %.4f,"
                        + " \"tpe_scheduled_search_test_median\": %.4f,"
                        + " \"hd_from_1e-4_test_median\": %.4f, \"hd_from_1e-1_test_median\": %.4f, \"tpe_wall_s_median\": %.1f,"
                        + " \"hd_wall_s_per_run_median\": %.1f, \"load\": \"%s\", \"runs\": [%s], \"optuna\": %s}%n",
                (!Double.isNaN(beta) ? "additive, beta " + beta : multiplicative ? "multiplicative" : "standardized")
                        + (scheduled ? ", " + scheduleName + " schedule" : ""), seeds,
                Stats.median(searchTest), Stats.median(retrainedTest),
                scheduled ? Stats.median(retrainedScheduledTest) : Double.NaN,
                scheduled ? Stats.median(searchScheduledTest) : Double.NaN, Stats.median(lowTest), Stats.median(highTest), Stats.median(searchWall),
                Stats.median(hdWall), load(), runs, optunaJson);
    }

    /** Adam-HD from both starts at several β, and fixed Adam 1e-3, 3 epochs: how β was chosen for the lr part. */
    private static void probe(TrainTest data, long seed) {
        Dataset all = data.train();
        Dataset train = range(all, 0, 50_000);
        PixelScaler px = PixelScaler.of(784);
        for (double beta : new double[] {0, 1e-8, 1e-7, 1e-6, 1e-5}) {
            for (double start : beta == 0 ? new double[] {1e-3} : new double[] {1e-4, 1e-1}) {
                Sequential m = mlp(784, 128, 10, px, seed);
                long t0 = System.nanoTime();
                Optimizer o = beta == 0 ? Optimizer.adam(start) : Optimizer.hypergradient(Optimizer.adam(start), beta, false);
                try {
                    History h = m.fit(train, FitOptions.builder().epochs(3).batchSize(64).seed(seed).optimizer(o).build());
                    System.out.printf(Locale.ROOT, "probe beta %g start %g: test %.4f, lr per epoch %s, %.1f s, load %s%n", beta,
                            start, m.evaluate(data.test()).accuracy(), h.epochs().stream().map(e -> e.learningRate()).toList(),
                            (System.nanoTime() - t0) / 1e9, load());
                } catch (RuntimeException e) {
                    System.out.printf(Locale.ROOT, "probe beta %g start %g: %s%n", beta, start, e.getMessage());
                }
            }
        }
    }

    /** Runs the Optuna + PyTorch lr search on the same seeds; returns its JSON line. */
    private static String optuna(List<Long> seeds, int epochs) throws Exception {
        String script = java.nio.file.Path.of("nntune-bench/scripts/optuna_fmnist.py").toAbsolutePath().toString();
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", script, "--space", "lr", "--trials", Integer.toString(TRIALS),
                "--epochs", Integer.toString(epochs), "--seeds", String.join(",", seeds.stream().map(String::valueOf).toList()),
                "--threads", "2");
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                last = line;
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || last == null) {
            throw new IllegalStateException("optuna_fmnist.py --space lr exited with " + rc);
        }
        return last;
    }

    /**
     * The L2 part. The search's figure is its best trial's model: the best of 20 trainings by
     * validation accuracy, so it includes a selection among 20 initialisations and shuffles (with
     * Adam at a constant 1e-3 the validation accuracy of one run swings by about 0.01 from epoch to
     * epoch). The implicit side is therefore given the same selection within its epoch budget:
     * {@code runs} implicit-L2 trainings (seeds {@code seed + 1000·r}, r = 0 … runs − 1), the one with the best
     * validation accuracy tested — {@code runs}·10 epochs, 1/5 of the search's 200 for 4 runs. The
     * first run alone and the search's L2 retrained at that run's seed are printed too, to show what
     * the selection and what the L2 contribute; so are the search's L2 and no decay (L2 0) trained at
     * the implicit runs' own seeds, the best of them by validation tested: the same trainings and the
     * same choice, only the L2 differs, which sets the L2 the search found against the one implicit
     * differentiation found without the search's 20 draws (and the per-seed difference's median).
     *
     * <p>With {@code bestEpoch} (the default) every training of both sides — each trial of the
     * search, each implicit run, the retraining — keeps the weights of its epoch with the best
     * validation accuracy ({@link EarlyStopping} restoring the best weights, patience the whole
     * run, so it never stops early), and that accuracy is what the search maximises and what picks
     * the implicit run. The usual practice of checkpoint selection on a validation set; it takes
     * much of the epoch-to-epoch swing out of every candidate, on both sides alike, so that the
     * comparison is less a contest of 20 draws against 4. {@code --l2-final-epoch} scores the last
     * epoch instead (the protocol of the earlier runs).
     */
    /** The L2 part's optimiser: Adam 1e-3 (the default), or SGD 0.05 with momentum 0.9, whose L2 is not divided by second moments. */
    private static Optimizer l2Optimizer(String name) {
        return switch (name) {
            case "adam" -> Optimizer.adam(1e-3);
            case "sgd" -> Optimizer.sgd(0.05, 0.9, false);
            default -> throw new IllegalArgumentException("--l2-optimizer is adam or sgd, got " + name);
        };
    }

    private static void l2(TrainTest data, List<Long> seeds, int runs, boolean bestEpoch, int trainRows, int epochs,
                           Optimizer optimizer) {
        Dataset all = data.train();
        Dataset train = range(all, 0, trainRows);
        Dataset val = range(all, 50_000, 60_000);
        L2Fits fits = new L2Fits(train, val, PixelScaler.of(784), optimizer, epochs, bestEpoch);
        List<Double> searchTest = new ArrayList<>();
        List<Double> implicitTest = new ArrayList<>();
        List<Double> searchSameEpochs = new ArrayList<>(); // the search's first `runs` trials: the implicit side's epochs
        List<Double> singleTest = new ArrayList<>();
        List<Double> retrainedTest = new ArrayList<>();
        List<Double> searchL2Runs = new ArrayList<>();  // the search's L2 at the implicit runs' seeds, the best by validation
        List<Double> noDecayRuns = new ArrayList<>();   // L2 0 likewise
        List<Double> pairedDiff = new ArrayList<>();    // implicit − the search's L2, per seed, at the same seeds and choice
        List<Double> searchWall = new ArrayList<>();
        List<Double> implicitWall = new ArrayList<>();
        List<Double> screenImplicit = new ArrayList<>();
        List<Double> screenSearchL2 = new ArrayList<>();
        List<Double> screenNoDecay = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (long seed : seeds) {
            SearchOutcome s = search(seed, Pruner.none(), (trial, report) -> {
                double l2 = trial.suggestFloat("l2", 1e-6, 1e-1, Log.YES);
                Sequential m = fits.model(seed + trial.number());
                fits.fit(m, seed + trial.number(), o -> o.l2(l2).listener(report));
                return new double[] {m.evaluate(val).accuracy(), m.evaluate(data.test()).accuracy()};
            });
            long t0 = System.nanoTime();
            BestOfRuns imp = bestOfRuns(fits, data, seed, runs, o -> o.implicitL2(implicit));
            double seconds = (System.nanoTime() - t0) / 1e9;
            double best = imp.best();
            double single = imp.first();
            double tpeL2 = ((Number) s.params().get("l2")).doubleValue();
            // the same seeds and the same choice by validation, only the L2 differs: the search's, and none
            BestOfRuns searchL2 = bestOfRuns(fits, data, seed, runs, o -> o.l2(tpeL2));
            BestOfRuns noDecay = bestOfRuns(fits, data, seed, runs, o -> o.l2(0));
            double retrained = searchL2.first();
            if (l2Screen > 0) {
                int keep = (runs * epochs - l2Screen) / epochs;
                long t1 = System.nanoTime();
                double si = screened(fits, data, seed, l2Screen, keep, o -> o.implicitL2(implicit));
                double sw = (System.nanoTime() - t1) / 1e9;
                double ss = screened(fits, data, seed, l2Screen, keep, o -> o.l2(tpeL2));
                double sn = screened(fits, data, seed, l2Screen, keep, o -> o.l2(0));
                screenImplicit.add(si);
                screenSearchL2.add(ss);
                screenNoDecay.add(sn);
                System.err.printf(Locale.ROOT, "l2 screen seed %d: %d starts, %d kept, epochs %d: implicit %.4f (%.1f s), search's L2 %.4f, no decay %.4f%n",
                        seed, l2Screen, keep, l2Screen + keep * epochs, si, sw, ss, sn);
            }
            searchL2Runs.add(searchL2.best());
            pairedDiff.add(best - searchL2.best());
            noDecayRuns.add(noDecay.best());
            searchTest.add(s.testAccuracy());
            searchSameEpochs.add(s.bestOfFirst(runs));
            implicitTest.add(best);
            singleTest.add(single);
            retrainedTest.add(retrained);
            searchWall.add(s.seconds());
            implicitWall.add(seconds);
            String line = String.format(Locale.ROOT, "{\"seed\": %d, \"tpe_best_l2\": %.3g, \"tpe_test\": %.4f, \"tpe_wall_s\": %.1f,"
                            + " \"tpe_epochs\": %d, \"tpe_best_of_first_%d_trials_test\": %.4f, \"tpe_l2_retrained_at_seed_test\": %.4f,"
                            + " \"implicit_best_of_runs_test\": %.4f, \"implicit_first_run_test\": %.4f, \"implicit_wall_s\": %.1f,"
                            + " \"implicit_epochs\": %d, \"tpe_l2_best_of_runs_test\": %.4f, \"no_decay_best_of_runs_test\": %.4f,"
                            + " \"implicit_runs\": [%s]}",
                    seed, tpeL2, s.testAccuracy(), s.seconds(), s.epochs(), runs, s.bestOfFirst(runs), retrained, best, single, seconds,
                    epochs * runs, searchL2.best(), noDecay.best(), imp.each());
            System.err.println("l2 " + line + " load " + load());
            lines.append(lines.length() == 0 ? "" : ", ").append(line);
        }
        System.out.printf(Locale.ROOT, "{\"part\": \"l2\", \"seeds\": %s, \"implicit_runs\": %d, \"epoch\": \"%s\", \"tpe_test_median\": %.4f,"
                        + " \"tpe_best_of_first_%d_trials_test_median\": %.4f,"
                        + " \"implicit_best_of_runs_test_median\": %.4f, \"implicit_first_run_test_median\": %.4f,"
                        + " \"tpe_l2_retrained_test_median\": %.4f, \"tpe_l2_best_of_runs_test_median\": %.4f,"
                        + " \"no_decay_best_of_runs_test_median\": %.4f, \"implicit_minus_tpe_l2_paired_median\": %+.4f, \"tpe_wall_s_median\": %.1f, \"implicit_wall_s_median\": %.1f,"
                        + " \"load\": \"%s\", \"runs\": [%s]}%n",
                seeds, runs, bestEpoch ? "best by validation" : "last", Stats.median(searchTest), runs, Stats.median(searchSameEpochs),
                Stats.median(implicitTest), Stats.median(singleTest), Stats.median(retrainedTest), Stats.median(searchL2Runs),
                Stats.median(noDecayRuns), Stats.median(pairedDiff), Stats.median(searchWall), Stats.median(implicitWall), load(), lines);
        if (l2Screen > 0) {
            System.out.printf(Locale.ROOT, "{\"part\": \"l2-screen\", \"seeds\": %s, \"starts\": %d, \"implicit_test_median\": %.4f,"
                            + " \"tpe_l2_test_median\": %.4f, \"no_decay_test_median\": %.4f, \"implicit\": %s, \"tpe_l2\": %s, \"no_decay\": %s}%n",
                    seeds, l2Screen, Stats.median(screenImplicit), Stats.median(screenSearchL2), Stats.median(screenNoDecay),
                    screenImplicit, screenSearchL2, screenNoDecay);
        }
    }

    /**
     * The test accuracy of the best by validation of the {@code keep} starts (of {@code starts}, at seeds
     * {@code seed + 1000·r}) whose first epoch scored best on validation, each trained to the end.
     */
    private static double screened(L2Fits fits, TrainTest data, long seed, int starts, int keep,
                                   java.util.function.UnaryOperator<FitOptions.Builder> l2) {
        record Start(long seed, double val) {
        }
        List<Start> first = new ArrayList<>();
        for (int r = 0; r < starts; r++) {
            long runSeed = seed + 1000L * r;
            Sequential m = fits.model(runSeed);
            History h = fits.fit(m, runSeed, o -> l2.apply(o).listener(new TrainingListener() {
                @Override
                public void onEpochEnd(TrainingControl control, EpochResult result) {
                    control.stop("screened after one epoch");
                }
            }));
            first.add(new Start(runSeed, h.epochs().get(0).validation().get("val_accuracy")));
        }
        first.sort(java.util.Comparator.comparingDouble(Start::val).reversed());
        double bestVal = Double.NEGATIVE_INFINITY;
        double best = Double.NaN;
        for (Start s : first.subList(0, keep)) {
            Sequential m = fits.model(s.seed());
            fits.fit(m, s.seed(), l2);
            double v = m.evaluate(fits.val()).accuracy();
            if (v > bestVal) {
                bestVal = v;
                best = m.evaluate(data.test()).accuracy();
            }
        }
        return best;
    }

    /** The test accuracy of the best by validation of {@code runs} trainings at seeds {@code seed + 1000·r}, of the first, and each run's figures. */
    private record BestOfRuns(double best, double first, String each) {
    }

    private static BestOfRuns bestOfRuns(L2Fits fits, TrainTest data, long seed, int runs,
                                         java.util.function.UnaryOperator<FitOptions.Builder> l2) {
        double bestVal = Double.NEGATIVE_INFINITY;
        double best = Double.NaN;
        double first = Double.NaN;
        StringBuilder each = new StringBuilder();
        for (int r = 0; r < runs; r++) {
            long runSeed = seed + 1000L * r; // run 0 at the seed itself; the others apart from every other seed's
            Sequential m = fits.model(runSeed);
            History h = fits.fit(m, runSeed, l2);
            double v = m.evaluate(fits.val()).accuracy();
            double t = m.evaluate(data.test()).accuracy();
            if (r == 0) {
                first = t;
            }
            if (v > bestVal) {
                bestVal = v;
                best = t;
            }
            each.append(each.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT,
                    "{\"val\": %.4f, \"test\": %.4f, \"final_l2\": %s}", v, t, json(h.epochs().get(fits.epochs() - 1).adaptedRates())));
        }
        return new BestOfRuns(best, first, each.toString());
    }

    /**
     * What L2 is worth in the L2 part's setting (how it was chosen): one run per seed of fixed L2 0,
     * 1e-5, 1e-4, 1e-3, 3e-3, 1e-2 and of implicit L2 (defaults), each line the test accuracies.
     */
    private static void l2Probe(TrainTest data, List<Long> seeds, boolean bestEpoch, int trainRows, int epochs,
                                Optimizer optimizer) {
        Dataset all = data.train();
        Dataset train = range(all, 0, trainRows);
        Dataset val = range(all, 50_000, 60_000);
        L2Fits fits = new L2Fits(train, val, PixelScaler.of(784), optimizer, epochs, bestEpoch);
        double[] fixed = probeImplicitOnly ? new double[0] : new double[] {0, 1e-5, 1e-4, 1e-3, 3e-3, 1e-2};
        Map<String, List<Double>> test = new java.util.LinkedHashMap<>();
        for (long seed : seeds) {
            StringBuilder line = new StringBuilder();
            for (int k = 0; k <= fixed.length; k++) {
                Sequential m = fits.model(seed);
                String name = k < fixed.length ? "l2 " + fixed[k] : "implicit";
                double l2 = k < fixed.length ? fixed[k] : Double.NaN;
                java.util.function.UnaryOperator<FitOptions.Builder> setting = k < fixed.length ? o -> o.l2(l2) : o -> o.implicitL2(implicit);
                long t0 = System.nanoTime();
                History h = fits.fit(m, seed, setting);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double t = m.evaluate(data.test()).accuracy();
                test.computeIfAbsent(name, x -> new ArrayList<>()).add(t);
                line.append(String.format(Locale.ROOT, "%s: %.4f%s (%.1f s); ", name, t,
                        k < fixed.length ? "" : " " + json(h.epochs().get(epochs - 1).adaptedRates()), seconds));
            }
            System.err.println("l2probe seed " + seed + " (" + trainRows + " rows, " + epochs + " epochs): " + line + "load " + load());
        }
        StringBuilder medians = new StringBuilder();
        test.forEach((k, v) -> medians.append(String.format(Locale.ROOT, "%s: %.4f; ", k, Stats.median(v))));
        System.out.println("l2probe medians (" + trainRows + " rows, " + epochs + " epochs, seeds " + seeds + "): " + medians);
    }

    /** Implicit-L2 settings changed by {@code key=value,…} (terms, period, hyper_lr, initial, per_layer), for exploration. */
    private static ImplicitL2 withSettings(ImplicitL2 base, String spec) {
        ImplicitL2 out = base;
        for (String kv : spec.split(",")) {
            String[] p = kv.split("=", 2);
            if (p.length != 2) {
                throw new IllegalArgumentException("--l2-settings takes key=value pairs, got " + kv);
            }
            out = switch (p[0]) {
                case "terms" -> out.withNeumannTerms(Integer.parseInt(p[1]));
                case "period" -> out.withPeriod(Integer.parseInt(p[1]));
                case "hyper_lr" -> out.withHyperLearningRate(Double.parseDouble(p[1]));
                case "initial" -> out.withInitial(Double.parseDouble(p[1]));
                case "per_layer" -> out.withPerLayer(Boolean.parseBoolean(p[1]));
                default -> throw new IllegalArgumentException("--l2-settings: unknown key " + p[0]
                        + " (terms, period, hyper_lr, initial, per_layer)");
            };
        }
        return out;
    }

    /**
     * One training of the L2 parts: the MLP 784-128-10 at a seed, {@code epochs} epochs of batch 64
     * validated on {@code val}, the epoch of best validation accuracy kept when {@code bestEpoch};
     * each caller adds its L2 (fixed or implicit) and listeners.
     */
    private record L2Fits(Dataset train, Dataset val, PixelScaler px, Optimizer optimizer, int epochs, boolean bestEpoch) {
        Sequential model(long seed) {
            return mlp(784, 128, 10, px, seed);
        }

        History fit(Sequential m, long seed, java.util.function.UnaryOperator<FitOptions.Builder> l2) {
            FitOptions.Builder o = FitOptions.builder().epochs(epochs).batchSize(64).seed(seed).validation(val).optimizer(optimizer);
            return m.fit(train, keepBest(l2.apply(o), bestEpoch, epochs).build());
        }
    }

    /** With {@code bestEpoch}, the training ends with the weights of its epoch of best validation accuracy (it never stops early). */
    private static FitOptions.Builder keepBest(FitOptions.Builder options, boolean bestEpoch, int epochs) {
        return bestEpoch ? options.listener(new EarlyStopping("val_accuracy", epochs, 0, true)) : options;
    }

    private static void small(List<Long> seeds) {
        for (String name : List.of("digits", "iris")) {
            Dataset d = Datasets.byName(name);
            Split split = Splits.canonical(d);
            Dataset train = split.train(d);
            Dataset test = split.test(d);
            FittedTransform scaler = Preprocessor.standard().fit(train);
            int hidden = name.equals("iris") ? 32 : 64;
            int epochs = name.equals("iris") ? 60 : 30;
            int batch = name.equals("iris") ? 16 : 32;
            int in = d.featureCount();
            int classes = d.classCount();
            List<Double> searchTest = new ArrayList<>();
            List<Double> adaptTest = new ArrayList<>();
            List<Double> noDecayTest = new ArrayList<>();
            StringBuilder runs = new StringBuilder();
            for (long seed : seeds) {
                // every training of this seed, the search's trials and the adapted side alike: its epochs, batch, seed, 20 % held out
                java.util.function.Supplier<FitOptions.Builder> options = () -> FitOptions.builder().epochs(epochs).batchSize(batch)
                        .seed(seed).validationFraction(0.2);
                SearchOutcome s = search(seed, Pruner.none(), (trial, report) -> {
                    double lr = trial.suggestFloat("lr", 1e-5, 1e-1, Log.YES);
                    double l2 = trial.suggestFloat("l2", 1e-6, 1e-2, Log.YES);
                    Sequential m = mlp(in, hidden, classes, scaler, seed);
                    History h = m.fit(train, options.get().optimizer(Optimizer.adam(lr)).l2(l2).listener(report).build());
                    return new double[] {h.epochs().get(h.epochCount() - 1).validation().get("val_accuracy"),
                            m.evaluate(test).accuracy()};
                });
                Sequential m = mlp(in, hidden, classes, scaler, seed);
                m.fit(train, options.get().optimizer(smallOptimizer()).implicitL2(implicit).build());
                double adapt = m.evaluate(test).accuracy();
                // the adapted side's training without any decay: what L2 is worth here at all
                Sequential plain = mlp(in, hidden, classes, scaler, seed);
                plain.fit(train, options.get().optimizer(smallOptimizer()).build());
                double noDecay = plain.evaluate(test).accuracy();
                searchTest.add(s.testAccuracy());
                adaptTest.add(adapt);
                noDecayTest.add(noDecay);
                String line = String.format(Locale.ROOT, "{\"seed\": %d, \"tpe_best\": {\"lr\": %.3g, \"l2\": %.3g}, \"tpe_test\": %.4f,"
                                + " \"adapted_test\": %.4f, \"no_decay_test\": %.4f}", seed, ((Number) s.params().get("lr")).doubleValue(),
                        ((Number) s.params().get("l2")).doubleValue(), s.testAccuracy(), adapt, noDecay);
                System.err.println(name + " " + line);
                runs.append(runs.length() == 0 ? "" : ", ").append(line);
            }
            System.out.printf(Locale.ROOT, "{\"part\": \"%s\", \"seeds\": %s, \"epochs\": %d, \"tpe_test_median\": %.4f,"
                            + " \"adapted_test_median\": %.4f, \"no_decay_test_median\": %.4f, \"load\": \"%s\", \"runs\": [%s]}%n",
                    name, seeds, epochs, Stats.median(searchTest), Stats.median(adaptTest), Stats.median(noDecayTest), load(), runs);
        }
    }

    /** The small part's adapted side: Adam-HD from 1e-3 (β 1e-4), or Adam at a fixed 1e-3 ({@code --small-fixed-lr}), or SGD ({@code --small-sgd}). */
    private static Optimizer smallOptimizer() {
        return smallSgd ? l2Optimizer("sgd") : smallFixedLr ? Optimizer.adam(1e-3) : Optimizer.hypergradient(Optimizer.adam(1e-3), 1e-4, false);
    }

    private static String json(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder("{");
        m.forEach((k, v) -> sb.append(sb.length() == 1 ? "" : ", ").append('"').append(k).append("\": ")
                .append(String.format(Locale.ROOT, "%.3g", v)));
        return sb.append('}').toString();
    }

    /** The load average, for the figures' context. */
    static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
