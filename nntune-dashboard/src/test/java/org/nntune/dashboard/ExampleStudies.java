package org.nntune.dashboard;

import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.space.IntDistribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/** Synthetic studies for the report tests: a network-tuning-like space with a known shape. */
final class ExampleStudies {
    private ExampleStudies() {}

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    static final Map<String, Distribution> SPACE = space();

    private static Map<String, Distribution> space() {
        Map<String, Distribution> m = new LinkedHashMap<>();
        m.put("lr", FloatDistribution.logUniform(1e-5, 1e-1));
        m.put("layers", IntDistribution.uniform(1, 4));
        m.put("units", IntDistribution.logUniform(8, 256));
        m.put("optimizer", CategoricalDistribution.of("sgd", "adam", "rmsprop"));
        m.put("dropout", FloatDistribution.uniform(0, 0.5));
        return m;
    }

    /** A trial with everything given. */
    static FrozenTrial trial(int number, TrialState state, List<Double> values, Map<String, Object> params,
                             Map<String, Distribution> dists, Map<Integer, Double> intermediate, double seconds,
                             Optional<String> failure) {
        Instant start = T0.plusSeconds(number * 10L);
        Optional<Instant> end = state.isFinished()
                ? Optional.of(start.plusMillis(Math.round(seconds * 1000))) : Optional.empty();
        return new FrozenTrial(number, number + 1000L, state, values, params, dists, Map.of(), Map.of(),
                new TreeMap<>(intermediate), Optional.of(start), end, failure);
    }

    /** A COMPLETE trial with a single value and the given parameters (distributions from {@link #SPACE}). */
    static FrozenTrial complete(int number, double value, Map<String, Object> params) {
        Map<String, Distribution> d = new LinkedHashMap<>();
        for (String k : params.keySet()) {
            d.put(k, SPACE.get(k));
        }
        return trial(number, TrialState.COMPLETE, List.of(value), params, d, Map.of(), 1.5, Optional.empty());
    }

    /**
     * A single-objective study of {@code n} trials (minimising a validation loss): ~10% pruned with
     * shorter curves, ~4% failed, the rest complete with ten reported epochs.
     */
    static StudyReportData singleObjective(String name, int n, long seed) {
        Random r = new Random(seed);
        List<FrozenTrial> trials = new ArrayList<>();
        String[] opts = {"sgd", "adam", "rmsprop"};
        for (int i = 0; i < n; i++) {
            Map<String, Object> p = new LinkedHashMap<>();
            double lr = Math.pow(10, -5 + 4 * r.nextDouble());
            long layers = 1 + r.nextInt(4);
            long units = Math.round(Math.pow(2, 3 + 5 * r.nextDouble()));
            String opt = opts[r.nextInt(3)];
            double dropout = 0.5 * r.nextDouble();
            p.put("lr", lr);
            p.put("layers", layers);
            p.put("units", units);
            p.put("optimizer", opt);
            p.put("dropout", dropout);
            double x = Math.log10(lr) + 2.5;
            double loss = 0.2 + 0.12 * x * x + 0.05 * Math.abs(layers - 2.5) + (opt.equals("sgd") ? 0.15 : 0)
                    + 0.2 * dropout * dropout + 0.02 * r.nextGaussian();
            loss = Math.max(0.05, loss);
            double u = r.nextDouble();
            TrialState state = u < 0.04 ? TrialState.FAIL : u < 0.14 ? TrialState.PRUNED : TrialState.COMPLETE;
            Map<Integer, Double> curve = new TreeMap<>();
            int epochs = state == TrialState.PRUNED ? 2 + r.nextInt(4) : state == TrialState.FAIL ? 0 : 10;
            for (int e = 0; e < epochs; e++) {
                curve.put(e, loss + (1.2 - loss) * Math.exp(-0.5 * e) + 0.01 * r.nextGaussian());
            }
            List<Double> values = switch (state) {
                case COMPLETE -> List.of(loss);
                case PRUNED -> List.of(curve.get(epochs - 1));
                default -> List.of();
            };
            trials.add(trial(i, state, values, p, SPACE, curve, 2 + 8 * r.nextDouble(),
                    state == TrialState.FAIL ? Optional.of("loss became NaN; try a lower learning rate") : Optional.empty()));
        }
        return new StudyReportData(name, List.of(StudyDirection.MINIMIZE), trials);
    }

    /** A two-objective study: maximise accuracy, minimise parameter count; all complete. */
    static StudyReportData twoObjectives(String name, int n, long seed) {
        Random r = new Random(seed);
        List<FrozenTrial> trials = new ArrayList<>();
        Map<String, Distribution> d = new LinkedHashMap<>();
        d.put("units", SPACE.get("units"));
        d.put("layers", SPACE.get("layers"));
        for (int i = 0; i < n; i++) {
            long units = Math.round(Math.pow(2, 3 + 5 * r.nextDouble()));
            long layers = 1 + r.nextInt(4);
            double size = units * units * layers;
            double acc = 0.99 - 0.3 / Math.sqrt(1 + size / 64.0) - 0.05 * r.nextDouble();
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("units", units);
            p.put("layers", layers);
            trials.add(trial(i, TrialState.COMPLETE, List.of(acc, size), p, d, Map.of(), 1 + r.nextDouble(), Optional.empty()));
        }
        return new StudyReportData(name, List.of(StudyDirection.MAXIMIZE, StudyDirection.MINIMIZE), trials);
    }
}
