package org.nntune.dashboard;

import org.nntune.dashboard.svg.Fmt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A forecasting study's naive baselines ({@link org.nntune.tune.trial.SystemAttrs#NAIVE_BASELINE}), in the
 * study's metric: persistence (the last value of each window repeated for every step) and, when the study
 * gives a season, seasonal naive (the value one season back), on the validation windows of the best trial
 * and on the test windows of the refitted model. A forecaster that does not beat them has learnt nothing
 * a one-line rule does not know; the report shows them beside the best value and the test score.
 *
 * @param metric the study's metric (mae, mse, rmse, r2)
 * @param validation persistence's score on the validation windows, when scored
 * @param test persistence's score on the test windows, when the data had them
 * @param season the season of the seasonal naive forecast, 0 when none was given
 * @param seasonalValidation the seasonal naive score on the validation windows, when scored
 * @param seasonalTest the seasonal naive score on the test windows, when scored
 */
public record NaiveBaseline(String metric, OptionalDouble validation, OptionalDouble test, int season,
                            OptionalDouble seasonalValidation, OptionalDouble seasonalTest) {

    /** The baselines a study's system attributes record, if any. */
    public static Optional<NaiveBaseline> of(Map<String, Object> systemAttrs) {
        if (!(systemAttrs.get(org.nntune.tune.trial.SystemAttrs.NAIVE_BASELINE) instanceof Map<?, ?> m)
                || !(m.get("metric") instanceof String metric)) {
            return Optional.empty();
        }
        return Optional.of(new NaiveBaseline(metric, number(m, "persistence_validation"), number(m, "persistence_test"),
                m.get("season") instanceof Number s ? s.intValue() : 0, number(m, "seasonal_validation"), number(m, "seasonal_test")));
    }

    /** The study system attribute's value ({@link org.nntune.tune.trial.SystemAttrs#NAIVE_BASELINE}) that {@link #of} reads back. */
    public Map<String, Object> toSystemAttr() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("metric", metric);
        validation.ifPresent(v -> m.put("persistence_validation", v));
        test.ifPresent(v -> m.put("persistence_test", v));
        if (season > 0) {
            m.put("season", season);
            seasonalValidation.ifPresent(v -> m.put("seasonal_validation", v));
            seasonalTest.ifPresent(v -> m.put("seasonal_test", v));
        }
        return m;
    }

    private static OptionalDouble number(Map<?, ?> m, String key) {
        return m.get(key) instanceof Number n ? OptionalDouble.of(n.doubleValue()) : OptionalDouble.empty();
    }

    /**
     * "persistence (the last value repeated): validation mae 2.09, test mae 2.13; seasonal naive (season 12):
     * validation mae 6.1, test mae 5.98".
     */
    public String describe() {
        String s = "persistence (the last value repeated): " + parts(validation, test);
        return season > 0 ? s + "; seasonal naive (the value " + season + " steps back): " + parts(seasonalValidation, seasonalTest) : s;
    }

    private String parts(OptionalDouble v, OptionalDouble t) {
        List<String> p = new ArrayList<>();
        v.ifPresent(x -> p.add("validation " + metric + " " + Fmt.num(x)));
        t.ifPresent(x -> p.add("test " + metric + " " + Fmt.num(x)));
        return p.isEmpty() ? "not scored" : String.join(", ", p);
    }
}
