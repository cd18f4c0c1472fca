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

/**
 * {@code data.ignore}: a table's columns that are no feature (an id, a name), as real files have
 * them. Tuned without them, predicted from files with or without them; a mistake in the list is the
 * study file's, at its line.
 */
class IgnoredColumnsTest {

    static final String STUDY = """
            study: people
            seed: 3
            data:
              csv: people.csv
              label: kind
              categorical: [color]
              ignore: [%s]
            validation: {method: holdout, fraction: 0.25}
            model:
              family: mlp
              space: {units: 16, lr: 0.02, epochs: 25, batch_size: 16}
            budget: {trials: 1}
            """;

    /** An id, a free-text name (commas, quotes, anything), a color, a size and the kind the size and color give. */
    private static String people(int rows, long seed, boolean labelled, boolean withIgnored) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(withIgnored ? "id,name," : "").append(labelled ? "color,size,kind\n" : "color,size\n");
        for (int i = 0; i < rows; i++) {
            String color = CsvEndToEndTest.COLORS.get(r.nextInt(3));
            double size = r.nextDouble() * 3;
            if (withIgnored) {
                sb.append(i % 5 == 0 ? "x" + i : Integer.toString(i)).append(",\"Doe, J. \"\"").append(i).append("\"\"\",");
            }
            sb.append(color).append(String.format(Locale.ROOT, ",%.3f", size));
            if (labelled) {
                int kind = Math.min(2, (int) (size + (color.equals("red") ? 0.4 : 0)));
                sb.append(',').append(CsvEndToEndTest.KINDS.get(kind));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Test
    void ignoredColumnsAreNoFeatureAndPredictionFilesMayLeaveThemOut(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("people.csv"), people(120, 1, true, true));
        Path file = dir.resolve("people.yaml");
        Files.writeString(file, STUDY.formatted("id, name"));
        CliTest.Result tuned = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        assertThat(tuned.out()).contains("study people: CSV people.csv (ignored: id, name), 20% held out").contains("test accuracy:");
        Path model = dir.resolve("people-results/best.model");

        Path with = dir.resolve("with.csv");
        Files.writeString(with, people(8, 2, false, true));
        Path without = dir.resolve("without.csv");
        Files.writeString(without, people(8, 2, false, false));
        CliTest.Result a = CliTest.run("predict", model.toString(), with.toString());
        CliTest.Result b = CliTest.run("predict", model.toString(), without.toString());
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(b.code()).as(b.err()).isZero();
        assertThat(a.out().lines().count()).isEqualTo(1 + 8);
        assertThat(a.out()).isEqualTo(b.out());

        // a file that lacks a feature column names what it must have
        Path lacking = dir.resolve("lacking.csv");
        Files.writeString(lacking, "id,name,size\n1,a,2\n");
        CliTest.Result c = CliTest.run("predict", model.toString(), lacking.toString());
        assertThat(c.code()).isEqualTo(ExitCode.DATA);
        assertThat(c.err()).contains("lacking.csv line 1: missing column 'color'; the model reads the columns [color, size]");

        // the columns in another order, with one more: read by name, and a note names the column read past
        List<String> rows = people(8, 2, false, false).lines().toList();
        StringBuilder moved = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            String[] f = rows.get(i).split(",");
            moved.append(f[1]).append(',').append(f[0]).append(i == 0 ? ",reviewer\n" : ",me\n");
        }
        Path reordered = dir.resolve("reordered.csv");
        Files.writeString(reordered, moved.toString());
        CliTest.Result d = CliTest.run("predict", model.toString(), reordered.toString());
        assertThat(d.code()).as(d.err()).isZero();
        assertThat(d.out()).isEqualTo(b.out());
        assertThat(d.err()).contains("nntune: note: column 'reviewer' of " + reordered + " is not one of the training file's, so it"
                + " is not read");
    }

    @Test
    void aMistakeInTheListIsTheStudyFilesAtItsLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("people.csv"), people(40, 1, true, true));
        Path file = dir.resolve("people.yaml");
        Files.writeString(file, STUDY.formatted("id, nmae"));
        CliTest.Result typo = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(typo.code()).isEqualTo(ExitCode.USAGE);
        assertThat(typo.err()).contains("people.yaml, line 7, key 'data.ignore': 'nmae' is not a column of people.csv;"
                + " did you mean 'name'?");

        Files.writeString(file, STUDY.formatted("id, kind"));
        CliTest.Result label = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(label.code()).isEqualTo(ExitCode.USAGE);
        assertThat(label.err()).contains("line 7, key 'data.ignore': 'kind' is the label column");

        Files.writeString(file, STUDY.formatted("id, color"));
        CliTest.Result both = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(both.code()).isEqualTo(ExitCode.USAGE);
        assertThat(both.err()).contains("key 'data.ignore': 'color' is also listed in data.categorical");

        // a text or a series source reads its own columns only: the list does not apply
        Files.writeString(file, STUDY.formatted("id").replace("categorical: [color]", "text: name").replace("family: mlp", "family: rnn")
                .replace("space: {units: 16, lr: 0.02, epochs: 25, batch_size: 16}", "space: {epochs: 1}"));
        CliTest.Result text = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(text.code()).isEqualTo(ExitCode.USAGE);
        assertThat(text.err()).contains("key 'data.ignore': a text source reads its text and label columns only");
        Files.writeString(file, STUDY.formatted("id").replace("label: kind\n  categorical: [color]", "series: size\n  window: 3")
                .replace("space: {units: 16, lr: 0.02, epochs: 25, batch_size: 16}", "space: {epochs: 1}")
                .replace("validation: {method: holdout, fraction: 0.25}\n", "task: regression\n"));
        CliTest.Result series = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(series.code()).as(series.err()).isEqualTo(ExitCode.USAGE);
        assertThat(series.err()).contains("key 'data.ignore': 'ignore' does not apply to a series: it reads one column of numbers");

        // a column of names left out of the list: the data error says where such a column goes
        Files.writeString(file, STUDY.formatted("id"));
        CliTest.Result names = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(names.code()).isEqualTo(ExitCode.DATA);
        assertThat(names.err()).contains("column 2 ('name'): expected a number").contains("if this column holds categories, list it in"
                + " data.categorical; if it is no feature (an id, a name, a date), in data.ignore");
    }
}
