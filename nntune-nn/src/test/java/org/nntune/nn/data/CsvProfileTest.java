package org.nntune.nn.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CsvProfileTest {
    @TempDir
    Path dir;

    @Test
    void eachColumnSaysWhatItHolds() throws IOException {
        Path f = dir.resolve("p.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write(("id;when;x;note;kind\n"
                    + "1;2024-01-02;1.5;\"a; quoted\nnote\";A\n"
                    + "2;2024-01-03T10:00;NA;two words;B\n"
                    + "3;2024-01-04;-2e-1;;A\n\n").getBytes(StandardCharsets.UTF_8));
        }
        CsvProfile p = CsvProfile.of(f, ';');
        assertThat(p.names()).containsExactly("id", "when", "x", "note", "kind");
        assertThat(p.rows()).isEqualTo(3);
        CsvProfile.Column id = p.columns().get(0);
        assertThat(id.numeric()).isTrue();
        assertThat(id.integers()).isTrue();
        assertThat(id.distinct()).isEqualTo(3);
        assertThat(p.columns().get(1).isoDates()).isTrue();
        assertThat(p.columns().get(1).numeric()).isFalse();
        CsvProfile.Column x = p.columns().get(2);
        assertThat(x.numeric()).isTrue();
        assertThat(x.integers()).isFalse();
        assertThat(x.missing()).isEqualTo(1);
        CsvProfile.Column note = p.columns().get(3);
        assertThat(note.missing()).isEqualTo(1);
        assertThat(note.meanWords()).isCloseTo(2.5, within(1e-9)); // "a; quoted\nnote" (3 words) and "two words" (2)
        assertThat(note.maxWords()).isEqualTo(3);
        CsvProfile.Column kind = p.columns().get(4);
        assertThat(kind.distinct()).isEqualTo(2);
        assertThat(kind.numeric()).isFalse();
    }

    @Test
    void aMalformedFileIsRefusedWithItsLine() throws IOException {
        Path ragged = dir.resolve("r.csv");
        Files.writeString(ragged, "a,b\n1,2\n3\n");
        assertThatThrownBy(() -> CsvProfile.of(ragged, ',')).hasMessageContaining("r.csv line 3, column 2: expected 2 fields");
        Path gap = dir.resolve("g.csv");
        Files.writeString(gap, "a,b\n1,2\n\n3,4\n");
        assertThatThrownBy(() -> CsvProfile.of(gap, ',')).hasMessageContaining("g.csv").hasMessageContaining("blank line");
        Path header = dir.resolve("h.csv");
        Files.writeString(header, "a,b\n");
        assertThatThrownBy(() -> CsvProfile.of(header, ',')).hasMessageContaining("h.csv: the header has no data rows after it");
        Path twice = dir.resolve("t.csv");
        Files.writeString(twice, "a,a\n1,2\n");
        assertThatThrownBy(() -> CsvProfile.of(twice, ',')).hasMessageContaining("duplicate column name 'a'");
    }
}
