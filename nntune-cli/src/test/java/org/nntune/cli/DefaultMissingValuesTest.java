package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code data.default_missing_values: false}, pandas' {@code keep_default_na=False}: a category or
 * class spelt {@code None} or {@code NA} is a value again; the empty field and {@code
 * data.missing_values} stay missing; predict reads the rows as the training did.
 */
class DefaultMissingValuesTest {

    @Test
    void switchingThePandasDefaultsOffMakesNoneACategoryForTuneAndPredict(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder("x,plan,kind\n");
        String[] plans = {"None", "basic", "NA"};
        for (int i = 0; i < 90; i++) {
            String plan = plans[i % 3];
            sb.append(i % 10).append(',').append(plan).append(',').append(plan.equals("basic") ? "paid" : "free").append('\n');
        }
        Files.writeString(dir.resolve("plans.csv"), sb.toString());
        String study = """
                study: plans
                seed: 1
                data:
                  csv: plans.csv
                  label: kind
                  categorical: [plan]
                %s
                validation: {method: holdout, fraction: 0.25}
                model:
                  space: {layers: 1, units: 8, epochs: 20, lr: 0.05}
                budget: {trials: 1}
                """;
        Path file = dir.resolve("plans.yaml");
        // by default None and NA are pandas' missing marks: with missing: error the first one stops the run at its line
        Files.writeString(file, study.formatted(""));
        CliTest.Result missing = CliTest.run("tune", "--dry-run", file.toString());
        assertThat(missing.code()).isEqualTo(ExitCode.DATA);
        assertThat(missing.err()).contains("line 2").contains("missing value ('None')");

        Files.writeString(file, study.formatted("  default_missing_values: false"));
        CliTest.Result tuned = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        Path in = dir.resolve("in.csv");
        Files.writeString(in, "x,plan\n3,None\n4,basic\n5,NA\n");
        CliTest.Result pred = CliTest.run("predict", dir.resolve("plans-results/best.model").toString(), in.toString());
        assertThat(pred.code()).as(pred.err()).isZero();
        assertThat(pred.out().lines().skip(1).toList()).containsExactly("free", "paid", "free");
        assertThat(pred.err()).doesNotContain("missing").doesNotContain("categor");

        // a series reads no such marks: the key is refused there at its line
        Files.writeString(dir.resolve("s.csv"), "y\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n");
        Path series = dir.resolve("s.yaml");
        Files.writeString(series, """
                study: s
                data: {csv: s.csv, series: y, window: 3, default_missing_values: false}
                model: {family: rnn}
                budget: {trials: 1}
                """);
        CliTest.Result refused = CliTest.run("tune", "--dry-run", series.toString());
        assertThat(refused.code()).isEqualTo(ExitCode.USAGE);
        assertThat(refused.err()).contains("'default_missing_values' does not apply to a series");
    }
}
