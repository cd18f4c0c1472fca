package org.nntune.cli.output;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class CsvCellsTest {

    @Test
    void quotesOnlyWhatNeedsIt() {
        assertThat(CsvCells.cell("versicolor")).isEqualTo("versicolor");
        assertThat(CsvCells.cell("Setosa, \"wild\"")).isEqualTo("\"Setosa, \"\"wild\"\"\"");
        assertThat(CsvCells.cell("a\nb")).isEqualTo("\"a\nb\"");
        assertThat(CsvCells.cell("a\rb")).isEqualTo("\"a\rb\"");
    }

    @Test
    void numbersReadBackExactlyInPlainNotationForOrdinaryMagnitudes() {
        assertThat(CsvCells.number(28.179485f)).isEqualTo("28.179485");
        assertThat(CsvCells.number(1234567.0f)).isEqualTo("1234567.0");
        assertThat(CsvCells.number(12345678f)).isEqualTo("12345678.0");
        assertThat(CsvCells.number(4.2e-5f)).isEqualTo("0.000042");
        assertThat(CsvCells.number(1.0f)).isEqualTo("1.0");
        assertThat(CsvCells.number(0f)).isEqualTo("0.0");
        assertThat(CsvCells.number(-3.5e8f)).isEqualTo("-350000000.0");
        assertThat(CsvCells.number(1.5e-9f)).isEqualTo("1.5E-9");
        assertThat(CsvCells.number(2e10f)).isEqualTo("2.0E10");
        assertThat(CsvCells.number(Float.NaN)).isEqualTo("NaN");
        Random r = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            float v = Float.intBitsToFloat(r.nextInt());
            if (Float.isFinite(v)) {
                assertThat(Float.parseFloat(CsvCells.number(v))).isEqualTo(v);
            }
        }
    }
}
