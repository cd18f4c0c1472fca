package org.nntune.cli.run;

import org.nntune.cli.studyfile.StudyFile;
import org.nntune.dashboard.NaiveBaseline;
import org.nntune.nn.data.Dataset;
import org.nntune.search.EpochHook;
import org.nntune.search.Estimator;
import org.nntune.search.Scorer;
import org.nntune.tune.trial.SystemAttrs;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The naive forecasts a forecaster must beat, scored in the study's metric on the windows the model
 * is scored on: persistence (each window's last value repeated for every step of the horizon; the
 * best forecast of a random walk, and near the best of a trend) and, when the study file gives
 * {@code data.season: m}, seasonal naive (each step's value one season back). No season is guessed
 * from the data: a season is the user's knowledge (12 months, 7 days), and a detected one would make
 * the baseline depend on a detector's threshold.
 */
final class NaiveForecasts {
    private NaiveForecasts() {}

    /**
     * A naive forecaster of windows ({@code featureCount} = window, read in time order; {@code horizon}
     * targets): step {@code h} (1-based) is the window's value {@code period * ceil(h / period)} steps before
     * the target, so a period of 1 repeats the last value (persistence) and a period of m the value one season
     * back. It needs no fitting.
     */
    record Naive(int period, int horizon) implements Estimator {
        @Override
        public Estimator fit(Dataset train, EpochHook hook) {
            return this;
        }

        @Override
        public int[] predict(Dataset data) {
            throw new UnsupportedOperationException("a naive forecast has no classes");
        }

        @Override
        public float[][] predictProba(Dataset data) {
            throw new UnsupportedOperationException("a naive forecast has no classes");
        }

        @Override
        public float[][] predictValues(Dataset data) {
            int window = data.featureCount();
            float[][] out = new float[data.size()][horizon];
            for (int i = 0; i < data.size(); i++) {
                for (int h = 1; h <= horizon; h++) {
                    // the target is at window - 1 + h; one or more whole periods back lies inside the window
                    int back = period * ((h + period - 1) / period);
                    out[i][h - 1] = data.feature(i, window - 1 + h - back);
                }
            }
            return out;
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("naive_period", period);
        }
    }

    /**
     * A series study's baselines on the validation windows of its time-order hold-out (the best trial's, a population's
     * members') and on its test windows; empty for other data.
     */
    static Optional<NaiveBaseline> score(StudyFile sf, Scorer scorer, StudyData data) {
        if (sf.data().series().isEmpty() || !sf.validation().method().equals("holdout")) {
            return Optional.empty();
        }
        Optional<Dataset> validation;
        try {
            // a time-order hold-out takes no seed
            validation = Optional.of(data.train().subset(StudyRun.holdout(sf).splits(data.train(), 0).get(0).test()));
        } catch (IllegalArgumentException e) {
            validation = Optional.empty(); // too few windows to hold any out: the trials said so already
        }
        return score(sf, scorer, validation, data.test());
    }

    /**
     * The baselines of a series study on its validation windows ({@code validation}, the best trial's held-out
     * part) and its test windows, as the study records them ({@link SystemAttrs#NAIVE_BASELINE}); empty for a
     * study that is not a series.
     */
    static Optional<NaiveBaseline> score(StudyFile sf, Scorer scorer, Optional<Dataset> validation, Optional<Dataset> test) {
        if (sf.data().series().isEmpty()) {
            return Optional.empty();
        }
        StudyFile.SeriesSpec s = sf.data().series().get();
        Naive persistence = new Naive(1, s.horizon());
        Naive seasonal = new Naive(Math.max(1, s.season()), s.horizon());
        boolean seasonGiven = s.season() > 0;
        return Optional.of(new NaiveBaseline(scorer.name(), score(scorer, persistence, validation), score(scorer, persistence, test),
                s.season(), seasonGiven ? score(scorer, seasonal, validation) : OptionalDouble.empty(),
                seasonGiven ? score(scorer, seasonal, test) : OptionalDouble.empty()));
    }

    private static OptionalDouble score(Scorer scorer, Estimator naive, Optional<Dataset> part) {
        if (part.isEmpty() || part.get().size() == 0) {
            return OptionalDouble.empty();
        }
        double v = scorer.score(naive, part.get());
        return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
    }

    /** "naive forecasts on the same validation windows: persistence mae 2.09; seasonal naive (season 12) mae 6.1". */
    static Optional<String> line(String part, String metric, OptionalDouble persistence, int season, OptionalDouble seasonal) {
        if (persistence.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "naive forecasts on the same %s windows: persistence (the last value repeated) %s %.6g%s",
                part, metric, persistence.getAsDouble(), seasonal.isPresent()
                        ? String.format(Locale.ROOT, "; seasonal naive (the value %d steps back) %s %.6g", season, metric, seasonal.getAsDouble())
                        : ""));
    }

    /**
     * The warning when the model is worse than persistence on validation or test ({@code greaterIsBetter} as the
     * metric's direction), naming the change target that makes trends and random walks learnable (unless the model
     * learns changes already, {@code change}); empty when it is not worse on either part.
     */
    static Optional<String> worseWarning(NaiveBaseline b, boolean greaterIsBetter, OptionalDouble modelValidation, OptionalDouble modelTest,
                                         boolean change) {
        StringBuilder where = new StringBuilder();
        appendIfWorse(where, "validation", b.metric(), greaterIsBetter, modelValidation, b.validation());
        appendIfWorse(where, "test", b.metric(), greaterIsBetter, modelTest, b.test());
        if (where.length() == 0) {
            return Optional.empty();
        }
        return Optional.of("warning: the best model forecasts worse than persistence (repeating each window's last value) on " + where
                + (change ? ", though it learns changes (data.target: change): try a longer search, another window or family"
                : ". A trended series or a random walk is learnt as changes, not levels: try data.target: change; or a longer"
                + " search, another window or family"));
    }

    /** {@code v} to 4 significant digits without trailing zeros (10.8, 2.087). */
    private static String digits4(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static void appendIfWorse(StringBuilder where, String part, String metric, boolean greaterIsBetter, OptionalDouble model,
                                      OptionalDouble naive) {
        if (model.isEmpty() || naive.isEmpty()) {
            return;
        }
        double m = model.getAsDouble();
        double n = naive.getAsDouble();
        if (greaterIsBetter ? m < n : m > n) {
            where.append(where.length() == 0 ? "" : " and ").append(String.format(Locale.ROOT, "%s (%s %s against %s)", part, metric, digits4(m), digits4(n)));
        }
    }
}
