package org.nntune.bench.search;

import org.nntune.bench.Compare;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.FashionMnist;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.nn.data.TrainTest;
import org.nntune.search.CrossValidatedSearch;
import org.nntune.search.CvStrategy;
import org.nntune.search.CnnSpace;
import org.nntune.search.FamilySpace;
import org.nntune.search.MlpSpace;
import org.nntune.search.NetworkSpace;
import org.nntune.search.SearchSpace;
import org.nntune.search.NetworkEstimator;
import org.nntune.search.SearchResult;
import org.nntune.search.TimeBudget;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Same time, better model: nntune's time-budget mode given the wall time its reference needs,
 * side by side in one run, seed by seed. For each seed the reference runs first (a Python
 * process); its measured wall time becomes nntune's budget; then nntune runs in a fresh JVM with
 * nntune's flags (under -Xmx1g) and must end, refit included, within that budget with a better
 * model. Data loading is outside both timings, as in the reference scripts.
 *
 * <ul>
 *   <li>{@code --task fmnist}: ../shared/bench/optuna_fmnist.py (TPE + median pruner, 20 trials ×
 *       3 epochs on the first 50,000 training images, validated on the last 10,000; the best
 *       trial's own model scored on the 10,000 test images), budget = its {@code study_wall_s}.
 *       nntune: the same space (lr, hidden, batch size, optimizer, weight decay, dropout), the
 *       same hold-out, TimeBudget's defaults (up to 27 epochs, 4 Hyperband brackets, TPE on the
 *       highest rung), then the refit on all 60,000 images for the best epoch count; its test
 *       accuracy against Optuna's best trial's.</li>
 *   <li>{@code --task digits}: scikit-learn's GridSearchCV(MLPClassifier) example on digits
 *       (nntune-bench/scripts/sklearn_grid.py on the same rows and folds), budget = its grid time
 *       with the refit. nntune: the same stratified 5 folds, the time-budget mode, and with
 *       {@code --space mlp} (the default) a randomized-search-style MLP space with ranges (units,
 *       activation, L2, lr, batch size, dropout); with {@code --space cnn} CnnSpace's search
 *       defaults on the [1, 8, 8] images with the MLP space's optimizer (Adam), lr range and batch
 *       sizes; with {@code --space mlp,cnn} a {@link FamilySpace} choosing between the two.</li>
 * </ul>
 *
 * <pre>java -cp nntune-bench/target/benchmarks.jar org.nntune.bench.search.TimeBudgetBench --task fmnist|digits [--space mlp|cnn|mlp,cnn] [--seeds 0,1,2,3,4] [--jobs 2] [--max-epochs N]</pre>
 */
public final class TimeBudgetBench {
    private TimeBudgetBench() {}

    /** {@code --max-epochs}: the time-budget mode's longest training, 0 for its default. */
    private static int maxEpochs = 0;
    /** {@code --space}: the digits space, {@code mlp} (the default), {@code cnn} or {@code mlp,cnn} (either family). */
    private static String digitsSpace = "mlp";

