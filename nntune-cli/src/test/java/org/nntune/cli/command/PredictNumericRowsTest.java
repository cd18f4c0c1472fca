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
 * no longer lined up with the rows); blank lines at the start or the end are allowed. A first line
 * is a header only when none of its cells is a number: a first row with a bad cell was taken for
 * a header and dropped, with the same effect.
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

    @Test
    void aFirstLineWithNumbersIsARowAndItsBadCellIsRefusedAsOnAnyLine(@TempDir Path dir) throws Exception {
        for (String bad : new String[] {"0.2x", "NaN"}) {
            Path first = Files.writeString(dir.resolve("first.csv"), "5.1,3.5,1.4," + bad + "\n6.2,2.9,4.3,1.3\n6.7,3.0,5.2,2.3\n");
            assertThatThrownBy(() -> PredictCommand.numericRows(first, 4)).isInstanceOfSatisfying(CliException.class,
                    e -> assertThat(e.exitCode()).isEqualTo(ExitCode.DATA))
                    .hasMessageStartingWith(first + " line 1, column 4: ").hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("a header names the columns");
            Path second = Files.writeString(dir.resolve("second.csv"), "6.2,2.9,4.3,1.3\n5.1,3.5,1.4," + bad + "\n");
            assertThatThrownBy(() -> PredictCommand.numericRows(second, 4)).isInstanceOfSatisfying(CliException.class,
                    e -> assertThat(e.exitCode()).isEqualTo(ExitCode.DATA))
                    .hasMessageStartingWith(second + " line 2, column 4: ").hasMessageContaining("'" + bad + "'");
        }
        Path header = Files.writeString(dir.resolve("header.csv"), "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n");
        assertThat(PredictCommand.numericRows(header, 4)).hasSize(1);
    }
}
