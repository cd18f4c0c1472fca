package org.nntune.cli.command;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.CliException;
import org.nntune.cli.exit.ExitCode;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rows {@code predict} reads for a model saved without an encoder (numbers only): one output
 * line per input row, so a blank line between rows is refused (it was skipped, and the outputs
 * no longer lined up with the rows); blank lines at the start or the end are allowed.
 */
class PredictNumericRowsTest {

    @Test
    void blankLinesAreAllowedAtTheEndsOnly(@TempDir Path dir) throws Exception {
        Path ok = Files.writeString(dir.resolve("ok.csv"), "\na,b\n1,2\n3,4\n\n\n");
        assertThat(PredictCommand.numericRows(ok, 2)).hasSize(2);
        Path gap = Files.writeString(dir.resolve("gap.csv"), "1,2\n\n3,4\n");
        assertThatThrownBy(() -> PredictCommand.numericRows(gap, 2)).isInstanceOfSatisfying(CliException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ExitCode.DATA))
                .hasMessageStartingWith(gap + " line 2, column 1: blank line between data rows; expected 2 fields");
    }
}
