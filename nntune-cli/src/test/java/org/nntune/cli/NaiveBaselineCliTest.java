package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A forecaster's naive baselines at the CLI: tune prints persistence and seasonal naive on the validation and
 * test windows in the study's metric (rmse here), warns when the model loses to persistence (a level network on a
 * noisy ramp does), and the study keeps them for best and the report.
 */
class NaiveBaselineCliTest {

    /** A noisy ramp, 2t + N(0, 1), as ramp.csv. */
    private static void ramp(Path csv) throws java.io.IOException {
        StringBuilder rows = new StringBuilder("t,v\n");
        Random r = new Random(1);
        for (int t = 0; t < 200; t++) {
            rows.append(t).append(',').append(String.format(Locale.ROOT, "%.4f", 2 * t + r.nextGaussian())).append('\n');
        }
        Files.writeString(csv, rows);
    }

    @Test
    void tunePrintsTheBaselinesAndWarnsAndBestAndTheReportShowThem(@TempDir Path dir) throws Exception {
        ramp(dir.resolve("ramp.csv"));
        Path file = dir.resolve("ramp.yaml");
        Files.writeString(file, """
                study: ramp
                data: {csv: ramp.csv, series: v, window: 12, horizon: 2, season: 12}
                metric: rmse
                model:
                  family: rnn
                  space: {epochs: 3, hidden_size: 4, lr: 0.01}
                budget: {trials: 1}
                """);
        CliTest.Result tuned = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        assertThat(tuned.out()).containsPattern("best trial 0: validation \\(holdout 20%, time order\\) rmse [0-9.]+\n"
                        + "naive forecasts on the same validation windows: persistence \\(the last value repeated\\) rmse [0-9.]+;"
                        + " seasonal naive \\(the value 12 steps back\\) rmse [0-9.]+\n")
                .containsPattern("test rmse: [0-9.]+ \\([0-9]+ test rows\\)\nnaive forecasts on the same test windows: persistence"
                        + " \\(the last value repeated\\) rmse [0-9.]+; seasonal naive")
                .contains("warning: the best model forecasts worse than persistence").contains("try data.target: change");

        CliTest.Result best = CliTest.run("best", file.toString());
        assertThat(best.code()).as(best.err()).isZero();
        assertThat(best.out()).containsPattern("naive forecasts: persistence \\(the last value repeated\\): validation rmse [0-9.]+,"
                + " test rmse [0-9.]+; seasonal naive \\(the value 12 steps back\\): validation rmse");
        assertThat(Files.readString(dir.resolve("ramp-results/report.html"))).contains("<th>Naive forecasts</th><td>persistence");
    }

    @Test
    void aPopulationOfForecastersPrintsAndRecordsThemToo(@TempDir Path dir) throws Exception {
        ramp(dir.resolve("ramp.csv"));
        Path file = dir.resolve("pbt.yaml");
        Files.writeString(file, """
                study: ramp-pbt
                data: {csv: ramp.csv, series: v, window: 12}
                metric: mae
                model:
                  family: rnn
                  space: {epochs: 4, hidden_size: 4, lr: {low: 1.0e-3, high: 1.0e-2, log: true}}
                sampler: {type: pbt, population: 2, interval: 2, quantile: 0.5}
                """);
        CliTest.Result tuned = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        assertThat(tuned.out()).contains("naive forecasts on the same validation windows: persistence (the last value repeated) mae ")
                .containsPattern("test mae: [0-9.]+ \\([0-9]+ test rows\\)\nnaive forecasts on the same test windows: persistence");
        assertThat(Files.readString(dir.resolve("pbt-results/report.html"))).contains("<th>Naive forecasts</th>");
    }
}
