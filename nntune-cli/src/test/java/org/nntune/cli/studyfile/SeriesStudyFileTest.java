package org.nntune.cli.studyfile;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A numeric series in a study file ({@code data.series}, {@code window}, {@code horizon}): read, and every misuse named at its line and key. */
class SeriesStudyFileTest {
    private final StudyFileReader reader = new StudyFileReader();
    private final Path file = Path.of("/tmp/studies/sun.yaml");

    private static final String GOOD = """
            study: sun
            data:
              csv: sun.csv
              series: SUNACTIVITY
              window: 11
              horizon: 2
            metric: mae
            model:
              family: rnn
              space:
                cell: [lstm, gru]
                hidden_size: {low: 8, high: 32}
                epochs: 5
            budget: {trials: 3}
            """;

    private StudyFile read(String yaml) {
        return reader.read(file, yaml);
    }

    @Test
    void aSeriesIsARegressionValidatedByAHoldOutInTimeOrder() {
        StudyFile s = read(GOOD);
        assertThat(s.data().series()).contains(new StudyFile.SeriesSpec("SUNACTIVITY", 11, 2));
        assertThat(s.task()).isEqualTo("regression");
        assertThat(s.validation().method()).isEqualTo("holdout");
        assertThat(s.data().preprocessing()).isEqualTo("standard");
        // the embedding is not read for numbers: fixed, so no trial searches it
        assertThat(s.model().network().gridAxes()).doesNotContainKey("embedding");
        assertThat(read(GOOD.replace("  horizon: 2\n", "")).data().series()).contains(new StudyFile.SeriesSpec("SUNACTIVITY", 11, 1));
        // data.target: the values themselves by default, or their change from each window's last value
        assertThat(s.data().series().orElseThrow().change()).isFalse();
        assertThat(read(GOOD.replace("  horizon: 2\n", "  horizon: 2\n  target: change\n")).data().series())
                .contains(new StudyFile.SeriesSpec("SUNACTIVITY", 11, 2, true));
        assertThat(read(GOOD.replace("  horizon: 2\n", "  horizon: 2\n  target: level\n")).data().series())
                .contains(new StudyFile.SeriesSpec("SUNACTIVITY", 11, 2, false));
        assertThat(read(GOOD.replace("family: rnn", "family: mlp").replace("""
                    cell: [lstm, gru]
                    hidden_size: {low: 8, high: 32}
                """, "")).data().series()).isPresent();
    }

    @Test
    void windowAndHorizonMustBeWholeNumbersOfAtLeastOne() {
        assertThatThrownBy(() -> read(GOOD.replace("window: 11", "window: 0")))
                .hasMessageContaining("line 5").hasMessageContaining("key 'data.window'").hasMessageContaining("0 is out of range");
        assertThatThrownBy(() -> read(GOOD.replace("horizon: 2", "horizon: -1")))
                .hasMessageContaining("line 6").hasMessageContaining("key 'data.horizon'").hasMessageContaining("out of range");
        assertThatThrownBy(() -> read(GOOD.replace("window: 11", "window: 2.5")))
                .hasMessageContaining("key 'data.window'").hasMessageContaining("expected a whole number");
        assertThatThrownBy(() -> read(GOOD.replace("  window: 11\n", "")))
                .hasMessageContaining("line 4").hasMessageContaining("key 'data.series'").hasMessageContaining("needs 'window:'");
    }

    @Test
    void severalSeriesColumnsAreRefusedSayingOneColumnIsForecast() {
        assertThatThrownBy(() -> read(GOOD.replace("series: SUNACTIVITY", "series: [SUNACTIVITY, other]")))
                .hasMessageContaining("line 4").hasMessageContaining("key 'data.series'")
                .hasMessageContaining("forecasts one column from its own past values; several series, or other columns as inputs"
                        + " (exogenous features), are not supported").hasMessageContaining("one study per column")
                .hasMessageNotContaining("expected a string");
    }

    @Test
    void rmseIsARegressionMetricThatIsMinimised() {
        StudyFile s = read(GOOD.replace("metric: mae", "metric: rmse"));
        assertThat(s.objectives().get(0).metric()).isEqualTo("rmse");
        assertThat(s.objectives().get(0).direction()).isEqualTo("minimize");
        assertThat(org.nntune.search.Scorer.byName("rmse").greaterIsBetter()).isFalse();
    }

