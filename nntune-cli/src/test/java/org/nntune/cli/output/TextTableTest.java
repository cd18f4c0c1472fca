package org.nntune.cli.output;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Tables aligned by the columns a terminal gives the text, not by Java's char count. */
class TextTableTest {

    @Test
    void wideCharactersTakeTwoColumnsAndCombiningMarksNone() {
        assertThat(TextTable.width("iris")).isEqualTo(4);
        assertThat(TextTable.width("実験")).isEqualTo(4);
        assertThat(TextTable.width("실험")).isEqualTo(4);
        assertThat(TextTable.width("ｆｕｌｌ")).isEqualTo(8); // full-width Latin
        assertThat(TextTable.width("e\u0301te\u0301")).isEqualTo(3); // é written as e + combining acute
        assertThat(TextTable.width("🙂")).isEqualTo(2); // one code point, two chars, two columns
        assertThat(TextTable.width("𠀋")).isEqualTo(2); // CJK extension B, beyond the BMP
    }

    @Test
    void cutKeepsWholeCharactersWithinTheWidth() {
        assertThat(TextTable.cut("short", 60)).isEqualTo("short");
        assertThat(TextTable.cut("abcdef", 4)).isEqualTo("abc…");
        assertThat(TextTable.cut("実験実験", 6)).isEqualTo("実験…"); // a third wide character would not fit
        assertThat(TextTable.cut("a🙂🙂", 4)).isEqualTo("a🙂…");
        assertThat(TextTable.cut("a🙂🙂", 3)).isEqualTo("a…"); // never half a surrogate pair, nor a wide one over the width
        assertThat(TextTable.width(TextTable.cut("実験実験実験", 7))).isLessThanOrEqualTo(7);
    }

    @Test
    void columnsLineUpWhateverTheScript() {
        StringWriter sw = new StringWriter();
        TextTable.print(List.of(List.of("study", "n", "x"), List.of("実験", "12", "y"), List.of("e\u0301te\u0301", "3", "z"),
                List.of("iris", "(a short row's last cell is not counted in the column)")), i -> i == 1, new PrintWriter(sw));
        List<String> lines = sw.toString().lines().toList();
        assertThat(lines.subList(0, 3)).containsExactly("study   n  x", "実験   12  y", "e\u0301te\u0301     3  z");
        assertThat(lines.subList(0, 3)).allSatisfy(l -> assertThat(TextTable.width(l)).isEqualTo(12));
        assertThat(lines.get(3)).isEqualTo("iris   (a short row's last cell is not counted in the column)");
    }
}
