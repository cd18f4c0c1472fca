package org.nntune.bench.search;

import org.nntune.nn.data.CsvReader;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.nn.data.Task;
import org.nntune.search.CvStrategy;
import org.nntune.search.GridSearchCV;
import org.nntune.search.SearchResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * nntune's side of the small-tabular benchmark against scikit-learn's GridSearchCV (the reference
 * side is nntune-bench/scripts/tabular_grid.py): on public tabular sets of 150–569 rows exported by
 * nntune-bench/scripts/export_tabular.py (iris, wine, breast_cancer for classification; diabetes,
 * boston for regression), the grid of scikit-learn's MLP documentation example (hidden layer sizes
 * (50,), (100,), (150,); tanh, relu; alpha 1e-4, 1e-3, 1e-2; learning_rate constant, adaptive: 36
 * candidates) with standard scaling fitted on each fold's training rows and scikit-learn's MLP
 * defaults otherwise ({@code GridSearchCV.sklearn}: Adam 1e-3, batch min(200, n), max_iter 200,
 * tol 1e-4 with n_iter_no_change 10 on the training loss), 5 folds (stratified for classification)
 * of the canonical training part, refit of the best candidate, then its test score (accuracy, R²).
 * Regression targets are standard-scaled inside nntune's models (scikit-learn's MLPRegressor
 * trains on the raw targets).
 *
 * <p>Both sides use the same rows: this class writes, for each set and seed s, the canonical
 * split and the 5 folds of seed s as JSON ({@code --write-indices DIR}); the Python side reads
 * them. Prints one JSON line: {@code D_wall_s, D_test_score, D_cv_score} per set D (medians over
 * the seeds run), and the runs.
 *
 * <pre>
 * java … org.nntune.bench.search.TabularGrid --data /tmp/nntune-tabular --write-indices /tmp/nntune-tabular/indices
 * java … org.nntune.bench.search.TabularGrid --data /tmp/nntune-tabular --seeds 0,1,2,3,4 --jobs 2
 * </pre>
 */
public final class TabularGrid {
    private TabularGrid() {}

    /** The sets and their tasks. */
    static final Map<String, Task> SETS = new LinkedHashMap<>();

    static {
        SETS.put("iris", Task.CLASSIFICATION);
        SETS.put("wine", Task.CLASSIFICATION);
        SETS.put("breast_cancer", Task.CLASSIFICATION);
        SETS.put("diabetes", Task.REGRESSION);
        SETS.put("boston", Task.REGRESSION);
    }

    /** scikit-learn's documentation grid, standard scaling and max_iter 200 (MLPClassifier/MLPRegressor's default). */
    static Map<String, List<?>> grid() {
        Map<String, List<?>> grid = new LinkedHashMap<>(SklearnGrid.grid());
        grid.put("preprocessing", List.of("standard"));
        grid.put("max_iter", List.of(200));
        return grid;
    }

