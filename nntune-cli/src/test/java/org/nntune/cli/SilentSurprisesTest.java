package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Data that would quietly spoil results are said out loud: unseen categories at prediction, too many classes. */
class SilentSurprisesTest {

    /** size decides the kind; color is one-hot encoded. */
    private static String rows(int n, String color) {
        StringBuilder sb = new StringBuilder("size,color,kind\n");
        for (int i = 0; i < n; i++) {
            sb.append(i % 9 * 0.3).append(',').append(color != null ? color : CsvEndToEndTest.COLORS.get(i % 3))
                    .append(',').append(CsvEndToEndTest.KINDS.get(i % 9 / 3)).append('\n');
        }
        return sb.toString();
    }

    private static Path trainModel(Path dir, String policy) throws Exception {
        Files.writeString(dir.resolve("train.csv"), rows(60, null));
        String study = CsvEndToEndTest.STUDY.formatted("classification", "train.csv", "kind", "accuracy")
                .replace("categorical: [color]", "categorical: [color]" + (policy == null ? "" : "\n  unknown_category: " + policy))
                .replace("epochs: 30", "epochs: 5");
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, study);
        CliTest.Result r = CliTest.run("tune", file.toString(), "--trials", "1", "--progress", "none");
        assertThat(r.code()).as(r.err()).isZero();
        return dir.resolve("s-results/best.model");
    }

    @Test
    void anUnseenCategoryIsAWarningOnceOrWhatTheStudyFileChose(@TempDir Path dir) throws Exception {
        Path purple = dir.resolve("purple.csv");
        Files.writeString(purple, rows(4, "purple").replace(",kind", "").replaceAll(",(small|medium|large)\n", "\n"));

        Path ignoring = trainModel(Files.createDirectories(dir.resolve("default")), null);
        CliTest.Result ignored = CliTest.run("predict", ignoring.toString(), purple.toString());
        assertThat(ignored.code()).as(ignored.err()).isZero();
        assertThat(ignored.out().lines().skip(1)).hasSize(4);
        assertThat(ignored.err().lines().toList()).hasSize(1).first().asString().contains("nntune: warning: ")
                .contains("column 'color': 'purple' (4 rows)").contains("none of the known categories").contains("unknown_category");

        Path frequent = trainModel(Files.createDirectories(dir.resolve("frequent")), "most_frequent");
        CliTest.Result mf = CliTest.run("predict", frequent.toString(), purple.toString());
        assertThat(mf.code()).isZero();
        assertThat(mf.err()).contains("the column's most frequent training category");
        // the most frequent color ('blue', the smallest of three equally frequent) predicts as 'blue' does
        CliTest.Result blue = CliTest.run("predict", frequent.toString(), write(dir, "blue.csv",
                Files.readString(purple).replace("purple", "blue")).toString());
        assertThat(mf.out()).isEqualTo(blue.out());

        Path strict = trainModel(Files.createDirectories(dir.resolve("strict")), "error");
        CliTest.Result refused = CliTest.run("predict", strict.toString(), purple.toString());
        assertThat(refused.code()).isEqualTo(ExitCode.DATA);
        assertThat(refused.err()).contains("category 'purple' was not seen in the training rows").doesNotContain("\tat ");
    }

    /** Writes a file into a test folder. */
    static Path write(Path dir, String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void manyClassesInFewRowsAreAWarning(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("x,y,label\n");
        for (int i = 0; i < 300; i++) {
            csv.append(i * 0.01).append(',').append(i % 7).append(",c").append(i % 200).append('\n');
        }
        Files.writeString(dir.resolve("many.csv"), csv);
        Path file = dir.resolve("many.yaml");
        Files.writeString(file, CsvEndToEndTest.STUDY.formatted("classification", "many.csv", "label", "accuracy")
                .replace("  categorical: [color]\n", "").replace("epochs: 30", "epochs: 2"));
        CliTest.Result r = CliTest.run("tune", file.toString(), "--trials", "1", "--progress", "none");
        assertThat(r.out()).containsPattern("warning: 200 classes in 2\\d\\d training rows \\(1\\.\\d rows per class\\)");
        assertThat(List.of(ExitCode.OK, ExitCode.OTHER)).contains(r.code());
    }
}
