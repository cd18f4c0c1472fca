package org.nntune.nn.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CsvReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private static CsvReader defaults() {
        return CsvReader.defaults();
    }

    @Test
    void readsNumericFeaturesAndStringLabelsInSortedOrder() throws IOException {
        Path f = write("flowers.csv", "a,b,kind\n1,2.5,zeta\n3,-4e-1,alpha\n5,6,zeta\n");
        CsvReader.CsvData d = defaults().read(f);
        Dataset ds = d.dataset();
        assertThat(ds.name()).isEqualTo("flowers");
        assertThat(ds.size()).isEqualTo(3);
        assertThat(ds.featureNames()).containsExactly("a", "b");
        assertThat(ds.classNames()).containsExactly("alpha", "zeta");
        assertThat(ds.labels()).containsExactly(1, 0, 1);
        assertThat(ds.features()).containsExactly(1f, 2.5f, 3f, -0.4f, 5f, 6f);
    }

    @Test
    void integerLabelsAreSortedNumerically() throws IOException {
        Path f = write("ints.csv", "x,y\n1,10\n2,9\n3,010\n4,-1\n");
        Dataset ds = defaults().read(f).dataset();
        assertThat(ds.classNames()).containsExactly("-1", "9", "10");
        assertThat(ds.labels()).containsExactly(2, 1, 2, 0);
    }

    @Test
    void labelByIndexWithoutHeaderAndOtherSeparator() throws IOException {
        Path f = write("semi.csv", "b;1.5;2\na;2.5;3\n");
        Dataset ds = CsvReader.builder().header(false).separator(';').labelColumn(0).build().read(f).dataset();
        assertThat(ds.featureNames()).containsExactly("c1", "c2");
        assertThat(ds.classNames()).containsExactly("a", "b");
        assertThat(ds.labels()).containsExactly(1, 0);
        assertThat(ds.feature(1, 1)).isEqualTo(3f);
    }

    @Test
    void quotedFieldsHoldSeparatorsLineBreaksAndEscapedQuotes() throws IOException {
        Path f = write("quoted.csv", "x,\"name, long\"\r\n1,\"say \"\"hi\"\"\"\r\n2,\"two\nlines\"\r\n3,plain\r\n");
        CsvReader.CsvData d = CsvReader.builder().labelColumn("name, long").build().read(f);
        assertThat(d.dataset().classNames()).containsExactly("plain", "say \"hi\"", "two\nlines");
        assertThat(d.table().line(2)).isEqualTo(5); // the third row starts after the two-line field
    }

    @Test
    void regressionTargetsAreNumbers() throws IOException {
        Path f = write("reg.csv", "x,y\n1,0.5\n2,1.5\n");
        Dataset ds = CsvReader.builder().task(Task.REGRESSION).build().read(f).dataset();
        assertThat(ds.task()).isEqualTo(Task.REGRESSION);
        assertThat(ds.targets()).containsExactly(0.5f, 1.5f);
    }

    @Test
    void gzippedFilesAreDetectedByTheirMagicBytes() throws IOException {
        Path f = dir.resolve("data.bin");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write("x,y\n1,a\n2,b\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(defaults().read(f).dataset().size()).isEqualTo(2);
    }

    // ---- categorical features

    @Test
    void categoricalColumnsBecomeOneHotLearnedOnTheTrainingRows() throws IOException {
        Path f = write("cars.csv", "color,size,label\nred,1,a\nblue,2,b\nred,3,a\ngreen,4,b\n");
        CsvTable table = CsvReader.builder().categorical("color").build().readTable(f);
        CsvEncoder enc = table.fit(new int[] {0, 1, 2}); // green is only in row 3
        assertThat(enc.categories("color")).containsExactly("blue", "red");
        assertThat(enc.featureNames()).containsExactly("color=blue", "color=red", "size");
        Dataset ds = enc.encode(table);
        assertThat(ds.features()).containsExactly(
                0, 1, 1,
                1, 0, 2,
                0, 1, 3,
                0, 0, 4); // unseen 'green': all-zero one-hot block
    }

    @Test
    void unseenCategoryCanBeAnError() throws IOException {
        Path f = write("cars.csv", "color,label\nred,a\nblue,b\ngreen,b\n");
        CsvTable table = CsvReader.builder().categorical("color").unseenCategory(CsvReader.UnseenCategory.ERROR).build().readTable(f);
        CsvEncoder enc = table.fit(new int[] {0, 1});
        assertThatThrownBy(() -> enc.encode(table)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cars.csv line 4, column 1 ('color')")
                .hasMessageContaining("category 'green' was not seen");
    }

    @Test
    void encoderRoundTripsAndReadsRawPredictionFiles() throws IOException {
        Path f = write("train.csv", "color,size,label\nred,1,a\nblue,,b\nred,3,a\n");
        CsvReader.CsvData d = CsvReader.builder().categorical("color")
                .missingValues(CsvReader.MissingPolicy.FILL_MEAN).build().read(f);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        d.encoder().write(new DataOutputStream(bytes));
        CsvEncoder back = CsvEncoder.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(back).isEqualTo(d.encoder());
        assertThat(back.classNames()).containsExactly("a", "b");

        Path predict = write("predict.csv", "color,size\nblue,10\nyellow,\n");
        CsvEncoder.FeatureRows rows = back.readFeatures(predict);
        assertThat(rows.rows()).isEqualTo(2);
        assertThat(rows.lines()).containsExactly(2, 3);
        // blue → [1,0]; yellow unseen → [0,0]; missing size → training mean (1 + 3) / 2
        assertThat(rows.features()).containsExactly(1, 0, 10, 0, 0, 2);

        Path withLabel = write("predict2.csv", "color,size,label\nred,5,zzz\n");
        assertThat(back.readFeatures(withLabel).features()).containsExactly(0, 1, 5);

        Path wrong = write("predict3.csv", "colour,size\nred,5\n");
        assertThatThrownBy(() -> back.readFeatures(wrong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("predict3.csv line 1").hasMessageContaining("[color, size]");
    }

    @Test
    void ignoredColumnsAreNeitherParsedNorFeaturesAndMayBeLeftOutWhenPredicting() throws IOException {
        Path f = write("people.csv", "id,name,age,note,label\n1,Ann Lee,30,\"free, text\",a\nx7,Bo,40,,b\n3,Cy,,n/a,a\n");
        CsvReader.CsvData d = CsvReader.builder().ignore("id", "name", "note")
                .missingValues(CsvReader.MissingPolicy.FILL_MEAN).build().read(f);
        // 'x7' in a numeric column, a missing note: never parsed, so no error and no dropped row
        assertThat(d.dataset().featureNames()).containsExactly("age");
        assertThat(d.dataset().features()).containsExactly(30, 40, 35);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        d.encoder().write(new DataOutputStream(bytes));
        CsvEncoder back = CsvEncoder.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(back).isEqualTo(d.encoder());

        // with the ignored columns, without them, without some of them, with or without the label
        for (String header : List.of("id,name,age,note,label", "id,name,age,note", "age", "name,age", "age,label")) {
            String row = String.join(",", java.util.Arrays.stream(header.split(","))
                    .map(c -> c.equals("age") ? "50" : "zz").toList());
            Path p = write("p-" + header.replace(',', '_') + ".csv", header + "\n" + row + "\n");
            assertThat(back.readFeatures(p).features()).as(header).containsExactly(50);
        }
        // a feature column left out: refused, naming it
        assertThatThrownBy(() -> back.readFeatures(write("q.csv", "id,name,note\n1,a,b\n")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("q.csv line 1: missing column 'age'; the model reads the columns [age] (by name, in any order");
        // the columns in another order, and one the training file lacked: found by name, the other read past with a note
        CsvEncoder.FeatureRows r = back.readFeatures(write("r.csv", "reviewer,age,id\nme,51,2\n"));
        assertThat(r.features()).containsExactly(51);
        assertThat(r.unreadColumns()).contains("column 'reviewer' of").contains("r.csv is not one of the training file's");
        assertThat(back.readFeatures(write("s.csv", "age,id\n1,2\n")).unreadColumns()).isEmpty();
    }

    @Test
    void predictionColumnsAreFoundByName() throws IOException {
        CsvEncoder enc = CsvReader.builder().categorical("color").build()
                .read(write("t.csv", "color,size,weight,y\nred,1,10,a\nblue,2,20,b\n")).encoder();
        assertThat(enc.readFeatures(write("p1.csv", "weight,y,size,color\n30,a,3,blue\n")).features())
                .as("reversed, label in the middle").containsExactly(1, 0, 3, 30);
        assertThatThrownBy(() -> enc.readFeatures(write("p2.csv", "color,weight\nred,1\n")))
                .hasMessageContaining("p2.csv line 1: missing column 'size'");
        assertThatThrownBy(() -> enc.readFeatures(write("p3.csv", "weight\n1\n")))
                .hasMessageContaining("missing columns 'color', 'size'");
        assertThatThrownBy(() -> enc.readFeatures(write("p4.csv", "color;size;weight\nred;1;2\n")))
                .hasMessageContaining("p4.csv line 1: the header is one column, 'color;size;weight'; its fields look separated by ';',"
                        + " but the training file's were separated by ','");
        assertThatThrownBy(() -> enc.readFeatures(write("p5.csv", "color,size,weight,size\nred,1,2,3\n")))
                .hasMessageContaining("duplicate column name 'size'");
    }

    @Test
    void ignoringAnUnknownColumnTheLabelACategoricalOneOrEveryFeatureIsRefused() throws IOException {
        Path f = write("t.csv", "id,color,size,label\n1,red,2,a\n2,blue,3,b\n");
        assertThatThrownBy(() -> CsvReader.builder().ignore("idd").categorical("color").build().read(f))
                .isInstanceOfSatisfying(UnknownColumnException.class, e -> {
                    assertThat(e.role()).isEqualTo(UnknownColumnException.Role.IGNORE);
                    assertThat(e.column()).isEqualTo("idd");
                    assertThat(e.columns()).containsExactly("id", "color", "size", "label");
                })
                .hasMessageContaining("t.csv line 1: unknown column to ignore 'idd'");
        assertThatThrownBy(() -> CsvReader.builder().ignore("label").categorical("color").build().read(f))
                .hasMessageContaining("column 4 ('label') is the label column; it cannot also be ignored");
        assertThatThrownBy(() -> CsvReader.builder().ignore("color").categorical("color").build().read(f))
                .hasMessageContaining("column 2 ('color') is the categorical column; it cannot also be ignored");
        assertThatThrownBy(() -> CsvReader.builder().ignore("id", "color", "size").build().read(f))
                .hasMessageContaining("every column but the label is ignored ([id, color, size]); expected at least one feature column");
    }

    @Test
    void aDamagedEncoderBlockIsRejected() {
        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        assertThatThrownBy(() -> {
            new DataOutputStream(bad).writeUTF("something-else");
            CsvEncoder.read(new DataInputStream(new ByteArrayInputStream(bad.toByteArray())));
        }).isInstanceOf(IOException.class).hasMessageContaining("'something-else'");
    }

    @Test
    void unknownClassInALabelledTestFileIsAnError() throws IOException {
        CsvEncoder enc = defaults().read(write("train.csv", "x,y\n1,a\n2,b\n")).encoder();
        CsvTable test = defaults().readTable(write("test.csv", "x,y\n1,a\n2,c\n"));
        assertThatThrownBy(() -> enc.encode(test)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("test.csv line 3, column 2 ('y')").hasMessageContaining("class 'c'");
    }

    // ---- missing values

    @Test
    void missingValuePoliciesDropOrFill() throws IOException {
        String text = "x,c,y\n1,u,a\n,v,b\n3,,a\n3,v,b\n";
        Path f = write("holes.csv", text);
        CsvReader.CsvData dropped = CsvReader.builder().categorical("c").missingValues(CsvReader.MissingPolicy.DROP_ROW).build().read(f);
        assertThat(dropped.table().droppedLines()).containsExactly(3, 4);
        assertThat(dropped.dataset().size()).isEqualTo(2);

        Dataset mean = CsvReader.builder().categorical("c").missingValues(CsvReader.MissingPolicy.FILL_MEAN).build().read(f).dataset();
        assertThat(mean.featureNames()).containsExactly("x", "c=u", "c=v");
        assertThat(mean.feature(1, 0)).isCloseTo(7f / 3, within(1e-6f)); // x mean of 1, 3, 3
        assertThat(mean.feature(2, 1)).isEqualTo(0f);                     // c filled with 'v', most frequent
        assertThat(mean.feature(2, 2)).isEqualTo(1f);

        Dataset mode = CsvReader.builder().categorical("c").missingValues(CsvReader.MissingPolicy.FILL_MOST_FREQUENT).build().read(f).dataset();
        assertThat(mode.feature(1, 0)).isEqualTo(3f);
    }

    @Test
    void pandasMissingMarksAreMissingAndMoreCanBeGiven() throws IOException {
        StringBuilder csv = new StringBuilder("a,c,y\n");
        List<String> marks = List.of("#N/A", "N/A", "n/a", "NaN", "nan", "NULL", "null", "None", "-NaN", "#NA", "<NA>", "NA", "?", "");
        for (String m : marks) {
            csv.append(m).append(",").append(m).append(",x\n").append("2,u,z\n");
        }
        Path f = write("marks.csv", csv.toString());
        Dataset d = CsvReader.builder().categorical("c").missingValues(CsvReader.MissingPolicy.FILL_MEAN).build().read(f).dataset();
        assertThat(d.size()).isEqualTo(2 * marks.size());
        assertThat(d.featureNames()).containsExactly("a", "c=u"); // no category made of a mark
        for (int i = 0; i < d.size(); i++) {
            assertThat(d.features()[i * 2]).isEqualTo(2f); // every mark filled with the mean of the 2s
        }
        // a mark of one's own, added to the defaults
        Path dash = write("dash.csv", "a,y\n-,x\n1,z\n#N/A,x\n3,z\n");
        List<String> tokens = new ArrayList<>(CsvReader.DEFAULT_MISSING_TOKENS);
        tokens.add("-");
        Dataset own = CsvReader.builder().missingTokens(tokens.toArray(String[]::new)).missingValues(CsvReader.MissingPolicy.FILL_MEAN)
                .build().read(dash).dataset();
        assertThat(own.features()).containsExactly(2f, 1f, 2f, 3f);
    }

    @Test
    void missingValueWithoutPolicyNamesFileLineAndColumn() throws IOException {
        Path f = write("holes.csv", "x,z,y\n1,2,a\n1,NA,b\n");
        assertThatThrownBy(() -> defaults().read(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holes.csv line 3, column 2 ('z')")
                .hasMessageContaining("missing value ('NA')")
                .hasMessageContaining("DROP_ROW");
    }

    @Test
    void missingLabelIsAnErrorEvenWithAFillPolicy() throws IOException {
        Path f = write("nolabel.csv", "x,y\n1,a\n2,\n");
        assertThatThrownBy(() -> CsvReader.builder().missingValues(CsvReader.MissingPolicy.FILL_MEAN).build().read(f))
                .hasMessageContaining("nolabel.csv line 3, column 2 ('y')").hasMessageContaining("missing label");
    }

    // ---- one test per bad input

    private void assertBad(String name, String content, CsvReader reader, String... parts) throws IOException {
        Path f = write(name, content);
        assertThatThrownBy(() -> reader.read(f)).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> {
                    for (String p : parts) assertThat(e.getMessage()).contains(p);
                });
    }

    @Test
    void wrongFieldCount() throws IOException {
        assertBad("short.csv", "a,b,y\n1,2,x\n1,2\n", defaults(), "short.csv line 3, column 3", "expected 3 fields", "found 2");
        assertBad("long.csv", "a,b,y\n1,2,x\n1,2,3,x\n", defaults(), "long.csv line 3, column 4", "found 4", "quote fields");
    }

    @Test
    void nonNumberInNumericColumn() throws IOException {
        assertBad("text.csv", "a,b,y\n1,2,x\n1,abc,z\n", defaults(),
                "text.csv line 3, column 2 ('b')", "expected a number", "'abc'", "declare it categorical");
        assertBad("comma.csv", "a;b;y\n1;2,5;x\n1;3;z\n", CsvReader.builder().separator(';').build(),
                "comma.csv line 2, column 2 ('b')", "'2,5'");
    }

    @Test
    void nanAndInfinity() throws IOException {
        // NaN is one of pandas' missing marks, so it is a missing value; written otherwise it is no number
        assertBad("nan.csv", "a,b,y\n1,NaN,x\n1,2,z\n", defaults(), "nan.csv line 2, column 2 ('b')", "missing value ('NaN')");
        assertBad("nan2.csv", "a,b,y\n1,+nan,x\n1,2,z\n", defaults(), "nan2.csv line 2, column 2 ('b')", "'+nan' is not allowed", "finite");
        assertBad("inf.csv", "a,b,y\n1,2,x\n-Infinity,2,z\n", defaults(), "inf.csv line 3, column 1 ('a')", "'-Infinity'");
        assertBad("big.csv", "a,b,y\n1,2,x\n1e39,2,z\n", defaults(), "big.csv line 3, column 1 ('a')", "float32 range");
        assertBad("regnan.csv", "a,y\n1,2\n1,nan\n", CsvReader.builder().task(Task.REGRESSION).build(), "regnan.csv line 3, column 2 ('y')");
    }

    @Test
    void emptyFileAndHeaderWithoutRows() throws IOException {
        assertBad("empty.csv", "", defaults(), "file", "empty.csv is empty");
        assertBad("blank.csv", "\n\n", defaults(), "blank.csv is empty");
        assertBad("header.csv", "a,b,y\n", defaults(), "header.csv line 1", "a header but no data rows");
    }

    @Test
    void unknownLabelColumn() throws IOException {
        assertBad("lab.csv", "a,b,y\n1,2,x\n", CsvReader.builder().labelColumn("species").build(),
                "lab.csv line 1", "unknown label column 'species'", "[a, b, y]");
        assertBad("idx.csv", "a,b,y\n1,2,x\n", CsvReader.builder().labelColumn(7).build(), "idx.csv line 1", "label column index 7");
        assertBad("cat.csv", "a,b,y\n1,2,x\n", CsvReader.builder().categorical("colour").build(), "cat.csv line 1", "'colour'");
        // the parts, for a caller whose settings come from a file of its own (nntune's study file names the key)
        Path cat = write("cat2.csv", "a,b,y\n1,2,x\n");
        assertThatThrownBy(() -> CsvReader.builder().categorical("colour").build().read(cat))
                .isInstanceOfSatisfying(UnknownColumnException.class, e -> {
                    assertThat(e.source()).isEqualTo(cat.toString());
                    assertThat(e.role()).isEqualTo(UnknownColumnException.Role.CATEGORICAL);
                    assertThat(e.column()).isEqualTo("colour");
                    assertThat(e.columns()).containsExactly("a", "b", "y");
                });
        assertThatThrownBy(() -> CsvReader.builder().header(false).labelColumn("y").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("header(false)");
    }

    @Test
    void singleClassLabelColumn() throws IOException {
        assertBad("one.csv", "a,y\n1,x\n2,x\n3,x\n", defaults(), "one.csv lines 2-4, column 2 ('y')", "single class 'x'", "REGRESSION");
    }

    @Test
    void fileThatIsNotText() throws IOException {
        Path bin = dir.resolve("image.csv");
        Files.write(bin, new byte[] {'a', ',', 'b', '\n', 0x00, 0x01, 0x02});
        assertThatThrownBy(() -> defaults().read(bin)).hasMessageContaining("image.csv is not a UTF-8 text file")
                .hasMessageContaining("NUL byte at byte offset 4 (line 2)");
        // one NUL in a long text: the field is the problem, not the file
        StringBuilder mail = new StringBuilder("a,y\n");
        for (int i = 0; i < 300; i++) {
            mail.append(i).append(",\"a message of some length, ").append(i).append("\"\n");
        }
        mail.append("7,\"a bad\u0000 one\"\n");
        Path nul = write("mail.csv", mail.toString());
        assertThatThrownBy(() -> defaults().read(nul)).hasMessageContaining("mail.csv line 302: a NUL character inside a field")
                .hasMessageContaining("tr -d '\\000'").hasMessageNotContaining("not a UTF-8");
        assertThat(CsvProfile.of(nul, ',').rows()).as("a profile reads past it").isEqualTo(301);
        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, "x,y\n1,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> defaults().read(latin1)).hasMessageContaining("iconv -f cp1252 -t utf-8 in.csv > out.csv");
        assertThatThrownBy(() -> defaults().read(latin1)).hasMessageContaining("latin1.csv is not a UTF-8 text file")
                .hasMessageContaining("invalid UTF-8 byte 0xe9 at byte offset 9 (line 2)");
    }

    @Test
    void brokenQuotingAndBlankLines() throws IOException {
        assertBad("open.csv", "a,y\n1,\"never closed\n", defaults(), "open.csv line 2, column 2", "never ends");
        assertBad("after.csv", "a,y\n1,\"x\"y\n", defaults(), "after.csv line 2, column 2", "after a closing quote");
        assertBad("inner.csv", "a,y\n1,x\"y\n", defaults(), "inner.csv line 2, column 2", "quote character inside an unquoted field");
        assertBad("gap.csv", "a,y\n1,x\n\n2,z\n", defaults(), "gap.csv line 3, column 1", "blank line between data rows");
        assertThat(defaults().read(write("trailing.csv", "a,y\n1,x\n2,z\n\n\n")).dataset().size()).isEqualTo(2);
        assertBad("onecol.csv", "a;y\n1;x\n", defaults(), "onecol.csv line 1", "found 1 column", "separator");
        assertBad("dup.csv", "a,a,y\n1,2,x\n", defaults(), "dup.csv line 1, column 2", "duplicate column name 'a'");
    }

    @Test
    void decimalCommasAreReadWhenAsked() throws IOException {
        Path f = write("euro.csv", "a;b;y\n14,23;1065;x\n-0,5;2;z\n");
        CsvReader euro = CsvReader.builder().separator(';').decimal(',').build();
        CsvReader.CsvData d = euro.read(f);
        assertThat(d.dataset().features()).containsExactly(14.23f, 1065f, -0.5f, 2f);
        // kept with the encoder, so a prediction file is read the same way, after a save and a load too
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        d.encoder().write(new DataOutputStream(bytes));
        CsvEncoder loaded = CsvEncoder.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(loaded).isEqualTo(d.encoder());
        assertThat(loaded.readFeatures(write("p.csv", "a;b\n1,5;3\n")).features()).containsExactly(1.5f, 3f);
        // no thousands separators; and a comma read with the default point says what it may be
        assertBad("thousands.csv", "a;b;y\n1.065,5;1;x\n", euro, "thousands.csv line 2, column 1 ('a')", "'1.065,5'",
                "no thousands separator");
        assertBad("point.csv", "a;b;y\n14,23;1;x\n", CsvReader.builder().separator(';').build(), "'14,23'",
                "a decimal comma? set the decimal mark to ','");
        assertThatThrownBy(() -> CsvReader.builder().decimal(',').build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("separator");
        assertThatThrownBy(() -> CsvReader.builder().decimal(';')).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEncoderWithADecimalPointIsWrittenInTheFirstFormat() throws IOException {
        CsvEncoder enc = defaults().read(write("pt.csv", "a,y\n1.5,x\n2,z\n")).encoder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        enc.write(new DataOutputStream(bytes));
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        in.readUTF();
        assertThat(in.readInt()).as("format version: older nntune versions read it").isEqualTo(1);
    }

    @Test
    void allRowsDroppedIsAnError() throws IOException {
        assertBad("holes.csv", "a,y\n,x\n?,z\n", CsvReader.builder().missingValues(CsvReader.MissingPolicy.DROP_ROW).build(),
                "all 2 data rows have a missing value");
    }

    @Test
    void fillWithNoTrainingValueIsAnError() throws IOException {
        Path f = write("void.csv", "a,b,y\n1,,x\n2,,z\n");
        assertThatThrownBy(() -> CsvReader.builder().missingValues(CsvReader.MissingPolicy.FILL_MEAN).build().read(f))
                .hasMessageContaining("column 2 ('b')").hasMessageContaining("every one is missing");
    }

    @Test
    void predictionRowsCannotBeDropped() throws IOException {
        CsvEncoder enc = CsvReader.builder().missingValues(CsvReader.MissingPolicy.DROP_ROW).build()
                .read(write("t.csv", "a,y\n1,x\n,x\n2,z\n")).encoder();
        assertThatThrownBy(() -> enc.readFeatures(write("p.csv", "a\n1\n\"\"\n")))
                .hasMessageContaining("p.csv line 3, column 1 ('a')").hasMessageContaining("cannot be dropped");
        assertThat(enc.featureNames()).isEqualTo(List.of("a"));
    }

    @Test
    void tableLabelsDriveSplitsAndTheEncoderIsFittedOnTheTrainingPart() throws IOException {
        StringBuilder text = new StringBuilder("color,x,y\n");
        for (int i = 0; i < 20; i++) {
            text.append(i < 19 ? (i % 2 == 0 ? "red" : "blue") : "green").append(',').append(i).append(',').append(i % 2 == 0 ? "a" : "b").append('\n');
        }
        CsvTable table = CsvReader.builder().categorical("color").build().readTable(write("t.csv", text.toString()));
        assertThat(table.classNames()).containsExactly("a", "b");
        Split split = Splits.stratified(table.labels(), 0.2, 42);
        assertThat(split.test()).hasSize(4);
        CsvEncoder enc = table.fit(split.train());
        Dataset data = enc.encode(table);
        assertThat(data.size()).isEqualTo(20);
        assertThat(data.labels()).isEqualTo(table.labels());
        boolean greenInTrain = java.util.Arrays.stream(split.train()).anyMatch(r -> r == 19);
        assertThat(enc.categories("color")).isEqualTo(greenInTrain ? List.of("blue", "green", "red") : List.of("blue", "red"));
    }
}
