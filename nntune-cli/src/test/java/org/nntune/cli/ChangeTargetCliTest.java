package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code data.target: change} on a noisy ramp, through the command line: the search's networks
 * learn each value's change from the window's last value, and the test metric, {@code predict}
 * and the ONNX export answer in the series' units.
 */
class ChangeTargetCliTest {

    private static final String STUDY = """
            study: ramp
            seed: 0
            data:
              csv: ramp.csv
              series: v
              window: 8
              target: %s
              test_fraction: 0.2
            metric: mae
            model:
              family: rnn
              space: {cell: gru, hidden_size: 8, lr: 0.01, batch_size: 16, epochs: 30}
            budget: {trials: 1}
            """;

    /** {@code 2t + N(0, 1)} for t = 0..199, seeded. */
    private static double[] ramp(Path csv) throws Exception {
        java.util.Random rng = new java.util.Random(5);
        double[] v = new double[200];
        StringBuilder b = new StringBuilder("t,v\n");
        for (int t = 0; t < v.length; t++) {
            v[t] = 2 * t + rng.nextGaussian();
            b.append(t).append(',').append(String.format(Locale.ROOT, "%.4f", v[t])).append('\n');
        }
        Files.writeString(csv, b);
        return v;
    }

    private static double testMae(String out) {
        Matcher m = Pattern.compile("test mae: ([0-9.]+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void aChangeTargetForecastsARampInItsOwnUnitsWhereTheLevelTargetCannot(@TempDir Path dir) throws Exception {
        double[] v = ramp(dir.resolve("ramp.csv"));
        Files.writeString(dir.resolve("change.yaml"), STUDY.formatted("change").replace("study: ramp", "study: change"));
        Files.writeString(dir.resolve("level.yaml"), STUDY.formatted("level").replace("study: ramp", "study: level"));
        CliTest.Result change = CliTest.run("tune", dir.resolve("change.yaml").toString(), "--progress", "none");
        assertThat(change.code()).as(change.err()).isZero();
        assertThat(change.out()).contains("windows of 8 values forecast the next 1 as changes from the window's last value");
        CliTest.Result level = CliTest.run("tune", dir.resolve("level.yaml").toString(), "--progress", "none");
        assertThat(level.code()).as(level.err()).isZero();
        // persistence on this ramp is about 2.1 (the step of 2 plus two noises); the levels' network saturates above the
        // training part's values
        assertThat(testMae(change.out())).as("change target's test MAE").isLessThan(2.0);
        assertThat(testMae(level.out())).as("level target's test MAE").isGreaterThan(6.0);

        CliTest.Result pred = CliTest.run("predict", dir.resolve("change-results/best.model").toString(),
                dir.resolve("ramp.csv").toString());
        assertThat(pred.code()).as(pred.err()).isZero();
        List<String> lines = pred.out().lines().toList();
        String[] last = lines.get(lines.size() - 1).split(",");
        assertThat(last[0]).isEqualTo("201");
        // the value after the file's end: about 2 above its last value (v[199] about 398), in the series' units
        assertThat(Double.parseDouble(last[1])).isCloseTo(v[199] + 2, within(3.0));

        // the same study resumed with the other target: other training data (their fingerprint tells a change target apart)
        Files.writeString(dir.resolve("change.yaml"), STUDY.formatted("level").replace("study: ramp", "study: change")
                .replace("trials: 1", "trials: 2"));
        CliTest.Result resumed = CliTest.run("tune", dir.resolve("change.yaml").toString(), "--progress", "none");
        assertThat(resumed.code()).as(resumed.out()).isEqualTo(ExitCode.DATA);
        assertThat(resumed.err()).contains("study 'change'").contains("was run on other training data");

        Path onnx = dir.resolve("ramp.onnx");
        CliTest.Result export = CliTest.run("export", dir.resolve("change-results/best.model").toString(), "--onnx", onnx.toString());
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(new String(Files.readAllBytes(onnx), java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("column v, window 8, horizon 1, target change");
    }

    @Test
    void aTargetIsOnlyForASeriesAndIsLevelOrChange(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("t.csv"), "a,b\n1,2\n3,4\n");
        Files.writeString(dir.resolve("t.yaml"), """
                data: {csv: t.csv, label: b, target: change}
                model: {family: mlp}
                """);
        CliTest.Result table = CliTest.run("tune", dir.resolve("t.yaml").toString(), "--dry-run");
        assertThat(table.code()).isEqualTo(ExitCode.USAGE);
        assertThat(table.err()).contains("line 1").contains("key 'data.target'").contains("'target' applies to a numeric series")
                .contains("a table's target column is 'label'");
        ramp(dir.resolve("ramp.csv"));
        Files.writeString(dir.resolve("bad.yaml"), STUDY.formatted("diff"));
        CliTest.Result bad = CliTest.run("tune", dir.resolve("bad.yaml").toString(), "--dry-run");
        assertThat(bad.code()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).contains("line 7").contains("key 'data.target'").contains("level").contains("change");
    }
}
