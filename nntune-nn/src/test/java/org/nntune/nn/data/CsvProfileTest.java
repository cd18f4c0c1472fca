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
    void pandasMissingMarksLeaveAColumnOfNumbersAndAStrayValueIsNamedWithItsLine() throws IOException {
        Path f = dir.resolve("marks.csv");
        Files.writeString(f, "x,w,y\n1.5,0.2,a\n#N/A,0.3,b\nNaN,1.4cm,a\nnull,0.5,b\nNone,-,a\n2,0.1,b\n");
        CsvProfile p = CsvProfile.of(f, ',');
        CsvProfile.Column x = p.columns().get(0);
        assertThat(x.numeric()).isTrue();
        assertThat(x.missing()).isEqualTo(4);
        assertThat(x.numbers()).isEqualTo(2);
        assertThat(x.firstNonNumber()).isEmpty();
        CsvProfile.Column w = p.columns().get(1);
        assertThat(w.numeric()).isFalse();
        assertThat(w.numbers()).isEqualTo(4);
        assertThat(w.firstNonNumber()).isEqualTo("1.4cm");
        assertThat(w.firstNonNumberLine()).isEqualTo(4);
    }

    @Test
    void decimalCommasInAFileOfSemicolonsAreNumbers() throws IOException {
        Path euro = dir.resolve("euro.csv");
        Files.writeString(euro, "alcohol;magnesium;Qualit\u00e4t;cultivar\n14,23;127;gut;Barolo\n13,2;100;gut;Grignolino\n12,37;95;schlecht;Barbera\n");
        CsvProfile p = CsvProfile.of(euro);
        assertThat(p.separator()).isEqualTo(';');
        assertThat(p.decimal()).isEqualTo(',');
        assertThat(p.columns().get(0).numeric()).isTrue();
        assertThat(p.columns().get(1).integers()).isTrue();
        assertThat(p.columns().get(2).numeric()).isFalse();
        // points stay points, with any separator
        Path points = dir.resolve("points.csv");
        Files.writeString(points, "a;b\n14.23;x\n1,5;y\n");
        assertThat(CsvProfile.of(points).decimal()).isEqualTo('.');
        assertThat(CsvProfile.of(points).columns().get(0).numeric()).isFalse();
        Path commas = dir.resolve("commas.csv");
        Files.writeString(commas, "a,b\n1,5\n2,6\n");
        assertThat(CsvProfile.of(commas).decimal()).isEqualTo('.');
    }

    @Test
    void valueCountsRangesRisesAndWhatDeterminesWhat() throws IOException {
        Path f = dir.resolve("c.csv");
        Files.writeString(f, ",flag,x,kind\n0,1,2.5,M\n1,0,-1,B\n2,,3,B\n5,1,1e3,M\n");
        CsvProfile p = CsvProfile.of(f, ',');
        CsvProfile.Column index = p.columns().get(0);
        assertThat(index.name()).isEmpty();
        assertThat(index.min()).isEqualTo(0);
        assertThat(index.max()).isEqualTo(5);
        assertThat(index.increasing()).isTrue();
        assertThat(index.singletons()).isEqualTo(4);
        CsvProfile.Column flag = p.columns().get(1);
        assertThat(flag.counts()).containsExactly(java.util.Map.entry("1", 2), java.util.Map.entry("0", 1));
        assertThat(flag.codes()).containsExactly(0, 1, CsvProfile.MISSING_CODE, 0);
        CsvProfile.Column x = p.columns().get(2);
        assertThat(x.increasing()).isFalse();
        assertThat(x.min()).isEqualTo(-1);
        assertThat(x.max()).isEqualTo(1000);
        CsvProfile.Column kind = p.columns().get(3);
        assertThat(kind.min()).isNaN();
        assertThat(flag.determines(kind)).isTrue();
        assertThat(kind.determines(flag)).isTrue(); // the missing flag is not counted against it
        assertThat(kind.determines(x)).isFalse();
        assertThat(p.rowsMissingAny(java.util.List.of("flag", "kind"))).isEqualTo(1);
        assertThat(p.rowsMissingAny(java.util.List.of("x", "kind"))).isZero();
    }

    @Test
    void datesAsSpreadsheetsWriteThem() throws IOException {
        for (String d : new String[] {"03/15/2023", "15/03/2023", "15.03.2023", "1.3.23", "15-03-2023", "2023/03/15",
                "03/15/2023 10:14", "15.03.2023 10:14:05", "3/15/2023 2:05 PM"}) {
            assertThat(CsvProfile.isLocalDate(d)).as(d).isTrue();
        }
        for (String d : new String[] {"13/13/2023", "0/12/2023", "15.03", "1.2.3", "2023-01", "15/03/2023 noon", "v1.2.2023"}) {
            assertThat(CsvProfile.isLocalDate(d)).as(d).isFalse();
        }
        Path f = dir.resolve("d.csv");
        Files.writeString(f, "us,eu,code\n01/06/2023,06.01.2023,1/2/3\n12/31/2023,,4/5/6\n");
        CsvProfile p = CsvProfile.of(f, ',');
        assertThat(p.columns()).extracting(CsvProfile.Column::localDates).containsExactly(true, true, false);
    }

    @Test
    void aFirstLineOfNumbersAboveNumbersIsARowAndTextAboveNumbersAHeader() throws IOException {
        Path rows = dir.resolve("rows.csv");
        Files.writeString(rows, "0,0,5,a\n0,1,6,b\n1,0,5,a\n");
        CsvProfile p = CsvProfile.of(rows, ',');
        assertThat(p.header()).isFalse();
        assertThat(p.names()).containsExactly("c0", "c1", "c2", "c3");
        assertThat(p.rows()).isEqualTo(3);
        // scikit-learn's iris.csv: a first line of counts and class names above columns of numbers is a header
        Path sk = dir.resolve("sk.csv");
        Files.writeString(sk, "3,2,setosa,versicolor\n5.1,3.5,1.4,0\n4.9,3.0,1.4,1\n6.2,3.4,5.4,1\n");
        CsvProfile q = CsvProfile.of(sk, ',');
        assertThat(q.header()).isTrue();
        assertThat(q.names()).containsExactly("3", "2", "setosa", "versicolor");
        assertThat(q.rows()).isEqualTo(3);
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
