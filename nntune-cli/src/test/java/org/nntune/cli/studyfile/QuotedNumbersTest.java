package org.nntune.cli.studyfile;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A quoted number is a string, as a quoted boolean is; an integer range's bounds are written as integers. */
class QuotedNumbersTest {
    private static StudyFile read(String space) {
        return new StudyFileReader().read(Path.of("/tmp/studies/q.yaml"), """
                data: {bundled: iris}
                model:
                  space:
                    %s
                """.formatted(space));
    }

    @Test
    void aQuotedRangeBoundIsRefusedAsBatchNormFalseInQuotesIs() {
        assertThatThrownBy(() -> read("units: {low: 8, high: \"64\"}"))
                .hasMessageContaining("line 4, key 'model.space.units.high': expected a number but found the quoted string \"64\""
                        + " (write it without quotes: 64)");
        assertThatThrownBy(() -> read("batch_norm: \"false\"")).isInstanceOf(StudyFileException.class);
        assertThatThrownBy(() -> new StudyFileReader().read(Path.of("/tmp/studies/q.yaml"), "data: {bundled: iris}\nbudget: {trials: '3'}\n"))
                .hasMessageContaining("key 'budget.trials': expected a whole number but found the quoted string \"3\"");
    }

    @Test
    void unquotedNumbersStillReadAsNumbersExponentsIncluded() {
        assertThat(read("lr: {low: 1e-4, high: 1e-1, log: true}").model().space().get("lr"))
                .isEqualTo(new StudyFile.ParamSpec.Range(1e-4, 1e-1, true, java.util.Optional.empty(), false));
    }

    @Test
    void anIntegerRangesBoundsAreNamedAsIntegers() {
        assertThatThrownBy(() -> read("units: {low: 8, high: 8}")).hasMessageContaining("the range is empty: low = high = 8 (");
        assertThatThrownBy(() -> read("units: {low: 64, high: 8}")).hasMessageContaining("the range is inverted: low 64 > high 8 (");
        assertThatThrownBy(() -> read("dropout: {low: 0.5, high: 0.5}")).hasMessageContaining("low = high = 0.5 (");
    }
}
