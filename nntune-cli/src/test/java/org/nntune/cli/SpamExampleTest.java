package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * examples/spam.yaml as written (run on a copy, so that no results land in examples/), then the
 * README's predict command on examples/messages.csv; and the text source's bad input at the CLI.
 */
class SpamExampleTest {
    private static final Path EXAMPLES = Path.of("..", "examples");

    @Test
    void theSpamExampleTunesAndItsBestModelClassifiesRawMessages(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.copy(EXAMPLES.resolve("spam.yaml"), dir.resolve("spam.yaml"));
        Files.copy(EXAMPLES.resolve("data/spam-sample.csv.gz"), dir.resolve("data/spam-sample.csv.gz"));
        CliTest.Result tuned = CliTest.run("tune", dir.resolve("spam.yaml").toString(), "--progress", "none");
        assertThat(tuned.code()).as(tuned.err()).isZero();
        assertThat(tuned.out()).contains("text column 'text'").contains("test accuracy:");
        Path model = dir.resolve("spam-results/best.model");
        CliTest.Result pred = CliTest.run("predict", model.toString(), EXAMPLES.resolve("messages.csv").toString());
        assertThat(pred.code()).as(pred.err()).isZero();
        List<String> lines = pred.out().lines().toList();
        assertThat(lines).hasSize(1 + 4);
        assertThat(lines.get(0)).isEqualTo("prediction");
        assertThat(lines.subList(1, 5)).allSatisfy(l -> assertThat(l).isIn("spam", "ham"));
        CliTest.Result proba = CliTest.run("predict", model.toString(), EXAMPLES.resolve("messages.csv").toString(), "--proba");
        assertThat(proba.out().lines().findFirst().orElseThrow()).isEqualTo("p_ham,p_spam");
        // the export carries the tokenizer and vocabulary that turn raw text into the graph's token ids
        Path onnx = dir.resolve("spam.onnx");
        CliTest.Result export = CliTest.run("export", model.toString(), "--onnx", onnx.toString());
        assertThat(export.code()).as(export.err()).isZero();
        String bytes = new String(Files.readAllBytes(onnx), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(bytes).contains("nntune.text.vocabulary").contains("nntune.text.tokenizer").contains("nntune.text.tokenizer_rule").contains("lower-case the text")
                .contains("nntune.class_names").contains("int64 [batch, 60], token ids");
    }

    private static final String STUDY = """
            study: text
            data:
              csv: t.csv
              text: %s
              label: label
              %s
            model:
              family: rnn
              space: {epochs: 1, embedding: 16, hidden_size: 16}
            budget: {trials: 1}
            """;

    @Test
    void badTextInputIsNamed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("t.csv"), "text,size,label\nhello there,1.5,a\nbuy now,2,b\nsee you,3,a\ncheap pills,4,b\n");
        Path file = dir.resolve("t.yaml");
        Files.writeString(file, STUDY.formatted("size", ""));
        CliTest.Result numeric = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(numeric.code()).isEqualTo(3);
        assertThat(numeric.err()).contains("column 'size': every value is a number");

        Files.writeString(file, STUDY.formatted("text", "categorical: [size]"));
        CliTest.Result both = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("line 6").contains("data.categorical");

        Files.writeString(dir.resolve("latin1.csv"), "");
        Files.write(dir.resolve("t.csv"), "text,label\ncaf\u00e9,a\nthe,b\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Files.writeString(file, STUDY.formatted("text", ""));
        CliTest.Result latin1 = CliTest.run("tune", file.toString(), "--progress", "none");
        assertThat(latin1.code()).isEqualTo(3);
        assertThat(latin1.err()).contains("is not a UTF-8 text file").contains("line 2");
    }
}
