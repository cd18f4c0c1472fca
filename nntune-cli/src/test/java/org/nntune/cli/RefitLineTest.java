package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The line after the refit says on how many rows the best configuration was trained: all the
 * training rows, or — with early stopping, which holds 10 % out as its validation split, as Keras'
 * validation_split — how many of them, and after how many epochs it stopped.
 */
class RefitLineTest {

    @Test
    void aRefitWithEarlyStoppingSaysWhatItHeldOut(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("iris.yaml");
        Files.writeString(file, CliTest.IRIS.replace("    epochs: 40\n", "    epochs: 40\n    early_stopping: 2\n"));
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.OK);
        Matcher m = Pattern.compile("refitted on (\\d+) of the (\\d+) training rows \\((\\d+) held out for early stopping\\); "
                + "(stopped after (\\d+) of 40 epochs|trained all 40 epochs); test accuracy").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        int trained = Integer.parseInt(m.group(1));
        int rows = Integer.parseInt(m.group(2));
        int heldOut = Integer.parseInt(m.group(3));
        assertThat(heldOut).isEqualTo(Math.round(rows * 0.1f)).isPositive();
        assertThat(trained + heldOut).isEqualTo(rows);
        assertThat(r.out()).doesNotContain("refitted on all");
    }

    @Test
    void aRefitWithoutAValidationSplitTrainsOnAllRows(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("iris.yaml");
        Files.writeString(file, CliTest.IRIS);
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).containsPattern("refitted on all \\d+ training rows; test accuracy").doesNotContain("training rows (");
    }
}
