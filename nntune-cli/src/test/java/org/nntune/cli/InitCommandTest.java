package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code nntune init}: a study file drafted from a CSV of one's own, checked, and run. */
class InitCommandTest {

    /** An id, names, a category with odd column names, a number, and the kind they give. */
    private static String people(int rows) {
        Random r = new Random(5);
        StringBuilder sb = new StringBuilder("PassengerId,name,\"eye colour: main\",yes,size (cm),kind\n");
        for (int i = 0; i < rows; i++) {
            double size = r.nextDouble() * 3;
            String color = CsvEndToEndTest.COLORS.get(r.nextInt(3));
            sb.append(100 + i).append(",\"Doe, J. ").append(i).append("\",").append(color).append(',').append(r.nextBoolean() ? "y" : "n")
                    .append(String.format(Locale.ROOT, ",%.3f,", size)).append(size < 1 ? "small" : size < 2 ? "medium" : "large")
                    .append('\n');
        }
        return sb.toString();
    }

    @Test
    void aTableGetsItsCategoriesAndNoFeaturesAndRuns(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("people.csv");
        Files.writeString(csv, people(90));
        CliTest.Result init = CliTest.run("init", csv.toString());
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(init.out()).contains("wrote " + dir.resolve("people.yaml") + ": classify 'kind' (3 classes) from 1 column of numbers"
                        + " and 2 columns of categories (an MLP); the label is the last column ('kind'; --label to choose another)")
                .contains("no feature: PassengerId (an id: another integer in every row)")
                .contains("no feature: name (a name or an id: 90 different values in 90 rows)")
                .contains("dry run: the study file, its data").contains("next: nntune tune " + dir.resolve("people.yaml"));
        String yaml = Files.readString(dir.resolve("people.yaml"));
        assertThat(yaml).contains("csv: people.csv\n").contains("categorical: [\"eye colour: main\", \"yes\"]\n")
                .contains("ignore: [PassengerId, name]\n").contains("validation: {method: stratified_kfold, folds: 3}");

        CliTest.Result tuned = CliTest.run("tune", dir.resolve("people.yaml").toString(), "--trials", "2", "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        assertThat(tuned.out()).contains("2 trials: 2 complete").contains("test accuracy:");

        // the file is not replaced unless asked
        CliTest.Result again = CliTest.run("init", csv.toString());
        assertThat(again.code()).isEqualTo(ExitCode.USAGE);
        assertThat(again.err()).contains("people.yaml exists already; pass --force to replace it, or --output another file");
        assertThat(CliTest.run("init", csv.toString(), "--force").code()).isZero();
    }

    @Test
    void numbersToPredictWithASemicolonAndDatesAndATextToClassify(@TempDir Path dir) throws Exception {
        StringBuilder weather = new StringBuilder("station;date;temp;rain_mm\n");
        Random r = new Random(1);
        for (int i = 0; i < 60; i++) {
            weather.append("s").append(i % 3).append(";2024-02-").append(String.format(Locale.ROOT, "%02d", i % 28 + 1))
                    .append(String.format(Locale.ROOT, ";%.1f;%.2f%n", 10 + r.nextGaussian() * 4, r.nextDouble() * 9));
        }
        Path csv = dir.resolve("weather.csv");
        Files.writeString(csv, weather.toString());
        CliTest.Result init = CliTest.run("init", csv.toString(), "--output", dir.resolve("studies/rain.yaml").toString());
        assertThat(init.code()).as(init.err()).isZero();
        String yaml = Files.readString(dir.resolve("studies/rain.yaml"));
        assertThat(yaml).contains("task: regression\n").contains("csv: ../weather.csv\n").contains("separator: \";\"\n")
                .contains("categorical: [station]\n").contains("ignore: [date]\n").contains("metric: r2")
                .contains("validation: {method: kfold, folds: 3}");

        StringBuilder notes = new StringBuilder("id,note,label\n");
        String[] good = {"great service and friendly staff", "really enjoyed the quick delivery today", "lovely product works well"};
        String[] bad = {"terrible support never answered my mail", "broken on arrival and late too", "awful quality would not buy again"};
        for (int i = 0; i < 40; i++) {
            boolean pos = i % 2 == 0;
            notes.append(i).append(",\"").append((pos ? good : bad)[i % 3]).append(" number ").append(i).append("\",")
                    .append(pos ? "pos" : "neg").append('\n');
        }
        Path text = dir.resolve("notes.csv");
        Files.writeString(text, notes.toString());
        CliTest.Result t = CliTest.run("init", text.toString(), "--label", "label", "--trials", "3");
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("classify 'label' (2 classes) from the words of 'note' (an LSTM or GRU over word embeddings)");
        assertThat(Files.readString(dir.resolve("notes.yaml"))).contains("text: note").contains("family: rnn")
                .contains("# a text study reads only its text and label columns: id not read").contains("budget: {trials: 3}");
    }

    @Test
    void aTextFileWithMissingLabelsDraftsMissingDropAndItsTrialsLeaveThoseRowsOut(@TempDir Path dir) throws Exception {
        StringBuilder notes = new StringBuilder("note,label\n");
        String[] good = {"great service and friendly staff", "really enjoyed the quick delivery today", "lovely product works well"};
        String[] bad = {"terrible support never answered my mail", "broken on arrival and late too", "awful quality would not buy again"};
        for (int i = 0; i < 60; i++) {
            boolean pos = i % 2 == 0;
            notes.append('"').append((pos ? good : bad)[i % 3]).append(" number ").append(i).append("\",")
                    .append(i % 20 == 7 ? "" : pos ? "pos" : "neg").append('\n');
        }
        Path text = dir.resolve("notes.csv");
        Files.writeString(text, notes.toString());
        CliTest.Result init = CliTest.run("init", text.toString(), "--trials", "2");
        assertThat(init.code()).as(init.err()).isZero();
        String yaml = Files.readString(dir.resolve("notes.yaml"));
        assertThat(yaml).contains("text: note").contains("  missing: drop   # 3 rows have no label (a label cannot be filled):"
                + " they are left out\n");
        CliTest.Result tune = CliTest.run("tune", dir.resolve("notes.yaml").toString());
        assertThat(tune.code()).as(tune.err()).isZero();
        assertThat(tune.out()).contains("3 rows without a label left out (data.missing: drop; lines 9, 29, 49)");

        // without missing: drop, the first such row stops the run in the study file's words; a fill rule is refused
        Files.writeString(dir.resolve("notes.yaml"), yaml.replace("  missing: drop", "  missing: error"));
        CliTest.Result error = CliTest.run("tune", "--dry-run", dir.resolve("notes.yaml").toString());
        assertThat(error.code()).isEqualTo(3);
        assertThat(error.err()).contains("line 9, column 'label': missing label (''); expected a class — a label cannot be filled;"
                + " fix the file or set data.missing: drop in the study file");
        // data.missing_values names more marks of a missing label in a text source too
        Files.writeString(text, notes.toString().replace("number 3\",neg", "number 3\",unknown"));
        Files.writeString(dir.resolve("notes.yaml"), yaml.replace("  missing: drop", "  missing: drop\n  missing_values: [unknown]"));
        CliTest.Result marked = CliTest.run("tune", dir.resolve("notes.yaml").toString(), "--study", "notes-2");
        assertThat(marked.code()).as(marked.err()).isZero();
        assertThat(marked.out()).contains("4 rows without a label left out (data.missing: drop; lines 5, 9, 29, 49)");
        Files.writeString(dir.resolve("notes.yaml"), yaml.replace("  missing: drop", "  missing: mean"));
        CliTest.Result mean = CliTest.run("tune", "--dry-run", dir.resolve("notes.yaml").toString());
        assertThat(mean.code()).isEqualTo(2);
        assertThat(mean.err()).contains("a text source has no number or category to fill").contains("missing: drop, to leave out");
    }

    @Test
    void pandasIndexColumnIsNoFeatureAndTheDraftChecksOut(@TempDir Path dir) throws Exception {
        // df.to_csv writes the row index under an empty name; the label sorted, as exports often are
        StringBuilder sb = new StringBuilder(",x1,x2,label\n");
        Random r = new Random(9);
        for (int i = 0; i < 150; i++) {
            sb.append(String.format(Locale.ROOT, "%d,%.3f,%.3f,%s%n", i, r.nextGaussian(), r.nextGaussian(), "abc".charAt(i / 50)));
        }
        Path csv = dir.resolve("leak.csv");
        Files.writeString(csv, sb.toString());
        CliTest.Result init = CliTest.run("init", csv.toString());
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(init.out()).contains("from 2 columns of numbers (an MLP)")
                .contains("no feature: \"\" (no name) (an id whatever its name: unique integers 0..149, one per row");
        assertThat(Files.readString(dir.resolve("leak.yaml"))).contains("  # read as numbers: x1, x2\n").contains("  ignore: [\"\"]\n");
    }

    @Test
    void aFileWithoutAHeaderIsReadByPlace(@TempDir Path dir) throws Exception {
        StringBuilder rows = new StringBuilder();
        Random r = new Random(3);
        for (int i = 0; i < 60; i++) {
            int k = i % 3;
            rows.append(String.format(Locale.ROOT, "%.2f,%.2f,%d%n", k + r.nextGaussian() * 0.3, r.nextGaussian(), k));
        }
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, rows.toString());
        CliTest.Result init = CliTest.run("init", csv.toString(), "--label", "2");
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(init.out()).contains("classify 'c2' (3 classes) from 2 columns of numbers")
                .contains("the first line is a row, not a header, so columns are named c0, c1, … by their place");
        assertThat(Files.readString(dir.resolve("rows.yaml"))).contains("  header: false").contains("  label: 2   # column c2: 3 classes: 0 20 (33 %), 1 20 (33 %), 2 20 (33 %)\n");
    }

