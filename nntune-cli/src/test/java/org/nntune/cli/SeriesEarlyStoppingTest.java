package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Early stopping and the implicit L2 on a series: each holds out the last windows of what a trial fits (the windows are
 * marked in time order), so a study file may name them beside a series, and the refit says what it held out.
 */
class SeriesEarlyStoppingTest {

    @Test
    void aSeriesStudyStopsEarlyAndTunesItsL2OnTheLastWindows(@TempDir Path dir) throws Exception {
        StringBuilder b = new StringBuilder("t,v\n");
        java.util.Random rng = new java.util.Random(3);
        for (int t = 0; t < 240; t++) {
            b.append(t).append(',').append(String.format(Locale.ROOT, "%.4f", Math.sin(t * 2 * Math.PI / 24) + 0.1 * rng.nextGaussian()))
                    .append('\n');
        }
        Files.writeString(dir.resolve("wave.csv"), b);
        Files.writeString(dir.resolve("wave.yaml"), """
                study: wave
                seed: 0
                data: {csv: wave.csv, series: v, window: 12, horizon: 2}
                metric: mae
                model:
                  family: rnn
                  space: {cell: gru, hidden_size: 8, lr: 0.01, batch_size: 16, epochs: 200, early_stopping: 3, l2_adapt: implicit}
                budget: {trials: 1}
                """);
        CliTest.Result r = CliTest.run("tune", dir.resolve("wave.yaml").toString(), "--progress", "none");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        // the refit held its last windows out for both, and early stopping ended it before the 200 epochs
        assertThat(r.out()).containsPattern("held out for early stopping and the implicit L2's steps\\); stopped after \\d+ of 200 epochs");
        assertThat(r.out()).containsPattern("test mae: 0\\.[0-9]+");
    }
}
