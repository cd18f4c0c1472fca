package org.nntune.nn.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextDataTest {
    @TempDir
    Path dir;

    private Path csv(String name, String content) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    private static TextEncoder.Options words(int maxLength, int maxVocab, int minCount) {
        return new TextEncoder.Options(TextEncoder.Tokens.WORDS, maxLength, maxVocab, minCount);
    }

    @Test
    void wordsAreLowerCaseRunsOfLettersDigitsAndApostrophes() {
        List<String> out = new ArrayList<>();
        boolean more = TextEncoder.tokenize("Don't WIN $1,000 now!! café", words(10, 10, 1), out);
        assertThat(out).containsExactly("don't", "win", "1", "000", "now", "caf");
        assertThat(more).isFalse();
        assertThat(TextEncoder.tokenize("a b c d", words(3, 10, 1), out)).isTrue();
        assertThat(out).containsExactly("a", "b", "c");
        TextEncoder.tokenize("héllo", new TextEncoder.Options(TextEncoder.Tokens.CHARS, 10, 10, 1), out);
        assertThat(out).containsExactly("h", "é", "l", "l", "o");
    }

    /**
     * The documented rule, exactly: Python's {@code re.findall(r"[a-z0-9']+", text.lower())}, also
     * for capitals whose lower case is more than one character (Turkish İ is i + a combining dot,
     * which splits the word) or is ASCII (the Kelvin sign is k). Expected tokens printed by
     * /usr/bin/python3 (3.11) with that line.
     */
    @Test
    void wordsAreExactlyPythonsFindallOnTheLowerCasedText() {
        Map<String, List<String>> python = new LinkedHashMap<>();
        python.put("\u0130STANBUL \u0130S FREE", List.of("i", "stanbul", "i", "s", "free"));
        python.put("\u212aELVIN \u212a", List.of("kelvin", "k"));
        python.put("Don't WIN $1,000 now!! caf\u00e9", List.of("don't", "win", "1", "000", "now", "caf"));
        python.put("\u01c5emal \u03a3\u039f\u03a6\u039f\u03a3 \u1e9etra\u00dfe", List.of("emal", "tra", "e"));
        python.put("\ufb01ne \uff21\uff22\uff23 \ud835\udc00b x\u0130y", List.of("ne", "b", "xi", "y"));
        List<String> out = new ArrayList<>();
        python.forEach((text, tokens) -> {
            TextEncoder.tokenize(text, words(20, 10, 1), out);
            assertThat(out).as(text).isEqualTo(tokens);
        });
        // the length limit counts Python's tokens: "İS" is two of them
        assertThat(TextEncoder.tokenize("\u0130S FREE", words(2, 10, 1), out)).isTrue();
        assertThat(out).containsExactly("i", "s");
    }

    @Test
    void theVocabularyComesFromTrainingRowsOnlyWithPaddingAndUnknownIds() throws Exception {
        Path f = csv("t.csv", "text,label\nspam spam eggs,spam\nham and eggs,ham\nspam ham,spam\nsecret test words,ham\n");
        TextTable t = TextTable.read(f, ',', "text", "label");
        TextEncoder enc = t.fit(new int[] {0, 1, 2}, words(4, 10, 2));
        // spam 3×, eggs 2×, ham 2× in the training rows; "and" once; the test row's words never
        assertThat(enc.vocabulary()).containsExactly("spam", "eggs", "ham");
        assertThat(enc.id("spam")).isEqualTo(2);
        assertThat(enc.id("secret")).isEqualTo(TextEncoder.UNKNOWN);
        Dataset d = enc.encode(t, "t");
        assertThat(d.featureShape()).containsExactly(4);
        float[] x = d.features();
        assertThat(x).startsWith(2, 2, 3, 0, /* row 1: ham and eggs */ 4, 1, 3, 0);
        assertThat(java.util.Arrays.copyOfRange(x, 12, 16)).as("all-unknown message").containsExactly(1, 1, 1, 0);
        assertThat(d.classNames()).containsExactly("ham", "spam");
        assertThat(enc.truncationNote(enc.encode(List.of("a b c d e")))).isEqualTo("1 of 1 text had more than 4 tokens and was truncated to its first 4");
    }

    @Test
    void aMinimumCountNoWordReachesIsRefusedWithTheDistinctWordsAndTheHighestCount() throws Exception {
        TextTable t = TextTable.read(csv("m.csv", "text,label\nspam spam eggs,spam\nham and eggs,ham\n...,ham\n"), ',', "text", "label");
        assertThatThrownBy(() -> t.fit(new int[] {0, 1, 2}, words(5, 10, 1000)))
                .isInstanceOfSatisfying(TextEncoder.EmptyVocabularyException.class, e -> {
                    assertThat(e.distinctTokens()).isEqualTo(4);
                    assertThat(e.highestCount()).isEqualTo(2);
                })
                .hasMessageContaining("m.csv, column 'text': the 3 training texts have 4 distinct words, the most frequent occurring 2 times;"
                        + " none occurs the 1,000 times the minimum count asks");
        assertThat(t.fit(new int[] {0, 1, 2}, words(5, 10, 2)).vocabulary()).containsExactly("spam", "eggs");
        assertThatThrownBy(() -> t.fit(new int[] {2}, words(5, 10, 1)))
                .isInstanceOfSatisfying(TextEncoder.EmptyVocabularyException.class, e -> assertThat(e.distinctTokens()).isZero())
                .hasMessageContaining("the 1 training text has no word");
    }

    @Test
    void maxVocabularyCountsWordsOnlySoTheIdsAreTwoMore() throws Exception {
        // the README's side-by-side table: Options' maxVocabulary counts words, a study file's vocab_size counts ids
        TextTable t = TextTable.read(csv("v.csv", "text,label\na b c d e,spam\na b c d,ham\na b c,spam\n"), ',', "text", "label");
        TextEncoder enc = t.fit(new int[] {0, 1, 2}, words(5, 3, 1));
        assertThat(enc.vocabulary()).containsExactly("a", "b", "c");
        assertThat(enc.vocabularySize()).as("padding, unknown and 3 words").isEqualTo(5);
        assertThat(enc.id("c")).isEqualTo(4);
        assertThat(enc.id("d")).isEqualTo(TextEncoder.UNKNOWN);
    }

    @Test
    void aMissingLabelIsRefusedWithItsLineOrLeftOutWhenAskedAndNamedByItsLine() throws Exception {
        Path f = csv("l.csv", "text,label\nfree money,spam\nsee you at lunch,\nwin now,spam\nthe minutes,NA\n"
                + "\"ok, NA\",\"NA\"\nhi mum,ham\n");
        assertThatThrownBy(() -> TextTable.read(f, ',', "text", "label"))
                .hasMessage(f + " line 3, column 'label': missing label (''); expected a class — a label cannot be filled;"
                        + " fix the file or choose the DROP_ROW missing-value policy");
        TextTable t = TextTable.read(f, ',', "text", "label", CsvReader.DEFAULT_MISSING_TOKENS, true);
        // NA is missing as CsvReader reads a label (pandas' na_values), quoted or not
        assertThat(t.unlabelledLines()).containsExactly(3, 5, 6);
        assertThat(t.rowCount()).isEqualTo(3);
        assertThat(t.text(1)).isEqualTo("win now");
        assertThat(t.line(1)).isEqualTo(4);
        assertThat(t.line(2)).isEqualTo(7);
        assertThat(t.classNames()).containsExactly("ham", "spam");
        // without pandas' default tokens (keep_default_na=False) NA is a class, the empty field still missing
        TextTable own = TextTable.read(f, ',', "text", "label", List.of(), true);
        assertThat(own.unlabelledLines()).containsExactly(3);
        assertThat(own.classNames()).containsExactly("NA", "ham", "spam");
        Path none = csv("m.csv", "text,label\na,\nb,\n");
        assertThatThrownBy(() -> TextTable.read(none, ',', "text", "label", List.of(), true))
                .hasMessage(none + ": every one of its 2 rows has a missing label; no row is left to learn from");
    }

    @Test
    void anEmptyTextCellBecomesOneUnknownToken() throws Exception {
        TextTable t = TextTable.read(csv("e.csv", "text,label\n\"\",ham\nhello there,spam\nhello,ham\n"), ',', "text", "label");
        TextEncoder enc = t.fit(new int[] {0, 1, 2}, words(3, 10, 1));
        assertThat(java.util.Arrays.copyOfRange(enc.encode(t, "e").features(), 0, 3)).containsExactly(1, 0, 0);
    }

    @Test
    void aOneMegabyteMessageIsTruncatedAndCountedOnce() throws Exception {
        String big = "word ".repeat(200_000);
        TextTable t = TextTable.read(csv("b.csv", "text,label\n\"" + big + "\",spam\nshort,ham\n"), ',', "text", "label");
        TextEncoder enc = t.fit(new int[] {0, 1}, words(50, 10, 1));
        TextEncoder.Encoded e = enc.encode(List.of(t.text(0), t.text(1)));
        assertThat(e.truncated()).isEqualTo(1);
        assertThat(enc.truncationNote(e)).isEqualTo("1 of 2 texts had more than 50 tokens and was truncated to its first 50");
    }

    @Test
    void theTruncationNoteAgreesInNumberWithOneTokenAndOneText() throws Exception {
        TextTable t = TextTable.read(csv("n.csv", "text,label\nbuy now,spam\nsee you,ham\n"), ',', "text", "label");
        TextEncoder one = t.fit(new int[] {0, 1}, words(1, 10, 1));
        assertThat(one.truncationNote(one.encode(List.of("a b", "c d", "e"))))
                .isEqualTo("2 of 3 texts had more than 1 token and were truncated to their first token");
        assertThat(one.truncationNote(one.encode(List.of("a b", "c"))))
                .isEqualTo("1 of 2 texts had more than 1 token and was truncated to its first token");
        TextEncoder many = t.fit(new int[] {0, 1}, words(1_000, 10, 1));
        assertThat(many.truncationNote(many.encode(List.of("w ".repeat(1_001)))))
                .isEqualTo("1 of 1 text had more than 1,000 tokens and was truncated to its first 1,000");
    }

    @Test
    void aBlankLineInAOneColumnFileIsAnEmptyTextAndBetweenRowsOfSeveralColumnsIsRefused() throws Exception {
        // the texts to predict: one row per line, a blank line an empty text (one unknown token), blank lines at the end ignored
        TextTable one = TextTable.read(csv("one.csv", "\ntext\nfoo\n\n  \nbar\n\"\"\n\n\n"), ',', "text", null);
        assertThat(one.rowCount()).isEqualTo(5);
        assertThat(List.of(one.text(0), one.text(1), one.text(2), one.text(3), one.text(4))).containsExactly("foo", "", "", "bar", "");
        assertThat(new int[] {one.line(0), one.line(1), one.line(2), one.line(3), one.line(4)}).containsExactly(3, 4, 5, 6, 7);
        TextTable train = TextTable.read(csv("t.csv", "text,label\nbuy now,spam\nsee you,ham\n"), ',', "text", "label");
        TextEncoder enc = train.fit(new int[] {0, 1}, words(3, 10, 1));
        CsvEncoder.FeatureRows rows = enc.readFeatures(dir.resolve("one.csv"));
        assertThat(rows.rows()).isEqualTo(5);
        assertThat(java.util.Arrays.copyOfRange(rows.features(), 3, 6)).as("a blank line is encoded as \"\"")
                .containsExactly(java.util.Arrays.copyOfRange(rows.features(), 12, 15));

        // several columns: refused as the CSV reader refuses it, at the blank line; blank lines at the end are fine
        assertThatThrownBy(() -> TextTable.read(csv("two.csv", "text,label\nbuy now,spam\n\nsee you,ham\n"), ',', "text", "label"))
                .hasMessageContaining("two.csv line 3, column 1: blank line between data rows; expected 2 fields");
        assertThatThrownBy(() -> TextTable.read(csv("p.csv", "id,text\n1,buy now\n2,see you\n\n\n3,hi\n"), ',', "text", null))
                .hasMessageContaining("p.csv line 4, column 1: blank line between data rows; expected 2 fields");
        assertThat(TextTable.read(csv("end.csv", "text,label\nbuy now,spam\nsee you,ham\n\n\n"), ',', "text", "label").rowCount())
                .isEqualTo(2);
    }

    @Test
    void aNumericColumnNamedAsTextIsRefused() throws Exception {
        Path f = csv("n.csv", "text,value,label\nhi,1.5,a\nho,2,b\n");
        assertThatThrownBy(() -> TextTable.read(f, ',', "value", "label"))
                .hasMessageContaining("column 'value': every value is a number (line 2: '1.5')");
        assertThatThrownBy(() -> TextTable.read(f, ',', "body", "label")).hasMessageContaining("no text column 'body'");
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedWithTheirOffsetAndLine() throws Exception {
        Path f = dir.resolve("latin1.csv");
        Files.write(f, "text,label\ncaf\u00e9 ok,ham\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> TextTable.read(f, ',', "text", "label"))
                .hasMessageContaining("is not a UTF-8 text file: an invalid UTF-8 byte 0xe9 at byte offset 14 (line 2)");
    }

    @Test
    void theEncoderSurvivesWriteAndReadAndReadsFilesToPredict() throws Exception {
        TextTable t = TextTable.read(csv("t.csv", "text,label\nbuy now,spam\nsee you,ham\nbuy cheap now,spam\n"), ',', "text", "label");
        TextEncoder enc = t.fit(new int[] {0, 1, 2}, words(5, 100, 1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        enc.write(new java.io.DataOutputStream(bytes));
        TextEncoder back = (TextEncoder) InputEncoder.read(new ByteArrayInputStream(bytes.toByteArray()));
        assertThat(back.vocabulary()).isEqualTo(enc.vocabulary());
        assertThat(back.classNames()).isEqualTo(enc.classNames());
        CsvEncoder.FeatureRows e = back.readFeatures(csv("p.csv", "text\nbuy it now\n"));
        assertThat(e.features()).containsExactly(enc.id("buy"), 1, enc.id("now"), 0, 0);
        assertThat(e.lines()).containsExactly(2);
    }

    @Test
    void seriesWindowsSplitInTimeOrder() {
        float[] s = new float[20];
        for (int i = 0; i < s.length; i++) {
            s[i] = i;
        }
        Dataset d = SeriesWindows.windows("s", s, 4, 2);
        assertThat(d.size()).isEqualTo(15);
        assertThat(d.featureShape()).containsExactly(4, 1);
        assertThat(java.util.Arrays.copyOfRange(d.features(), 4, 8)).containsExactly(1, 2, 3, 4);
        Split split = SeriesWindows.timeOrderSplit(20, 4, 2, 0.25);
        int lastTrain = split.train()[split.train().length - 1];
        int firstTest = split.test()[0];
        assertThat(lastTrain + 4 + 2).as("training targets end before the test targets start").isLessThanOrEqualTo(firstTest + 4);
        assertThat(split.test()[split.test().length - 1]).isEqualTo(14);
        // a test part too large for one training window: what gives one
        assertThatThrownBy(() -> SeriesWindows.timeOrderSplit(30, 10, 5, 0.8)).hasMessageEndingWith("leaves 0 training and 12 test"
                + " windows; both need at least one: a training window needs 15 values (window + horizon) before the test part, which"
                + " starts at value 15; give a horizon of at most 4, or a test fraction of at most 0.75");
        assertThat(SeriesWindows.timeOrderSplit(30, 10, 5, 0.75).train()).containsExactly(0);
        assertThatThrownBy(() -> SeriesWindows.windows("short", new float[5], 4, 2))
                .hasMessageContaining("series 'short' has 5 values; one window of 4 inputs and 2 targets needs at least 6");
    }

    @Test
    void theSeriesEncoderSurvivesWriteAndReadAndMakesEveryInputWindowOfAFile() throws Exception {
        SeriesEncoder enc = new SeriesEncoder("v", ',', 3, 2);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        enc.write(new java.io.DataOutputStream(bytes));
        SeriesEncoder back = (SeriesEncoder) InputEncoder.read(new ByteArrayInputStream(bytes.toByteArray()));
        assertThat(back).isEqualTo(enc);
        // a label-free file: every window of 3 values, the last ending on the file's last value; blank lines at the end
        // are allowed, a blank line between rows (a gap in the series) is refused with its line
        CsvEncoder.FeatureRows rows = back.readFeatures(csv("p.csv", "t,v\n1,10\n2,11\n3,12\n4, 13\n\n"));
        assertThat(rows.rows()).isEqualTo(2);
        assertThat(rows.features()).containsExactly(10, 11, 12, 11, 12, 13);
        assertThat(rows.lines()).containsExactly(4, 5);
        assertThatThrownBy(() -> back.readFeatures(csv("g.csv", "t,v\n1,10\n2,11\n\n3,12\n4, 13\n")))
                .hasMessageContaining("line 4, column 1: blank line between data rows");
        assertThatThrownBy(() -> back.readFeatures(csv("s.csv", "v\n1\n2\n")))
                .hasMessageContaining("series 'v' in").hasMessageContaining("has 2 values; a forecast reads 3");
        assertThatThrownBy(() -> back.readFeatures(csv("n.csv", "v\n1\n\"2\"\n1e39\n")))
                .hasMessageContaining("line 4, column 'v': '1e39' is not a float32 number");
        assertThatThrownBy(() -> back.readFeatures(csv("e.csv", "t,v\n1,1\n2,\n")))
                .hasMessageContaining("line 3, column 'v': '' is not a number");
        assertThatThrownBy(() -> new SeriesEncoder("v", ',', 0, 1)).hasMessageContaining("window and horizon must be >= 1");
        assertThatThrownBy(() -> SeriesWindows.windows("s", new float[10], 3, 0)).hasMessageContaining("must be >= 1");
    }
    /**
     * A series file's header of one field: a number is a file without a header; a field another separator
     * splits is a file of that separator, said in training words or, for a model's file, naming the
     * training file's separator. Numbers with a decimal comma are read with the decimal mark ','.
     */
    @Test
    void aSeriesHeaderOfOneFieldSaysWhyAndADecimalCommaIsRead() throws Exception {
        Path semi = csv("semi.csv", "t;v\n1;1,5\n2;2,25\n3;3\n");
        assertThatThrownBy(() -> SeriesWindows.read(semi, ',', "v")).hasMessage(semi + " line 1: the header is one column, 't;v';"
                + " its fields look separated by ';', not by ',' — is the separator right?");
        assertThatThrownBy(() -> new SeriesEncoder("v", ',', 1, 1).readFeatures(semi)).hasMessage(semi + " line 1: the header is one"
                + " column, 't;v'; its fields look separated by ';', but the training file's were separated by ','; write the file with ','");
        Path noHeader = csv("nohdr.csv", "0.0126\n0.5\n");
        assertThatThrownBy(() -> SeriesWindows.read(noHeader, ',', "v")).hasMessage(noHeader + " line 1 is a number (0.0126), not a"
                + " header: add a header line naming the column ('v') above the values");
        assertThat(SeriesWindows.read(semi, ';', ',', "v").values()).containsExactly(1.5f, 2.25f, 3f);
        assertThatThrownBy(() -> SeriesWindows.read(semi, ';', "v")).hasMessageContaining("line 2, column 'v': '1,5' is not a number;"
                + " a series column holds one number per row — a decimal comma? set the decimal mark to ','");
        assertThatThrownBy(() -> SeriesWindows.read(csv("pt.csv", "t;v\n1;1.5\n"), ';', ',', "v"))
                .hasMessageContaining("'1.5' is not a number; a series column holds one number per row, written with the decimal mark ','");
        // the encoder keeps its mark: version 2 with a comma, version 1 (readable by an older nntune) with a point
        SeriesEncoder comma = new SeriesEncoder("v", ';', ',', 2, 1);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        comma.write(new java.io.DataOutputStream(bytes));
        SeriesEncoder back = (SeriesEncoder) InputEncoder.read(new ByteArrayInputStream(bytes.toByteArray()));
        assertThat(back).isEqualTo(comma).isNotEqualTo(new SeriesEncoder("v", ';', 2, 1));
        assertThat(back.readFeatures(semi).features()).containsExactly(1.5f, 2.25f, 2.25f, 3f);
        java.io.ByteArrayOutputStream point = new java.io.ByteArrayOutputStream();
        new SeriesEncoder("v", ',', 2, 1).write(new java.io.DataOutputStream(point));
        assertThat(java.nio.ByteBuffer.wrap(point.toByteArray(), 2 + SeriesEncoder.MAGIC.length(), 4).getInt()).isEqualTo(1);
    }

    /**
     * A series row of more or fewer fields than the header (an unquoted comma in a date, {@code Jan
     * 11, 2012}, shifts the columns, so the series value would be read from another column) and a
     * header naming a column twice are refused, as the table reader refuses them, in training and in
     * the files to predict; the text reader refuses a duplicate name too.
     */
    @Test
    void aSeriesRowOfAnotherFieldCountAndADuplicateColumnNameAreRefused() throws Exception {
        Path shifted = csv("d.csv", "date,temp,other\nJan 10 2012,9.5,149\nJan 11, 2012,10.0000,150\n");
        assertThatThrownBy(() -> SeriesWindows.read(shifted, ',', "temp"))
                .hasMessage(shifted + " line 3: 4 fields, the header has 3 (date, temp, other)");
        assertThatThrownBy(() -> SeriesWindows.read(csv("f.csv", "date,temp\nd0,1\nd1\n"), ',', "temp"))
                .hasMessageContaining("line 3: 1 fields, the header has 2 (date, temp)");
        Path dup = csv("dup.csv", "date,temp,temp\nd0,1,2\n");
        assertThatThrownBy(() -> SeriesWindows.read(dup, ',', "temp"))
                .hasMessage(dup + " line 1, column 3: duplicate column name 'temp' (also column 2); expected unique names");
        assertThatThrownBy(() -> new SeriesEncoder("temp", ',', 1, 1).readFeatures(shifted)).hasMessageContaining("4 fields");
        assertThatThrownBy(() -> TextTable.read(csv("t.csv", "text,label,text\na b,x,c\n"), ',', "text", "label"))
                .hasMessageContaining("column 3: duplicate column name 'text' (also column 1)");
    }

    /**
     * A model trained on a file of another separator reads the files it predicts for with that
     * separator (it read them with ',' and found no text column); an encoder saved before the
     * separator was kept (version 1) reads with ','.
     */
    @Test
    void theEncoderReadsPredictionFilesWithItsTrainingFilesSeparator() throws Exception {
        TextTable t = TextTable.read(csv("semi.csv", "text;label\nbuy now, cheap;spam\nsee you;ham\n"), ';', "text", "label");
        TextEncoder enc = t.fit(new int[] {0, 1}, words(4, 10, 1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        enc.write(new java.io.DataOutputStream(bytes));
        TextEncoder back = TextEncoder.read(new java.io.DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        CsvEncoder.FeatureRows rows = back.readFeatures(csv("new.csv", "id;text\n1;cheap now, buy\n2;see\n"));
        assertThat(rows.rows()).isEqualTo(2);
        assertThat(java.util.Arrays.copyOfRange(rows.features(), 0, 4)).containsExactly(enc.id("cheap"), enc.id("now"), enc.id("buy"), 0);
        assertThat(java.util.Arrays.copyOfRange(back.readTexts(csv("new.csv", "id;text\n1;cheap now, buy\n")).ids(), 0, 4))
                .containsExactly(enc.id("cheap"), enc.id("now"), enc.id("buy"), 0);

        // version 1: the same fields without the separator
        ByteArrayOutputStream v1 = new ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(v1);
        out.writeUTF(TextEncoder.MAGIC);
        out.writeInt(1);
        out.writeUTF("WORDS");
        out.writeInt(4);
        out.writeInt(10);
        out.writeInt(1);
        out.writeUTF("text");
        out.writeInt(0);
        out.writeInt(1);
        out.writeUTF("see");
        TextEncoder old = TextEncoder.read(new java.io.DataInputStream(new ByteArrayInputStream(v1.toByteArray())));
        CsvEncoder.FeatureRows commas = old.readFeatures(csv("c.csv", "id,text\n1,see you\n"));
        assertThat(java.util.Arrays.copyOfRange(commas.features(), 0, 2)).containsExactly(2, 1);
    }
}