    @Test
    void pandasMissingMarksAreMissingAStrayValueIsNamedAndMoreMarksCanBeDeclared(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder("a,b,w,kind\n");
        Random r = new Random(3);
        for (int i = 0; i < 60; i++) {
            double a = r.nextDouble() * 3;
            sb.append(i % 12 == 5 ? "#N/A" : i % 12 == 7 ? "NaN" : String.format(Locale.ROOT, "%.3f", a)).append(',')
                    .append(i % 10 == 3 ? "-" : String.format(Locale.ROOT, "%.2f", r.nextDouble())).append(',')
                    .append(i == 3 ? "1.4cm" : String.format(Locale.ROOT, "%.2f", r.nextDouble())).append(',')
                    .append(a < 1.5 ? "low" : "high").append('\n');
        }
        Path csv = dir.resolve("marks.csv");
        Files.writeString(csv, sb.toString());
        CliTest.Result init = CliTest.run("init", csv.toString(), "--trials", "1");
        assertThat(init.code()).as(init.err()).isZero();
        String yaml = Files.readString(dir.resolve("marks.yaml"));
        // a: numbers with pandas' marks missing; b: '-' in 6 rows; w: one stray value, named with its line (both mostly
        // one-off values, so no feature)
        assertThat(yaml).contains("ignore: [b, w]\n").contains("missing: mean   # missing values (a 10)")
                .contains("b: free text or one-off values: 35 of its 45 values occur in one row only; list it in categorical"
                        + " to one-hot encode it anyway; numbers in 54 of 60 rows; line 5: '-' is not one, nor are 5 more: fix"
                        + " them, or list such marks in data.missing_values\n")
                .contains("numbers in 59 of 60 rows; line 5: '1.4cm' is not one: fix it, or list it in data.missing_values\n");

        // data.missing_values adds '-': b is a column of numbers for tune and predict alike
        Files.writeString(csv, sb.toString().replace("1.4cm", "1.4"));
        Path study = dir.resolve("own.yaml");
        Files.writeString(study, """
                study: own
                seed: 1
                data:
                  csv: marks.csv
                  label: kind
                  missing: mean
                  missing_values: ["-"]
                validation: {method: holdout, fraction: 0.25}
                model:
                  space: {layers: 1, units: 8, epochs: 5}
                budget: {trials: 1}
                """);
        CliTest.Result tuned = CliTest.run("tune", study.toString(), "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        Path in = dir.resolve("in.csv");
        Files.writeString(in, "a,b,w\n1.0,-,0.5\nnull,0.5,None\n");
        CliTest.Result pred = CliTest.run("predict", dir.resolve("own-results/best.model").toString(), in.toString());
        assertThat(pred.code()).as(pred.err()).isZero();
        assertThat(pred.out().lines().skip(1).toList()).hasSize(2).allSatisfy(l -> assertThat(l).isIn("low", "high"));
        assertThat(pred.err()).doesNotContain("categor");

        // validated like the other data keys: a list of words, and only where it applies
        Files.writeString(study, Files.readString(study).replace("missing_values: [\"-\"]", "missing_values: {a: 1}"));
        CliTest.Result bad = CliTest.run("tune", "--dry-run", study.toString());
        assertThat(bad.code()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).contains("data.missing_values");
    }

    @Test
    void aSpreadsheetWithDecimalCommasIsDraftedWithThem(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder("alcohol;malic_acid;magnesium;cultivar\n");
        Random r = new Random(4);
        for (int i = 0; i < 60; i++) {
            int k = i % 3;
            sb.append(String.format(Locale.GERMANY, "%.2f;%.2f;%d;", 12 + k + r.nextDouble(), 1 + r.nextDouble() * 3, 90 + r.nextInt(40)))
                    .append(List.of("Barolo", "Grignolino", "Barbera").get(k)).append('\n');
        }
        Path csv = dir.resolve("wine.csv");
        Files.writeString(csv, sb.toString());
        CliTest.Result init = CliTest.run("init", csv.toString(), "--trials", "1");
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(init.out()).contains("from 3 columns of numbers (an MLP)");
        String yaml = Files.readString(dir.resolve("wine.yaml"));
        assertThat(yaml).contains("separator: \";\"\n").contains("decimal: \",\"   # numbers are written with a decimal comma")
                .doesNotContain("categorical");

        // a decimal comma needs another separator
        Files.writeString(dir.resolve("wine.yaml"), yaml.replace("separator: \";\"", "separator: \",\""));
        CliTest.Result bad = CliTest.run("tune", "--dry-run", dir.resolve("wine.yaml").toString());
        assertThat(bad.code()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).contains("data.decimal").contains("a decimal comma needs fields separated by another character");
        // without data.decimal the numbers are refused, with the hint
        Files.writeString(dir.resolve("wine.yaml"), yaml.replaceAll("  decimal: .*\n", ""));
        CliTest.Result point = CliTest.run("tune", "--dry-run", dir.resolve("wine.yaml").toString());
        assertThat(point.code()).isEqualTo(ExitCode.DATA);
        assertThat(point.err()).contains("wine.csv line 2, column 1 ('alcohol')").contains("a decimal comma? set data.decimal: \",\"");
    }

    @Test
    void mistakesAreSaidWithTheirExitCodes(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("people.csv");
        Files.writeString(csv, people(30));
        CliTest.Result typo = CliTest.run("init", csv.toString(), "--label", "knd");
        assertThat(typo.code()).isEqualTo(ExitCode.USAGE);
        assertThat(typo.err()).contains("--label 'knd' is not a column of people.csv; did you mean 'kind'?");
        assertThat(dir.resolve("people.yaml")).doesNotExist();

        CliTest.Result missing = CliTest.run("init", dir.resolve("nope.csv").toString());
        assertThat(missing.code()).isEqualTo(ExitCode.DATA);
        assertThat(missing.err()).contains("no file " + dir.resolve("nope.csv"));

        Files.writeString(dir.resolve("one.csv"), "a,b\n1,x\n2,x\n3,x\n");
        CliTest.Result one = CliTest.run("init", dir.resolve("one.csv").toString());
        assertThat(one.code()).isEqualTo(ExitCode.DATA);
        assertThat(one.err()).contains("one.csv: the label column 'b' holds one value in every row");

        Files.writeString(dir.resolve("ragged.csv"), "a,b,c\n1,2,3\n4,5\n");
        CliTest.Result ragged = CliTest.run("init", dir.resolve("ragged.csv").toString());
        assertThat(ragged.code()).isEqualTo(ExitCode.DATA);
        assertThat(ragged.err()).contains("ragged.csv line 3, column 3: expected 3 fields (as in the header), found 2");

        CliTest.Result task = CliTest.run("init", csv.toString(), "--task", "regression");
        assertThat(task.code()).isEqualTo(ExitCode.DATA);
        assertThat(task.err()).contains("the label column 'kind' holds text, so it cannot be a regression target");
    }

    /**
     * A numeric column beside its time alone — the project's sunspots (years rising row by row) and a date,value file
     * — is drafted as a series forecaster that checks out and runs; one that cannot be a series (a missing value)
     * is refused naming data.series.
     */
    @Test
    void aColumnOfNumbersBesideItsTimeIsDraftedAsASeries(@TempDir Path dir) throws Exception {
        Path sun = dir.resolve("sunspots.csv");
        Files.copy(Path.of("..", "examples", "data", "sunspots.csv"), sun);
        CliTest.Result init = CliTest.run("init", sun.toString());
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(init.out()).contains("forecast 'SUNACTIVITY' one step ahead from its last 24 values (a series: an LSTM or GRU, in"
                + " time order)").contains("YEAR (integers 1700..2008 rising row by row: the series' time, read as the file's order)")
                .contains("windows of 24 values forecast the next 1").contains("next: nntune tune");
        assertThat(Files.readString(dir.resolve("sunspots.yaml"))).contains("  series: SUNACTIVITY ").contains("  window: 24 ")
                .contains("  horizon: 1 ").contains("family: rnn").contains("validation: {method: holdout, fraction: 0.2}")
                .doesNotContain("label:").doesNotContain("ignore:");

        StringBuilder sales = new StringBuilder("date,sales\n");
        for (int i = 0; i < 120; i++) {
            sales.append(java.time.LocalDate.of(2020, 1, 1).plusDays(i)).append(',').append(String.format(Locale.ROOT, "%.2f",
                    10 + 3 * Math.sin(i / 3.0))).append('\n');
        }
        Path csv = dir.resolve("sales.csv");
        Files.writeString(csv, sales);
        CliTest.Result dated = CliTest.run("init", csv.toString(), "--trials", "1");
        assertThat(dated.code()).as(dated.err()).isZero();
        // a tenth of 120 rows
        assertThat(dated.out()).contains("forecast 'sales' one step ahead from its last 12 values").contains("date (dates: the series' time");
        CliTest.Result tuned = CliTest.run("tune", dir.resolve("sales.yaml").toString(), "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        assertThat(tuned.out()).contains("1 trials: 1 complete").contains("test mae:").contains("naive forecasts on the same test windows");

        Files.writeString(csv, sales.toString().replace(",10.00\n", ",\n"));
        CliTest.Result gap = CliTest.run("init", csv.toString(), "--force");
        assertThat(gap.code()).isEqualTo(ExitCode.DATA);
        assertThat(gap.err()).contains("no column but the label can be a feature: date: dates; to forecast 'sales' from its own past"
                + " values, a study file with data.series: sales and data.window (README, Time series)")
                .contains("of its rows have no value, and a series holds a number in every row");
    }
}