    @Test
    void aSeasonIsAtLeastTwoAndAtMostTheWindowAndOnlyForASeries() {
        assertThat(read(GOOD.replace("horizon: 2", "horizon: 2\n  season: 11")).data().series())
                .contains(new StudyFile.SeriesSpec("SUNACTIVITY", 11, 2, false, 11));
        assertThatThrownBy(() -> read(GOOD.replace("horizon: 2", "horizon: 2\n  season: 12")))
                .hasMessageContaining("line 7").hasMessageContaining("key 'data.season'").hasMessageContaining("longer than the window (11)")
                .hasMessageContaining("a window of at least 12 values");
        assertThatThrownBy(() -> read(GOOD.replace("horizon: 2", "horizon: 2\n  season: 1")))
                .hasMessageContaining("key 'data.season'").hasMessageContaining("out of range");
        assertThatThrownBy(() -> read(GOOD.replace("  series: SUNACTIVITY\n  window: 11\n  horizon: 2\n", "  label: y\n  season: 7\n")))
                .hasMessageContaining("key 'data.season'").hasMessageContaining("applies to a numeric series");
    }

    @Test
    void seriesKeysOnlyWithASeriesAndTableKeysNotWithIt() {
        assertThatThrownBy(() -> read(GOOD.replace("series: SUNACTIVITY", "label: SUNACTIVITY")))
                .hasMessageContaining("line 5").hasMessageContaining("key 'data.window'").hasMessageContaining("applies to a numeric series");
        assertThatThrownBy(() -> read(GOOD.replace("  horizon: 2\n", "  horizon: 2\n  label: YEAR\n")))
                .hasMessageContaining("line 7").hasMessageContaining("key 'data.label'").hasMessageContaining("its own target");
        assertThatThrownBy(() -> read(GOOD.replace("  horizon: 2\n", "  horizon: 2\n  test_csv: later.csv\n")))
                .hasMessageContaining("key 'data.test_csv'").hasMessageContaining("time order");
        assertThatThrownBy(() -> read(GOOD.replace("  horizon: 2\n", "  horizon: 2\n  text: SUNACTIVITY\n")))
                .hasMessageContaining("key 'data.text'");
        assertThatThrownBy(() -> read(GOOD.replace("  window: 11\n", "  windw: 11\n")))
                .hasMessageContaining("line 4").hasMessageContaining("needs 'window:'")
                .hasMessageContaining("'windw' is not a key: did you mean 'window'?");
        assertThatThrownBy(() -> read(GOOD.replace("  horizon: 2\n", "  horizn: 2\n")))
                .hasMessageContaining("line 6").hasMessageContaining("unknown key 'horizn'").hasMessageContaining("did you mean 'horizon'?");
    }

    @Test
    void taskValidationAndFamilyMustFitASeries() {
        assertThatThrownBy(() -> read(GOOD.replace("metric: mae", "task: classification\nmetric: accuracy")))
                .hasMessageContaining("line 7").hasMessageContaining("key 'task'").hasMessageContaining("regression");
        assertThatThrownBy(() -> read(GOOD.replace("metric: mae", "metric: mae\nvalidation: {method: kfold, folds: 3}")))
                .hasMessageContaining("line 8").hasMessageContaining("key 'validation.method'").hasMessageContaining("time order");
        assertThatThrownBy(() -> read(GOOD.replace("family: rnn", "family: cnn").replace("""
                    cell: [lstm, gru]
                    hidden_size: {low: 8, high: 32}
                """, "")))
                .hasMessageContaining("key 'model.family'").hasMessageContaining("rnn");
        assertThatThrownBy(() -> read(GOOD.replace("epochs: 5", "epochs: 5\n    embedding: 32")))
                .hasMessageContaining("line 14").hasMessageContaining("key 'model.space.embedding'").hasMessageContaining("applies to text");
        // early stopping and the implicit L2 hold out the last windows of a trial's part, in time order
        assertThat(read(GOOD.replace("epochs: 5", "epochs: 5\n    early_stopping: 3")).data().series()).isPresent();
        assertThat(read(GOOD.replace("epochs: 5", "epochs: 5\n    l2_adapt: implicit")).data().series()).isPresent();
        assertThat(read(GOOD).data().source()).isInstanceOfSatisfying(StudyFile.DataSource.Csv.class,
                c -> assertThat(c.text()).isEqualTo(Optional.empty()));
    }
}
