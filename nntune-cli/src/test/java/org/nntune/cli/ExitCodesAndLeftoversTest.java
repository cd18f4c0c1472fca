package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Refused runs end with the documented exit code, a one-line message, and nothing left behind. */
class ExitCodesAndLeftoversTest {

    private static String study(String name, int trials) {
        return PostgresWorkersTest.TINY.formatted(name, trials);
    }

    @Test
    void aTinyStepIsAStudyFileErrorAtItsLineNotAnOutOfMemoryError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tiny.yaml");
        Files.writeString(file, study("tiny", 2).replace("lr: {low: 1.0e-2, high: 1.0e-1, log: true}",
                "lr: {low: 1.0e-2, high: 1.0e-1, step: 1.0e-9}"));
        CliTest.Result r = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("tiny.yaml, line 12").contains("model.space.lr")
                .contains("step 1.0E-9 makes 9.00e+07 points").doesNotContain("\tat ", "OutOfMemory");
        assertThat(dir.resolve("tiny.db")).as("a refused study file leaves no database").doesNotExist();
    }
}