    static Dataset load(Path dir, String name) {
        Task task = SETS.get(name);
        if (task == null) {
            throw new IllegalArgumentException("unknown set '" + name + "'; known: " + SETS.keySet());
        }
        Path file = dir.resolve(name + ".csv");
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(file + " is missing: run /usr/bin/python3 nntune-bench/scripts/export_tabular.py " + dir);
        }
        return CsvReader.builder().labelColumn("target").task(task).name(name).build().read(file).dataset();
    }

    static List<Split> folds(Dataset train, long seed) {
        return train.task() == Task.CLASSIFICATION ? Splits.stratifiedKFold(train, 5, seed) : Splits.kFold(train, 5, seed);
    }

    public static void main(String[] args) throws IOException {
        List<String> sets = new ArrayList<>(SETS.keySet());
        List<Long> seeds = List.of(0L, 1L, 2L, 3L, 4L);
        int jobs = 2;
        Path data = Path.of("/tmp/nntune-tabular");
        Path write = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--datasets" -> sets = List.of(args[++i].split(","));
                case "--seeds" -> seeds = Arrays.stream(args[++i].split(",")).map(Long::parseLong).toList();
                case "--jobs" -> jobs = Integer.parseInt(args[++i]);
                case "--write-indices" -> write = Path.of(args[++i]);
                case "--seed-counter" -> seeds = List.of(SklearnGrid.nextSeed(Path.of(args[++i]), seeds));
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; usage: [--data DIR] "
                        + "[--datasets iris,wine,...] [--seeds 0,1,2,3,4] [--jobs 2] [--write-indices DIR] [--seed-counter FILE]");
            }
        }
        if (write != null) {
            writeIndices(data, write, sets, seeds);
            return;
        }
        StringBuilder json = new StringBuilder("{\"script\": \"TabularGrid\", \"jobs\": " + jobs);
        StringBuilder runs = new StringBuilder();
        for (String name : sets) {
            Dataset all = load(data, name);
            Split canonical = Splits.canonical(all);
            Dataset train = canonical.train(all);
            Dataset test = canonical.test(all);
            String scoring = all.task() == Task.CLASSIFICATION ? "accuracy" : "r2";
            List<Double> walls = new ArrayList<>();
            List<Double> tests = new ArrayList<>();
            List<Double> cvs = new ArrayList<>();
            for (long seed : seeds) {
                long t0 = System.nanoTime();
                SearchResult r = GridSearchCV.sklearn(grid()).cv(CvStrategy.predefined(folds(train, seed))).scoring(scoring)
                        .nJobs(jobs).seed(seed).build().fit(train);
                double wall = (System.nanoTime() - t0) / 1e9;
                double score = r.score(test);
                walls.add(wall);
                tests.add(score);
                cvs.add(r.bestScore());
                runs.append(String.format(Locale.ROOT, "%s{\"dataset\": \"%s\", \"seed\": %d, \"wall_s\": %.3f, \"test_score\": %.4f,"
                                + " \"cv_score\": %.4f, \"best_params\": \"%s\", \"refit_epochs\": %d}",
                        runs.length() == 0 ? "" : ", ", name, seed, wall, score, r.bestScore(), r.bestParams(),
                        r.bestEstimator().epochsTrained()));
                System.err.printf(Locale.ROOT, "%s seed %d: %.2f s, test %s %.4f, best %s (CV %.4f)%n", name, seed, wall, scoring,
                        score, r.bestParams(), r.bestScore());
            }
            json.append(String.format(Locale.ROOT, ", \"%s_wall_s\": %.3f, \"%s_test_score\": %.4f, \"%s_cv_score\": %.4f",
                    name, SklearnGrid.median(walls), name, SklearnGrid.median(tests), name, SklearnGrid.median(cvs)));
        }
        json.append(", \"runs\": [").append(runs).append("]}");
        System.out.println(json);
    }

    /** Writes {@code DIR/NAME_seedS.json}: the canonical split's rows, the 5 folds of seed S (positions in the training part). */
    static void writeIndices(Path data, Path dir, List<String> sets, List<Long> seeds) throws IOException {
        Files.createDirectories(dir);
        for (String name : sets) {
            Dataset all = load(data, name);
            Split canonical = Splits.canonical(all);
            Dataset train = canonical.train(all);
            for (long seed : seeds) {
                StringBuilder sb = new StringBuilder("{\"dataset\": \"" + name + "\", \"seed\": " + seed);
                sb.append(", \"task\": \"").append(all.task().name().toLowerCase(Locale.ROOT)).append('"');
                sb.append(", \"rows\": ").append(all.size());
                sb.append(", \"train\": ").append(Arrays.toString(canonical.train()));
                sb.append(", \"test\": ").append(Arrays.toString(canonical.test()));
                sb.append(", \"folds\": [");
                List<Split> folds = folds(train, seed);
                for (int f = 0; f < folds.size(); f++) {
                    sb.append(f == 0 ? "" : ", ").append("{\"train\": ").append(Arrays.toString(folds.get(f).train()))
                            .append(", \"test\": ").append(Arrays.toString(folds.get(f).test())).append('}');
                }
                sb.append("]}\n");
                Files.writeString(dir.resolve(name + "_seed" + seed + ".json"), sb);
            }
        }
    }
}