    public static void main(String[] args) throws Exception {
        String task = "fmnist";
        List<Long> seeds = List.of(0L, 1L, 2L, 3L, 4L);
        int jobs = 2;
        double oneBudget = -1;
        boolean one = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--task" -> task = args[++i];
                case "--seeds" -> seeds = Arrays.stream(args[++i].split(",")).map(Long::parseLong).toList();
                case "--jobs" -> jobs = Integer.parseInt(args[++i]);
                case "--max-epochs" -> maxEpochs = Integer.parseInt(args[++i]);
                case "--space" -> digitsSpace = args[++i];
                case "--one" -> {
                    one = true;
                    oneBudget = Double.parseDouble(args[++i]);
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: --task fmnist|digits [--space mlp|cnn|mlp,cnn] [--seeds 0,1,2,3,4] [--jobs 2] [--max-epochs N]");
            }
        }
        if (!task.equals("fmnist") && !task.equals("digits")) {
            throw new IllegalArgumentException("--task must be fmnist or digits, got " + task);
        }
        if (one) {
            System.out.println(task.equals("fmnist") ? fmnist(seeds.get(0), jobs, oneBudget) : digits(seeds.get(0), jobs, oneBudget));
            return;
        }
        drive(task, seeds, jobs);
    }

    /** Reference first, then nntune with the reference's wall time as its budget; one pair per seed. */
    private static void drive(String task, List<Long> seeds, int jobs) throws Exception {
        Path indices = Files.createTempDirectory("nntune-budget-indices");
        if (task.equals("digits")) {
            SklearnGrid.writeIndices(indices, List.of("digits"), seeds);
        }
        List<Double> refAcc = new ArrayList<>();
        List<Double> ourAcc = new ArrayList<>();
        List<Double> budgets = new ArrayList<>();
        List<Double> ourWall = new ArrayList<>();
        List<Double> diffs = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        boolean allWithin = true;
        for (long seed : seeds) {
            String loadBefore = loadAverage();
            List<String> ref = task.equals("fmnist")
                    ? List.of("/usr/bin/python3", "/work/shared/bench/optuna_fmnist.py", "--seed", Long.toString(seed), "--threads", "2")
                    : List.of("/usr/bin/python3", "nntune-bench/scripts/sklearn_grid.py", "--indices", indices.toString(),
                    "--seeds", Long.toString(seed), "--datasets", "digits");
            Map<String, Double> r = Compare.parseLastJson(run(ref));
            double budget = task.equals("fmnist") ? r.get("study_wall_s") : r.get("digits_wall_s");
            double refTest = task.equals("fmnist") ? r.get("test_acc_best_trial_model") : r.get("digits_test_accuracy");
            List<String> ours = new ArrayList<>();
            ours.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            ours.addAll(List.of(Compare.jvmFlags().split("\\s+")));
            ours.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), TimeBudgetBench.class.getName(),
                    "--task", task, "--seeds", Long.toString(seed), "--jobs", Integer.toString(jobs),
                    "--max-epochs", Integer.toString(maxEpochs), "--space", digitsSpace, "--one", Double.toString(budget)));
            String out = run(ours);
            Map<String, Double> o = Compare.parseLastJson(out);
            String loadAfter = loadAverage();
            double wall = o.get("wall_s");
            double test = o.get("test_acc");
            boolean within = wall <= budget * 1.05;
            allWithin &= within;
            refAcc.add(refTest);
            ourAcc.add(test);
            budgets.add(budget);
            ourWall.add(wall);
            diffs.add(test - refTest);
            String line = String.format(Locale.ROOT, "| %d | %.2f | %.4f | %.2f (%.3f× budget%s) | %.4f | %+.4f | %.0f complete, %.0f pruned,"
                            + " refit %.0f of %.0f epochs (%.2f s) | %s → %s |",
                    seed, budget, refTest, wall, wall / budget, within ? "" : ", OVER", test, test - refTest, o.get("complete"),
                    o.get("pruned"), o.get("refit_trained"), o.get("refit_epochs"), o.get("refit_s"), loadBefore, loadAfter);
            table.append(line).append('\n');
            System.err.println(line);
            System.err.println("  nntune: " + out.lines().reduce((a, b) -> b).orElse(""));
        }
        String ref = task.equals("fmnist") ? "Optuna best trial" : "GridSearchCV";
        System.out.println("| seed | reference wall s = budget | " + ref + " test acc | nntune wall s (search + refit) | nntune test acc"
                + " | difference | nntune trials | load average before → after |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---|---|");
        System.out.print(table);
        System.out.printf(Locale.ROOT, "%nmedians: budget %.2f s, nntune wall %.2f s, %s test %.4f, nntune test %.4f, difference %+.4f;"
                        + " every run within budget + 5 %%: %s%n", SklearnGrid.median(budgets), SklearnGrid.median(ourWall), ref,
                SklearnGrid.median(refAcc), SklearnGrid.median(ourAcc), SklearnGrid.median(diffs), allWithin ? "yes" : "no");
    }

    /** Runs a command, its stderr passed through; its stdout, or an exception naming the command on a non-zero exit. */
    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(3600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("did not finish within an hour: " + command);
        }
        String stdout = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("exited with " + p.exitValue() + ": " + String.join(" ", command) + "\n" + stdout);
        }
        return stdout;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0];
        } catch (IOException e) {
            return "?";
        }
    }

    /** One nntune run on Fashion-MNIST within {@code budget} seconds; one JSON line. */
    static String fmnist(long seed, int jobs, double budget) {
        TrainTest data = FashionMnist.load();
        Dataset all = data.train();
        MlpSpace space = OptunaFmnist.space().build();
        return timed(CrossValidatedSearch.builder(space).cv(CvStrategy.predefined(List.of(OptunaFmnist.holdout(all.size())))), all,
                data.test(), seed, jobs, budget);
    }

    /** One nntune run on digits (the canonical split, the stratified 5 folds of the seed) within {@code budget} seconds. */
    static String digits(long seed, int jobs, double budget) {
        Dataset data = digitsSpace.equals("mlp") ? Datasets.digits() : Datasets.digitsImages();
        Split canonical = Splits.canonical(data);
        Dataset train = canonical.train(data);
        SearchSpace space = switch (digitsSpace) {
            case "mlp" -> digitsMlp();
            case "cnn" -> digitsCnn();
            case "mlp,cnn" -> {
                Map<String, NetworkSpace> families = new LinkedHashMap<>();
                families.put("mlp", digitsMlp());
                families.put("cnn", digitsCnn());
                yield FamilySpace.of(families);
            }
            default -> throw new IllegalArgumentException("--space must be mlp, cnn or mlp,cnn, got " + digitsSpace);
        };
        return timed(CrossValidatedSearch.builder(space).cv(CvStrategy.predefined(Splits.stratifiedKFold(train, 5, seed))), train,
                canonical.test(data), seed, jobs, budget);
    }

    /** The digits MLP space: one hidden layer. */
    static MlpSpace digitsMlp() {
        return MlpSpace.builder().fixedDefaults().preprocessing("standard")
                .units(32, 256).activation("relu", "tanh")
                .set("l2", Map.of("low", 1e-5, "high", 1e-2, "log", true))
                .lr(3e-4, 3e-2).batchSize(32, 64).range("dropout", 0, 0.3)
                .build();
    }

    /** The digits CNN space (inputs [1, 8, 8]): CnnSpace's search defaults with the MLP space's optimizer, lr range and batch sizes. */
    static CnnSpace digitsCnn() {
        return CnnSpace.builder().batchSize(32, 64).optimizer("adam").lr(3e-4, 3e-2).build();
    }

    private static String timed(CrossValidatedSearch.Builder b, Dataset train, Dataset test, long seed, int jobs, double budget) {
        long t0 = System.nanoTime();
        TimeBudget tb = TimeBudget.of(Duration.ofMillis(Math.round(budget * 1000)));
        SearchResult r = b.seed(seed).nJobs(jobs).timeBudget(maxEpochs > 0 ? tb.withMaxEpochs(maxEpochs) : tb)
                .build().fit(train);
        double wall = (System.nanoTime() - t0) / 1e9;
        double acc = r.score(test);
        List<FrozenTrial> trials = r.study().trials();
        NetworkEstimator refit = (NetworkEstimator) r.bestEstimator();
        return String.format(Locale.ROOT, "{\"wall_s\": %.3f, \"budget_s\": %.3f, \"search_s\": %.3f, \"refit_s\": %.3f,"
                        + " \"test_acc\": %.4f, \"best_val\": %.4f, \"complete\": %d, \"pruned\": %d, \"epochs_trained_total\": %d,"
                        + " \"refit_epochs\": %d, \"refit_trained\": %d, \"cnn_trials\": %d, \"best_params\": \"%s\"}",
                wall, budget, r.searchSeconds(), r.refitSeconds(), acc, r.bestScore(),
                trials.stream().filter(t -> t.state() == TrialState.COMPLETE).count(),
                trials.stream().filter(t -> t.state() == TrialState.PRUNED).count(),
                trials.stream().mapToInt(t -> t.intermediateValues().size()).sum(), refit.config().epochs(),
                refit.epochsTrained(), trials.stream().filter(t -> "cnn".equals(t.params().get(FamilySpace.FAMILY))
                        || t.params().containsKey("conv_blocks")).count(), r.bestParams());
    }
}
