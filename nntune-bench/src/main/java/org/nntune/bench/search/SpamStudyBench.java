package org.nntune.bench.search;

import org.nntune.bench.Compare;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.nn.data.TextEncoder;
import org.nntune.nn.data.TextTable;
import org.nntune.search.CrossValidatedSearch;
import org.nntune.search.CvStrategy;
import org.nntune.search.NetworkEstimator;
import org.nntune.search.RnnSpace;
import org.nntune.search.SearchResult;
import org.nntune.search.TimeBudget;
import org.nntune.tune.pruner.MedianPruner;
import org.nntune.tune.sampler.TpeSampler;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The recurrent text study of {@code ../shared/bench/optuna_lstm_text.py} (Optuna TPE + median
 * pruner tuning a PyTorch LSTM/GRU spam filter: 12 trials × 2 epochs, messages cut to 100 tokens,
 * 20 % of the training rows for validation, the best trial's own model scored on the test rows)
 * against nntune, side by side in one run, seed by seed. For each seed the reference runs first;
 * then two fresh nntune JVMs under {@code -Xmx1g}:
 * <ul>
 *   <li><b>study</b>: nntune's equivalent study: the same space (cell lstm/gru, embedding
 *       {32, 64, 128}, hidden 16..128 log, lr 1e-4..3e-2 log, dropout 0..0.5, batch {32, 64}),
 *       the same protocol (12 trials × 2 epochs, TPE seeded with the seed, median pruner with 5
 *       start-up trials and no warm-up, a stratified 20 % validation split of the training rows,
 *       the best trial's own model, no refit); its wall time against Optuna's (target ≤ 1/3) and
 *       its test accuracy against Optuna's (target ≥ Optuna's − 0.005);</li>
 *   <li><b>budget</b>: the time-budget mode given Optuna's measured wall time: the same space
 *       with epochs searched by Hyperband brackets (TimeBudget's defaults, up to 27 epochs), then
 *       the refit on all training rows; wall time ≤ budget + 5 %, test accuracy against Optuna's
 *       best trial's (target + 0.01).</li>
 * </ul>
 * Both sides tokenise alike (lower case, {@code [a-z0-9']+}, the 20,000 most frequent training
 * words seen twice; padding 0, unknown 1) and split 20 % of the messages for test, stratified;
 * nntune's split is its own canonical one (seed 42), Optuna's is scikit-learn's (random_state 42).
 * Data loading is outside both timings, as in the reference script.
 *
 * <pre>java -cp nntune-bench/target/benchmarks.jar org.nntune.bench.search.SpamStudyBench [--seeds 0,1,2] [--jobs 2] [--parts study,budget]</pre>
 */
public final class SpamStudyBench {
    static final Path DATA = Path.of("/work/shared/data/spam.csv.gz");
    static final int MAX_LEN = 100;
    static final int VOCAB = 20_000;

    private SpamStudyBench() {}

    public static void main(String[] args) throws Exception {
        List<Long> seeds = List.of(0L, 1L, 2L);
        int jobs = 2;
        List<String> parts = List.of("study", "budget");
        String one = null;
        double budget = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seeds" -> seeds = Arrays.stream(args[++i].split(",")).map(Long::parseLong).toList();
                case "--jobs" -> jobs = Integer.parseInt(args[++i]);
                case "--parts" -> parts = List.of(args[++i].split(","));
                case "--one-study" -> one = "study";
                case "--one-budget" -> {
                    one = "budget";
                    budget = Double.parseDouble(args[++i]);
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: [--seeds 0,1,2] [--jobs 2] [--parts study,budget]");
            }
        }
        if (one != null) {
            System.out.println(one.equals("study") ? study(seeds.get(0), jobs) : withinBudget(seeds.get(0), jobs, budget));
            return;
        }
        drive(seeds, jobs, parts);
    }

    /** The space of optuna_lstm_text.py in nntune's words; everything else fixed at the rnn family's defaults. */
    static RnnSpace.Builder space() {
        return RnnSpace.builder().fixedDefaults()
                .cell("lstm", "gru")
                .choices("embedding", 32, 64, 128)
                .set("hidden_size", Map.of("low", 16, "high", 128, "log", true))
                .lr(1e-4, 3e-2)
                .range("dropout", 0, 0.5)
                .batchSize(32, 64)
                .fix("max_length", MAX_LEN)
                .fix("vocab_size", VOCAB);
    }

    record Data(Dataset train, Dataset test, Split validation) {}

    static Data load() {
        TextTable table = TextTable.read(DATA, ',', "text", "label");
        Split split = Splits.stratified(table.labels(), 0.2, Splits.CANONICAL_SEED);
        TextEncoder enc = table.fit(split.train(), new TextEncoder.Options(TextEncoder.Tokens.WORDS, MAX_LEN, VOCAB, 2));
        Dataset all = enc.encode(table, "spam");
        Dataset train = split.train(all);
        int[] labels = new int[train.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = train.label(i);
        }
        // optuna_lstm_text.py validates on a stratified 20 % of the training rows (random_state 0)
        return new Data(train, split.test(all), Splits.stratified(labels, 0.2, 0));
    }

    static String study(long seed, int jobs) {
        Data d = load();
        long t0 = System.nanoTime();
        SearchResult r = CrossValidatedSearch.builder(space().epochs(2).build()).cv(CvStrategy.predefined(List.of(d.validation())))
                .sampler(TpeSampler.builder().seed(seed).build()).pruner(new MedianPruner()).nTrials(12).nJobs(jobs).seed(seed)
                .keepBestTrialModel(true).refit(false).build().fit(d.train());
        double wall = (System.nanoTime() - t0) / 1e9;
        double test = r.bestTrialEstimator().orElseThrow().score(d.test());
        List<FrozenTrial> trials = r.study().trials();
        return String.format(Locale.ROOT, "{\"wall_s\": %.3f, \"test_acc\": %.4f, \"best_val\": %.4f, \"complete\": %d, \"pruned\": %d,"
                        + " \"heap_used_mib\": %.1f, \"best_params\": \"%s\"}", wall, test, r.bestScore(),
                trials.stream().filter(t -> t.state() == TrialState.COMPLETE).count(),
                trials.stream().filter(t -> t.state() == TrialState.PRUNED).count(), usedHeapMib(), r.bestParams());
    }

    static String withinBudget(long seed, int jobs, double budget) {
        Data d = load();
        long t0 = System.nanoTime();
        SearchResult r = CrossValidatedSearch.builder(space().build()).cv(CvStrategy.predefined(List.of(d.validation())))
                .seed(seed).nJobs(jobs).timeBudget(TimeBudget.of(Duration.ofMillis(Math.round(budget * 1000)))).build()
                .fit(d.train());
        double wall = (System.nanoTime() - t0) / 1e9;
        double test = r.score(d.test());
        List<FrozenTrial> trials = r.study().trials();
        NetworkEstimator refit = (NetworkEstimator) r.bestEstimator();
        return String.format(Locale.ROOT, "{\"wall_s\": %.3f, \"budget_s\": %.3f, \"search_s\": %.3f, \"refit_s\": %.3f,"
                        + " \"test_acc\": %.4f, \"best_val\": %.4f, \"complete\": %d, \"pruned\": %d, \"epochs_trained_total\": %d,"
                        + " \"refit_epochs\": %d, \"refit_trained\": %d, \"heap_used_mib\": %.1f, \"best_params\": \"%s\"}",
                wall, budget, r.searchSeconds(), r.refitSeconds(), test, r.bestScore(),
                trials.stream().filter(t -> t.state() == TrialState.COMPLETE).count(),
                trials.stream().filter(t -> t.state() == TrialState.PRUNED).count(),
                trials.stream().mapToInt(t -> t.intermediateValues().size()).sum(), refit.config().epochs(),
                refit.epochsTrained(), usedHeapMib(), r.bestParams());
    }

    private static double usedHeapMib() {
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) / 1048576.0;
    }

    private static void drive(List<Long> seeds, int jobs, List<String> parts) throws Exception {
        StringBuilder studyTable = new StringBuilder();
        StringBuilder budgetTable = new StringBuilder();
        List<Double> refAcc = new ArrayList<>();
        List<Double> refWall = new ArrayList<>();
        List<Double> studyAcc = new ArrayList<>();
        List<Double> studyRatio = new ArrayList<>();
        List<Double> budgetAcc = new ArrayList<>();
        List<Double> budgetDiff = new ArrayList<>();
        boolean allWithin = true;
        for (long seed : seeds) {
            String load0 = TimeBudgetBench.loadAverage();
            Map<String, Double> r = Compare.parseLastJson(TimeBudgetBench.run(List.of("/usr/bin/python3", "/work/shared/bench/optuna_lstm_text.py",
                    "--seed", Long.toString(seed), "--threads", "2")));
            double wall = r.get("study_wall_s");
            double acc = r.get("test_acc_best_trial_model");
            refAcc.add(acc);
            refWall.add(wall);
            System.err.printf(Locale.ROOT, "seed %d: Optuna + PyTorch %.1f s, test %.4f (%.0f complete, %.0f pruned)%n", seed, wall, acc,
                    r.get("complete"), r.get("pruned"));
            if (parts.contains("study")) {
                Map<String, Double> o = Compare.parseLastJson(TimeBudgetBench.run(ours(seed, jobs, "--one-study")));
                double ratio = o.get("wall_s") / wall;
                studyAcc.add(o.get("test_acc"));
                studyRatio.add(ratio);
                String line = String.format(Locale.ROOT, "| %d | %.1f | %.4f | %.0f / %.0f | %.1f | %.4f | %.0f / %.0f | %.3f | %+.4f | %.0f | %s → %s |",
                        seed, wall, acc, r.get("complete"), r.get("pruned"), o.get("wall_s"), o.get("test_acc"), o.get("complete"),
                        o.get("pruned"), ratio, o.get("test_acc") - acc, o.get("heap_used_mib"), load0, TimeBudgetBench.loadAverage());
                studyTable.append(line).append('\n');
                System.err.println(line);
            }
            if (parts.contains("budget")) {
                String load1 = TimeBudgetBench.loadAverage();
                Map<String, Double> o = Compare.parseLastJson(TimeBudgetBench.run(ours(seed, jobs, "--one-budget", Double.toString(wall))));
                boolean within = o.get("wall_s") <= wall * 1.05;
                allWithin &= within;
                budgetAcc.add(o.get("test_acc"));
                budgetDiff.add(o.get("test_acc") - acc);
                String line = String.format(Locale.ROOT, "| %d | %.1f | %.4f | %.1f (%.3f× budget%s) | %.4f | %+.4f | %.0f complete, %.0f pruned,"
                                + " refit %.0f of %.0f epochs (%.1f s) | %s → %s |",
                        seed, wall, acc, o.get("wall_s"), o.get("wall_s") / wall, within ? "" : ", OVER", o.get("test_acc"),
                        o.get("test_acc") - acc, o.get("complete"), o.get("pruned"), o.get("refit_trained"), o.get("refit_epochs"),
                        o.get("refit_s"), load1, TimeBudgetBench.loadAverage());
                budgetTable.append(line).append('\n');
                System.err.println(line);
            }
        }
        if (parts.contains("study")) {
            System.out.println("| seed | Optuna wall s | Optuna test acc | Optuna complete / pruned | nntune wall s | nntune test acc"
                    + " | nntune complete / pruned | wall ratio | difference | nntune heap used MiB | load before → after |");
            System.out.println("|---:|---:|---:|---|---:|---:|---|---:|---:|---:|---|");
            System.out.print(studyTable);
            System.out.printf(Locale.ROOT, "%nstudy medians: Optuna wall %.1f s, test %.4f; nntune wall ratio %.3f, test %.4f%n%n",
                    SklearnGrid.median(refWall), SklearnGrid.median(refAcc), SklearnGrid.median(studyRatio), SklearnGrid.median(studyAcc));
        }
        if (parts.contains("budget")) {
            System.out.println("| seed | Optuna wall s = budget | Optuna best trial test acc | nntune wall s (search + refit) | nntune test acc"
                    + " | difference | nntune trials | load before → after |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---|---|");
            System.out.print(budgetTable);
            System.out.printf(Locale.ROOT, "%nbudget medians: Optuna test %.4f, nntune test %.4f, difference %+.4f;"
                            + " every run within budget + 5 %%: %s%n", SklearnGrid.median(refAcc), SklearnGrid.median(budgetAcc),
                    SklearnGrid.median(budgetDiff), allWithin ? "yes" : "no");
        }
    }

    private static List<String> ours(long seed, int jobs, String... mode) throws IOException {
        List<String> c = new ArrayList<>();
        c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        c.addAll(List.of(Compare.jvmFlags().split("\\s+")));
        c.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), SpamStudyBench.class.getName(),
                "--seeds", Long.toString(seed), "--jobs", Integer.toString(jobs)));
        c.addAll(List.of(mode));
        return c;
    }
}
