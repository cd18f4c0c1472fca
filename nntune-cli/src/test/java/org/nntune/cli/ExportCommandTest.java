package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.model.Sequential;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code nntune export MODEL --onnx FILE}: the file, and bad models with their exit codes and nothing written. */
class ExportCommandTest {
    @TempDir
    Path dir;

    @Test
    void exportsAModelAndRefusesBadOnes() throws Exception {
        Path model = dir.resolve("best.model");
        Sequential.builder().input(4).dense(6, Activation.RELU).dense(3).seed(1).build().save(model);
        Path onnx = dir.resolve("iris.onnx");
        CliTest.Result ok = CliTest.run("export", model.toString(), "--onnx", onnx.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("exported").contains("iris.onnx");
        byte[] bytes = Files.readAllBytes(onnx);
        // ModelProto field 1 (ir_version, a varint) = 7, then the producer name
        assertThat(bytes[0]).isEqualTo((byte) 0x08);
        assertThat(bytes[1]).isEqualTo((byte) 7);
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).contains("nntune.not_in_graph").contains("Gemm").contains("Softmax")
                .doesNotContain("nntune.class_names");
        // the class names tune writes beside a model of bundled data (predict prints them) go into the ONNX file too
        // as a JSON array: a name may hold a comma, which a comma-joined list could not tell from two names
        Files.writeString(org.nntune.cli.run.ModelFiles.classNamesFile(model), "setosa\nversicolor, wild\nvirginica\n");
        assertThat(CliTest.run("export", model.toString(), "--onnx", onnx.toString()).code()).isZero();
        assertThat(new String(Files.readAllBytes(onnx), StandardCharsets.ISO_8859_1)).contains("nntune.class_names")
                .contains("[\"setosa\",\"versicolor, wild\",\"virginica\"]");
        Files.delete(org.nntune.cli.run.ModelFiles.classNamesFile(model));

        byte[] whole = Files.readAllBytes(model);
        Path truncated = dir.resolve("truncated.model");
        Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));
        Path out = dir.resolve("t.onnx");
        CliTest.Result bad = CliTest.run("export", truncated.toString(), "--onnx", out.toString());
        assertThat(bad.code()).isEqualTo(ExitCode.DATA);
        assertThat(bad.err()).contains("truncated.model").contains("truncated model file");
        assertThat(out).doesNotExist();

        CliTest.Result missing = CliTest.run("export", dir.resolve("nope.model").toString(), "--onnx", out.toString());
        assertThat(missing.code()).isEqualTo(ExitCode.DATA);
        assertThat(missing.err()).contains("nope.model").contains("no such model file");

        CliTest.Result usage = CliTest.run("export", model.toString());
        assertThat(usage.code()).isEqualTo(ExitCode.USAGE);
        assertThat(usage.err()).contains("--onnx");
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("best.model", "iris.onnx", "truncated.model");
        }

        // a missing folder is made, as report -o and best --export make theirs
        Path nested = dir.resolve("exports/onnx/iris.onnx");
        CliTest.Result made = CliTest.run("export", model.toString(), "--onnx", nested.toString());
        assertThat(made.code()).as(made.err()).isZero();
        assertThat(nested).exists();
        // a path through a file: one line saying why, no Java exception's name, no temporary file's
        CliTest.Result through = CliTest.run("export", model.toString(), "--onnx", dir.resolve("best.model/x.onnx").toString());
        assertThat(through.code()).isEqualTo(ExitCode.OTHER);
        assertThat(through.err()).contains("cannot write " + dir.resolve("best.model/x.onnx") + ": a file of that name is in the way")
                .doesNotContain("Exception", ".part", "\tat ");
    }
}
