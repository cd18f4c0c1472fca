package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The text source's bad input as a user meets it, from {@code tune} to {@code predict}: a text
 * model trained with an empty message and a 1 MB one (the cut said once), then asked about an empty
 * message, one whose every word is unknown and a 1 MB one (one answer each, the cut said once on
 * stderr), and about a file that is not UTF-8 (refused, exit code 3, with its line); blank lines: an
 * empty text in a file of one column (one answer per line), refused between the rows of a file of
 * several columns (to predict or to train on), ignored at the end of a file.
 */
class TextBadInputTest {

    @Test
    void aTextColumnThatIsTheLabelOrReadByAnotherFamilyIsRefusedAtItsLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("t.csv"), "text,label\nbuy cheap pills now,spam\nsee you at lunch,ham\n");
        String study = """
                study: text
                data: {csv: t.csv, text: text, label: label}
                model: {family: rnn, space: {epochs: 1}}
                budget: {trials: 1}
                """;
        Path file = dir.resolve("t.yaml");
        Files.writeString(file, study.replace("text: text", "text: label"));
        CliTest.Result leak = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(leak.code()).as(leak.err()).isEqualTo(ExitCode.USAGE);
        assertThat(leak.err()).contains("t.yaml, line 2, key 'data.text': the text column 'label' is also the label");
        Files.writeString(file, study.replace("family: rnn", "family: mlp"));
        CliTest.Result mlp = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(mlp.code()).as(mlp.err()).isEqualTo(ExitCode.USAGE);
        assertThat(mlp.err()).contains("t.yaml, line 3, key 'model.family': a text column (data.text) is read by family rnn")
                .contains("not mlp");
        Files.writeString(file, study.replace("budget:", "task: regression\nbudget:"));
        CliTest.Result regression = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(regression.code()).as(regression.err()).isEqualTo(ExitCode.USAGE);
        assertThat(regression.err()).contains("t.yaml, line 4, key 'task': a text column ('data.text') is classified");
    }

    @Test
    void emptyAllUnknownHugeAndNonUtf8MessagesFromTuneToPredict(@TempDir Path dir) throws Exception {
        String huge = "cheap ".repeat(200_000); // 1.2 MB in one cell
        StringBuilder csv = new StringBuilder("text,label\n");
        for (int i = 0; i < 12; i++) {
            csv.append(i % 2 == 0 ? "buy cheap pills now,spam\n" : "see you at lunch,ham\n");
        }
        csv.append("\"\",ham\n").append('"').append(huge).append("\",spam\n");
        CliTest.Result tuned = tuneSmallGru(dir, csv);
        assertThat(tuned.code()).as(tuned.err()).isZero();
        assertThat(count(tuned.out(), "truncated")).as(tuned.out()).isEqualTo(1);
        assertThat(tuned.out()).contains("1 of 14 texts had more than 8 tokens and was truncated to its first 8");

        Path model = dir.resolve("t-results/best.model");
        Path ask = dir.resolve("ask.csv");
        Files.writeString(ask, "text\n\"\"\nzyx qwv plugh\n\"" + huge + "\"\n\"" + huge + "\"\n");
        CliTest.Result pred = CliTest.run("predict", model.toString(), ask.toString());
        assertThat(pred.code()).as(pred.err()).isZero();
        List<String> lines = pred.out().lines().toList();
        assertThat(lines).hasSize(1 + 4);
        assertThat(lines.subList(1, 5)).allSatisfy(l -> assertThat(l).isIn("spam", "ham"));
        assertThat(count(pred.err(), "truncated")).as(pred.err()).isEqualTo(1);
        assertThat(pred.err()).contains("2 of 4 texts had more than 8 tokens");

        Files.write(ask, "text\ncaf\u00e9 now\n".getBytes(StandardCharsets.ISO_8859_1));
        CliTest.Result latin1 = CliTest.run("predict", model.toString(), ask.toString());
        assertThat(latin1.code()).isEqualTo(ExitCode.DATA);
        assertThat(latin1.err()).contains("is not a UTF-8 text file").contains("line 2");
    }

    @Test
    void everyLineOfAOneColumnFileGetsItsPredictionAndABlankLineBetweenRowsOfSeveralIsRefused(@TempDir Path dir) throws Exception {
        CliTest.Result tuned = tuneSmallGru(dir, "text,label\n" + "buy cheap pills now,spam\nsee you at lunch,ham\n".repeat(6) + "\n\n");
        assertThat(tuned.code()).as("blank lines at the end of a training file are fine: " + tuned.err()).isZero();
        Path model = dir.resolve("t-results/best.model");

        Path blank = dir.resolve("blank.csv");
        Files.writeString(blank, "text\nfoo\n\nbar\n\"\"\n\n");
        CliTest.Result pred = CliTest.run("predict", model.toString(), blank.toString(), "--proba");
        assertThat(pred.code()).as(pred.err()).isZero();
        List<String> lines = pred.out().lines().toList();
        assertThat(lines).as("a header, then foo, the blank line, bar and \"\"; the last blank line ends the file").hasSize(1 + 4);
        assertThat(lines.get(2)).as("a blank line is an empty text").isEqualTo(lines.get(4));

        Files.writeString(blank, "text,id\nfoo,1\n\nbar,2\n");
        CliTest.Result two = CliTest.run("predict", model.toString(), blank.toString());
        assertThat(two.code()).as(two.err()).isEqualTo(ExitCode.DATA);
        assertThat(two.err()).contains("blank.csv line 3, column 1: blank line between data rows; expected 2 fields");
        assertThat(two.out()).isEmpty();

        Files.writeString(dir.resolve("t.csv"), "text,label\nbuy cheap pills now,spam\n\n"
                + "see you at lunch,ham\nbuy cheap pills now,spam\n".repeat(6));
        CliTest.Result train = CliTest.run("tune", dir.resolve("t.yaml").toString(), "--dry-run");
        assertThat(train.code()).as(train.err()).isEqualTo(ExitCode.DATA);
        assertThat(train.err()).contains("t.csv line 3, column 1: blank line between data rows; expected 2 fields");
    }

    @Test
    void aMinimumCountNoWordReachesIsRefusedAtItsLineAndAHandfulOfWordsIsAWarning(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("t.csv"), "text,label\n" + "buy cheap pills now,spam\nsee you at lunch,ham\n".repeat(3));
        String study = """
                study: text
                data:
                  csv: t.csv
                  text: text
                  label: label
                  min_count: 1000
                  test_fraction: 0
                model: {family: rnn, space: {epochs: 1}}
                budget: {trials: 1}
                """;
        Path file = dir.resolve("t.yaml");
        Files.writeString(file, study);
        CliTest.Result none = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(none.code()).as(none.err()).isEqualTo(ExitCode.USAGE);
        assertThat(none.err()).contains("t.yaml, line 6, key 'data.min_count': ")
                .contains("the 6 training texts have 8 distinct words, the most frequent occurring 3 times;"
                        + " none occurs the 1,000 times the minimum count asks")
                .contains("(give at most 3, the count of the most frequent word)");

        Files.writeString(dir.resolve("t.csv"), "text,label\nbuy cheap pills now,spam\nsee you at lunch,ham\n");
        Files.writeString(file, study.replace("  min_count: 1000\n", ""));
        CliTest.Result byDefault = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(byDefault.code()).as(byDefault.err()).isEqualTo(ExitCode.USAGE);
        assertThat(byDefault.err()).as("the default count 2, named at the data section (its first line)")
                .contains("t.yaml, line 3, key 'data.min_count': ").contains("none occurs the 2 times");

        Files.writeString(dir.resolve("t.csv"), "text,label\n" + "buy cheap pills now,spam\nsee you at lunch,ham\n".repeat(3)
                + "buy now,spam\n");
        Files.writeString(file, study.replace("min_count: 1000", "min_count: 4"));
        CliTest.Result few = CliTest.run("tune", file.toString(), "--dry-run");
        assertThat(few.code()).as(few.err()).isZero();
        assertThat(few.out()).contains("warning: " + file + ", line 6, key 'data.min_count': only 2 words of the training texts"
                + " occur 4 times or more (buy, now); every other word reads as unknown");
    }

    @Test
    void oneTokenAtMostIsSaidInTheSingular(@TempDir Path dir) throws Exception {
        CliTest.Result dry = dryRun(dir, "max_length: 1, min_count: 1");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("(words, 4-token vocabulary, 1 token at most); note: 6 of 6 texts had more than 1 token"
                + " and were truncated to their first token,");
    }

    @Test
    void aStudyFilesVocabSizeCountsIdsWithPaddingAndUnknown(@TempDir Path dir) throws Exception {
        // vocab_size: 5 is 3 words (TextEncoder.Options' maxVocabulary 3) of the 8 the texts have
        CliTest.Result dry = dryRun(dir, "vocab_size: 5, min_count: 1");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("(words, 5-token vocabulary, 200 tokens at most)");
    }

    /**
     * A text model copied without its encoder would read the file's cells as token ids (a text is
     * "not a number", a number an id it never saw, 3.7 an error of the engine, exit 1): predict says
     * what is missing instead, exit code 3, whatever the file holds.
     */
    @Test
    void aTextModelWithoutItsEncoderIsNamedWithTheMissingFile(@TempDir Path dir) throws Exception {
        CliTest.Result tuned = tuneSmallGru(dir, "text,label\n" + "buy cheap pills now,spam\nsee you at lunch,ham\n".repeat(6));
        assertThat(tuned.code()).as(tuned.err()).isZero();
        Path copy = dir.resolve("copy.model");
        Files.copy(dir.resolve("t-results/best.model"), copy);
        Path texts = dir.resolve("texts.csv");
        Files.writeString(texts, "text\n\"great love\"\n");
        Path numbers = dir.resolve("numbers.csv");
        Files.writeString(numbers, (String.join(",", java.util.Collections.nCopies(8, "3.7")) + "\n").repeat(2));
        for (Path input : List.of(texts, numbers)) {
            CliTest.Result pred = CliTest.run("predict", copy.toString(), input.toString());
            assertThat(pred.code()).as(pred.err()).isEqualTo(ExitCode.DATA);
            assertThat(pred.err()).contains(copy + ": this is a text model; its encoder copy.model.csv-encoder is missing (tune and"
                    + " best --model write it beside the model").doesNotContain("expected a number", "token id");
        }
    }

    /** Six texts of 8 distinct words as t.csv, a study of them with these data keys as t.yaml, checked by tune --dry-run. */
    private static CliTest.Result dryRun(Path dir, String dataKeys) throws java.io.IOException {
        Files.writeString(dir.resolve("t.csv"), "text,label\n" + "buy cheap pills now,spam\nsee you at lunch,ham\n".repeat(3));
        Path file = dir.resolve("t.yaml");
        Files.writeString(file, """
                study: text
                data: {csv: t.csv, text: text, label: label, %s, test_fraction: 0}
                model: {family: rnn, space: {epochs: 1}}
                budget: {trials: 1}
                """.formatted(dataKeys));
        return CliTest.run("tune", file.toString(), "--dry-run");
    }

    /** Writes {@code csv} as t.csv and a one-trial, one-epoch GRU study of it as t.yaml, then tunes it. */
    private static CliTest.Result tuneSmallGru(Path dir, CharSequence csv) throws java.io.IOException {
        Files.writeString(dir.resolve("t.csv"), csv);
        Path file = dir.resolve("t.yaml");
        Files.writeString(file, """
                study: text
                seed: 1
                data: {csv: t.csv, text: text, label: label, max_length: 8, min_count: 1, test_fraction: 0}
                validation: {method: holdout, fraction: 0.25}
                model: {family: rnn, space: {epochs: 1, embedding: 8, hidden_size: 8, cell: gru}}
                budget: {trials: 1}
                """);
        return CliTest.run("tune", file.toString(), "--progress", "none");
    }

    private static int count(String text, String word) {
        int n = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
            n++;
        }
        return n;
    }
}
