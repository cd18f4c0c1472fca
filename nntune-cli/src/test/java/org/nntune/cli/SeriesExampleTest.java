package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * examples/sunspots.yaml (on a copy, two trials), then the README's predict command on the
 * series itself; and a series' bad input at the CLI: too short for one window, a cell that is not
 * a number, a window of 0.
 */
class SeriesExampleTest {
    private static final Path EXAMPLES = Path.of("..", "examples");

    @Test
    void theSunspotsExampleForecastsAndItsBestModelForecastsEveryWindowOfACsv(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.copy(EXAMPLES.resolve("sunspots.yaml"), dir.resolve("sunspots.yaml"));
        Path csv = dir.resolve("data/sunspots.csv");
        Files.copy(EXAMPLES.resolve("data/sunspots.csv"), csv);
        CliTest.Result tuned = CliTest.run("tune", dir.resolve("sunspots.yaml").toString(), "--trials", "2", "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        assertThat(tuned.out()).contains("series 'SUNACTIVITY' (309 values; windows of 11 values forecast the next 1)")
                .contains("the last 20% held out for test (time order)").contains("validation (holdout 20%, time order)")
                .contains("test mae:")
                // README: 309 years, window 11, test_fraction 0.2 -> round(298 * 0.2) = 60 test years; persistence beside the model
                .contains("(60 test rows)\nnaive forecasts on the same test windows: persistence (the last value repeated) mae ")
                .contains("naive forecasts on the same validation windows: persistence (the last value repeated) mae ");
        CliTest.Result pred = CliTest.run("predict", dir.resolve("sunspots-results/best.model").toString(), csv.toString());
        assertThat(pred.code()).as(pred.err()).isZero();
        List<String> lines = pred.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("after_line,forecast");
        // 309 years in lines 2..310: windows of 11 end on lines 12..310, the last forecasting the year after the file
        assertThat(lines).hasSize(1 + 309 - 11 + 1);
        assertThat(lines.get(1)).startsWith("12,");
        assertThat(lines.get(lines.size() - 1)).matches("310,-?[0-9.e+-]+");
        CliTest.Result proba = CliTest.run("predict", dir.resolve("sunspots-results/best.model").toString(), csv.toString(), "--proba");
        assertThat(proba.code()).as(proba.err()).isEqualTo(ExitCode.USAGE);
        assertThat(proba.err()).contains("is a forecaster of a series; probabilities exist only for classifiers");

        Path onnx = dir.resolve("sun.onnx");
        CliTest.Result export = CliTest.run("export", dir.resolve("sunspots-results/best.model").toString(), "--onnx", onnx.toString());
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(new String(Files.readAllBytes(onnx), java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("nntune.series").contains("column SUNACTIVITY, window 11, horizon 1");
    }

    private static final String STUDY = """
            study: s
            data:
              csv: s.csv
              series: v
              window: %s
              horizon: 2
            model:
              family: rnn
              space: {epochs: 1, hidden_size: 4}
            budget: {trials: 1}
            """;

    @Test
    void badSeriesInputIsNamedWithItsExitCode(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.yaml");
        Files.writeString(dir.resolve("s.csv"), "t,v\n1,1.5\n2,2\n3,2.5\n4,3\n");
        Files.writeString(file, STUDY.formatted("3"));
        CliTest.Result shortSeries = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(shortSeries.code()).as(shortSeries.out()).isEqualTo(ExitCode.DATA);
        assertThat(shortSeries.err()).contains("series 'v' has 4 values; one window of 3 inputs and 2 targets needs at least 5");

        Files.writeString(dir.resolve("s.csv"), "t,v\n1,1.5\n2,2\n3,n/a\n4,3\n5,1\n6,2\n7,3\n8,4\n");
        CliTest.Result text = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(text.code()).isEqualTo(ExitCode.DATA);
        assertThat(text.err()).contains("s.csv line 4, column 'v': 'n/a' is not a number");

        // a row of another field count (an unquoted comma shifts the columns) and a column named twice: refused, to tune
        // and to predict, as the table reader refuses them
        String rows = "1,1.5\n2,2\n3,2.5\n4,3\n5,1\n6,2\n7,3\n8,4\n".repeat(3);
        Files.writeString(dir.resolve("s.csv"), "t,v\n" + rows);
        CliTest.Result good = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(good.code()).as(good.err()).isZero();
        Files.writeString(dir.resolve("s.csv"), "t,v\n1,1.5\n2,2\nJan 3, 2012,2.5\n" + rows);
        CliTest.Result ragged = CliTest.run("tune", file.toString(), "--progress", "none", "--study", "ragged");
        assertThat(ragged.code()).as(ragged.err()).isEqualTo(ExitCode.DATA);
        assertThat(ragged.err()).contains("s.csv line 4: 3 fields, the header has 2 (t, v)");
        CliTest.Result raggedPredict = CliTest.run("predict", dir.resolve("s-results/best.model").toString(),
                dir.resolve("s.csv").toString());
        assertThat(raggedPredict.code()).as(raggedPredict.err()).isEqualTo(ExitCode.DATA);
        assertThat(raggedPredict.err()).contains("s.csv line 4: 3 fields, the header has 2 (t, v)");
        Files.writeString(dir.resolve("s.csv"), "t,v,v\n" + rows.replace("\n", ",0\n"));
        CliTest.Result twice = CliTest.run("tune", file.toString(), "--progress", "none", "--study", "twice");
        assertThat(twice.code()).as(twice.err()).isEqualTo(ExitCode.DATA);
        assertThat(twice.err()).contains("duplicate column name 'v' (also column 2)");

        // a blank line is a gap in the series: refused with its line; blank lines at the end are allowed
        Files.writeString(dir.resolve("s.csv"), "t,v\n1,1.5\n2,2\n\n3,2.5\n4,3\n5,1\n6,2\n7,3\n8,4\n");
        CliTest.Result gap = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(gap.code()).isEqualTo(ExitCode.DATA);
        assertThat(gap.err()).contains("s.csv line 4, column 1: blank line between data rows");
        Files.writeString(dir.resolve("s.csv"), "t,v\n" + "1,1.5\n2,2\n3,2.5\n4,3\n5,1\n6,2\n7,3\n8,4\n".repeat(3) + "\n\n");
        CliTest.Result trailing = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(trailing.code()).as(trailing.err()).isZero();

        Files.writeString(file, STUDY.formatted("0"));
        CliTest.Result zero = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(zero.code()).isEqualTo(ExitCode.USAGE);
        assertThat(zero.err()).contains("line 5").contains("data.window").contains("0 is out of range");
    }

    /**
     * A series file of another separator, one without a header, and one with decimal commas: the first two are
     * refused saying why (to tune and to predict), the third is read with data.decimal: "," and so is the file
     * given to predict.
     */
    @Test
    void seriesSeparatorsHeadersAndDecimalCommas(@TempDir Path dir) throws Exception {
        String rows = rows("t;v", 30, i -> i + ";" + i % 7 + ",5");
        Files.writeString(dir.resolve("s.csv"), rows);
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, STUDY.formatted("3"));
        CliTest.Result semi = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(semi.code()).as(semi.err()).isEqualTo(ExitCode.DATA);
        assertThat(semi.err()).contains("s.csv line 1: the header is one column, 't;v'; its fields look separated by ';', not by ','"
                + " — is the separator right?").doesNotContain("did you mean");

        Files.writeString(file, STUDY.formatted("3").replace("  series: v\n", "  series: v\n  separator: \";\"\n"));
        CliTest.Result point = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(point.code()).isEqualTo(ExitCode.DATA);
        assertThat(point.err()).contains("'0,5' is not a number").contains("a decimal comma? set data.decimal: \",\"");
        Files.writeString(file, STUDY.formatted("3").replace("  series: v\n", "  series: v\n  separator: \";\"\n  decimal: \",\"\n"));
        CliTest.Result tuned = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        CliTest.Result pred = CliTest.run("predict", dir.resolve("s-results/best.model").toString(), dir.resolve("s.csv").toString());
        assertThat(pred.code()).as(pred.err()).isZero();
        assertThat(pred.out().lines().count()).isEqualTo(1 + 30 - 3 + 1);
        Files.writeString(dir.resolve("comma.csv"), rows.replace(",", ".").replace(';', ','));
        CliTest.Result other = CliTest.run("predict", dir.resolve("s-results/best.model").toString(), dir.resolve("comma.csv").toString());
        assertThat(other.code()).isEqualTo(ExitCode.DATA);
        assertThat(other.err()).contains("the header is one column, 't,v'; its fields look separated by ',', but the training file's were"
                + " separated by ';'; write the file with ';'");

        Files.writeString(file, STUDY.formatted("3"));
        Files.writeString(dir.resolve("s.csv"), "0.0126\n0.5\n0.7\n0.1\n0.2\n0.3\n");
        CliTest.Result noHeader = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(noHeader.code()).isEqualTo(ExitCode.DATA);
        assertThat(noHeader.err()).contains("s.csv line 1 is a number (0.0126), not a header: add a header line naming the column ('v')");
    }

    /**
     * A horizon the test part cannot hold names the largest horizon and the smallest test fraction that work; a
     * series of few training windows trains with a one-line warning.
     */
    @Test
    void aHorizonTooLongNamesWhatWorksAndAShortSeriesIsWarnedOf(@TempDir Path dir) throws Exception {
        String rows = rows("t,v", 200, i -> i + "," + i % 9);
        Files.writeString(dir.resolve("s.csv"), rows);
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, STUDY.formatted("5").replace("horizon: 2", "horizon: 50"));
        CliTest.Result tooLong = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(tooLong.code()).isEqualTo(ExitCode.DATA);
        // round((200 - 5) * 0.2) = 39 test target steps; round(195 * 0.26) = 51 hold a horizon of 50
        assertThat(tooLong.err()).contains("a series of 200 values with window 5, horizon 50 and test fraction 0.2 leaves 107 training and"
                + " 0 test windows; both need at least one: the test part holds 39 target steps (test fraction × (values − window)) and a"
                + " test window needs 50; give a horizon of at most 39, or a test fraction of at least 0.26");
        Files.writeString(file, STUDY.formatted("5").replace("horizon: 2", "horizon: 50\n  test_fraction: 0.26"));
        assertThat(CliTest.run("tune", file.toString(), "--dry-run").code()).isZero();

        Files.writeString(dir.resolve("s.csv"), rows.substring(0, rows.indexOf("\n29,")));
        Files.writeString(file, STUDY.formatted("24").replace("horizon: 2", "horizon: 1"));
        CliTest.Result few = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(few.code()).as(few.err()).isZero();
        // 29 values, window 24: 5 target steps, 1 for test, 4 training windows, 3 fitted and 1 validated
        assertThat(few.out()).contains("warning: only 4 training windows (each trial fits 3 and validates 1): too few to learn or to"
                + " score a forecaster reliably; a longer series, or a shorter window or horizon, gives more");
    }

    /** A header line and {@code n} rows, row i as {@code row} writes it. */
    private static String rows(String header, int n, java.util.function.IntFunction<String> row) {
        StringBuilder sb = new StringBuilder(header).append('\n');
        for (int i = 0; i < n; i++) {
            sb.append(row.apply(i)).append('\n');
        }
        return sb.toString();
    }
}
