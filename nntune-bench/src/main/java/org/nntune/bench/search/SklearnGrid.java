package org.nntune.bench.search;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
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
 * nntune's side of scikit-learn's GridSearchCV(MLPClassifier) documentation example, on iris and
 * digits (see nntune-bench/scripts/sklearn_grid.py for the reference side). Both sides use the
 * same rows: the canonical split ({@link Splits#canonical}) and, for seed s, the stratified
 * 5-fold of the training part drawn with seed s ({@link Splits#stratifiedKFold}), which this
 * class writes as JSON files ({@code --write-indices DIR}) that the Python side reads. nntune runs
 * with MLPClassifier's defaults ({@code GridSearchCV.sklearn}), weights and shuffles seeded with
 * s as scikit-learn's {@code random_state=s}.
 *
 * <p>For each data set and each seed it times the grid search with the refit of the best
 * configuration (scikit-learn's {@code grid.fit}), scores the refitted model on the test part,
 * and prints one JSON line with the medians over the seeds:
 * {@code iris_wall_s, iris_test_accuracy, iris_best_score, digits_…}, and the runs per seed.
 *
 * <p>{@code --seed-counter FILE} runs one seed per process, in turn (see {@link #nextSeed}).
 *
 * <pre>
 * java … org.nntune.bench.search.SklearnGrid --write-indices /tmp/nntune-grid   # once, before compare.sh
 * java … org.nntune.bench.search.SklearnGrid --datasets iris,digits --seeds 0,1,2,3,4 --jobs 2
 * </pre>
 */
public final class SklearnGrid {
    private SklearnGrid() {}

    /** The documentation example's grid. */
    static Map<String, List<?>> grid() {
        Map<String, List<?>> grid = new LinkedHashMap<>();
        grid.put("hidden_layer_sizes", List.of(List.of(50), List.of(100), List.of(150)));
        grid.put("activation", List.of("tanh", "relu"));
        grid.put("alpha", List.of(1e-4, 1e-3, 1e-2));
        grid.put("learning_rate", List.of("constant", "adaptive"));
        return grid;
    }

    public static void main(String[] args) throws IOException {
        List<String> datasets = List.of("iris", "digits");
        List<Long> seeds = List.of(0L, 1L, 2L, 3L, 4L);
        int jobs = 2;
        Path write = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--datasets" -> datasets = List.of(args[++i].split(","));
                case "--seeds" -> seeds = Arrays.stream(args[++i].split(",")).map(Long::parseLong).toList();
                case "--jobs" -> jobs = Integer.parseInt(args[++i]);
                case "--write-indices" -> write = Path.of(args[++i]);
                case "--seed-counter" -> seeds = List.of(nextSeed(Path.of(args[++i]), seeds));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: [--datasets iris,digits] [--seeds 0,1,2,3,4] [--jobs 2] [--write-indices DIR] [--seed-counter FILE]");
            }
        }
        if (write != null) {
            writeIndices(write, datasets, seeds);
            return;
        }
        StringBuilder json = new StringBuilder("{\"script\": \"SklearnGrid\", \"jobs\": " + jobs);
        StringBuilder runs = new StringBuilder();
        for (String name : datasets) {
            Dataset data = Datasets.byName(name);
            Split canonical = Splits.canonical(data);
            Dataset train = canonical.train(data);
            Dataset test = canonical.test(data);
            List<Double> walls = new ArrayList<>();
            List<Double> accs = new ArrayList<>();
            List<Double> scores = new ArrayList<>();
            for (long seed : seeds) {
                long t0 = System.nanoTime();
                SearchResult r = GridSearchCV.sklearn(grid()).cv(CvStrategy.predefined(Splits.stratifiedKFold(train, 5, seed)))
                        .scoring("accuracy").nJobs(jobs).seed(seed).build().fit(train);
                double wall = (System.nanoTime() - t0) / 1e9;
                double acc = r.score(test);
                walls.add(wall);
                accs.add(acc);
                scores.add(r.bestScore());
                runs.append(String.format(Locale.ROOT, "%s{\"dataset\": \"%s\", \"seed\": %d, \"wall_s\": %.3f, \"test_accuracy\": %.4f,"
                                + " \"best_score\": %.4f, \"best_params\": \"%s\", \"refit_epochs\": %d}",
                        runs.length() == 0 ? "" : ", ", name, seed, wall, acc, r.bestScore(), r.bestParams(),
                        r.bestEstimator().epochsTrained()));
                System.err.printf(Locale.ROOT, "%s seed %d: %.2f s, test accuracy %.4f, best %s (CV %.4f)%n", name, seed, wall,
                        acc, r.bestParams(), r.bestScore());
            }
            json.append(String.format(Locale.ROOT, ", \"%s_wall_s\": %.3f, \"%s_test_accuracy\": %.4f, \"%s_best_score\": %.4f",
                    name, median(walls), name, median(accs), name, median(scores)));
        }
        json.append(", \"runs\": [").append(runs).append("]}");
        System.out.println(json);
    }

    /** Writes {@code DIR/NAME_seedS.json}: the canonical split's rows, the 5 folds of seed S (positions in the training part), the labels. */
    static void writeIndices(Path dir, List<String> datasets, List<Long> seeds) throws IOException {
        Files.createDirectories(dir);
        for (String name : datasets) {
            Dataset data = Datasets.byName(name);
            Split canonical = Splits.canonical(data);
            Dataset train = canonical.train(data);
            for (long seed : seeds) {
                StringBuilder sb = new StringBuilder("{\"dataset\": \"" + name + "\", \"seed\": " + seed);
                sb.append(", \"labels\": ").append(Arrays.toString(data.labels()));
                sb.append(", \"train\": ").append(Arrays.toString(canonical.train()));
                sb.append(", \"test\": ").append(Arrays.toString(canonical.test()));
                sb.append(", \"folds\": [");
                List<Split> folds = Splits.stratifiedKFold(train, 5, seed);
                for (int f = 0; f < folds.size(); f++) {
                    sb.append(f == 0 ? "" : ", ").append("{\"train\": ").append(Arrays.toString(folds.get(f).train()))
                            .append(", \"test\": ").append(Arrays.toString(folds.get(f).test())).append('}');
                }
                sb.append("]}\n");
                Files.writeString(dir.resolve(name + "_seed" + seed + ".json"), sb);
            }
        }
    }

    /**
     * One seed per run, in turn: run r (counted in {@code counter}, a file this method creates and
     * increments) uses {@code seeds[r mod seeds.size()]}. With compare.sh's interleaved pairs, pair p
     * of both sides runs seed p − 1, so the medians over 5 pairs are medians over seeds 0–4.
     * Give {@code --seeds} before {@code --seed-counter}.
     */
    static long nextSeed(Path counter, List<Long> seeds) throws IOException {
        int r = Files.exists(counter) ? Integer.parseInt(Files.readString(counter).trim()) : 0;
        Files.writeString(counter, Integer.toString(r + 1));
        return seeds.get(r % seeds.size());
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
