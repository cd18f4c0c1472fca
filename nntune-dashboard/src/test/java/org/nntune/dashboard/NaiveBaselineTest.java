package org.nntune.dashboard;

import org.junit.jupiter.api.Test;
import org.nntune.tune.trial.SystemAttrs;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;

/** A forecasting study's naive baselines, read back from its system attributes and shown in the report's summary. */
class NaiveBaselineTest {

    @Test
    void readsTheRecordAndDescribesEachPartItHas() {
        assertThat(NaiveBaseline.of(Map.of())).isEmpty();
        NaiveBaseline p = NaiveBaseline.of(Map.of(SystemAttrs.NAIVE_BASELINE,
                Map.of("metric", "mae", "persistence_validation", 2.0874, "persistence_test", 2.12948))).orElseThrow();
        assertThat(p).isEqualTo(new NaiveBaseline("mae", OptionalDouble.of(2.0874), OptionalDouble.of(2.12948), 0,
                OptionalDouble.empty(), OptionalDouble.empty()));
        assertThat(p.describe()).isEqualTo("persistence (the last value repeated): validation mae 2.0874, test mae 2.12948");
        NaiveBaseline s = NaiveBaseline.of(Map.of(SystemAttrs.NAIVE_BASELINE, Map.of("metric", "rmse", "persistence_validation", 9.5,
                "season", 12, "seasonal_validation", 6))).orElseThrow();
        assertThat(s.describe()).isEqualTo("persistence (the last value repeated): validation rmse 9.5; seasonal naive (the value 12"
                + " steps back): validation rmse 6");
    }

    @Test
    void theReportShowsThemInItsSummary() {
        NaiveBaseline p = new NaiveBaseline("mae", OptionalDouble.of(2.5), OptionalDouble.empty(), 0, OptionalDouble.empty(),
                OptionalDouble.empty());
        StudyReportData data = new StudyReportData("s", List.of(org.nntune.tune.trial.StudyDirection.MINIMIZE), List.of(
                ExampleStudies.trial(0, org.nntune.tune.trial.TrialState.COMPLETE, List.of(3.0), Map.of(), Map.of(), Map.of(), 1,
                        Optional.empty()))).withNaiveBaseline(Optional.of(p));
        assertThat(HtmlReport.of(data).html()).contains("<th>Naive forecasts</th><td>persistence (the last value repeated): validation mae 2.5</td>");
    }
}
