package org.nntune.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.nn.data.FittedTransform;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.layer.Layer;
import org.nntune.nn.layer.Pass;
import org.nntune.nn.model.ModelFileException;
import org.nntune.nn.model.Sequential;

import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad input: a clear message, and neither a half-written file nor a changed one left behind. */
class OnnxExportFailureTest {
    @TempDir
    Path dir;

    private Path savedModel() throws Exception {
        Path model = dir.resolve("m.model");
        Sequential.builder().input(4).dense(5, Activation.RELU).dense(3).seed(1).build().save(model);
        return model;
    }

    @Test
    void exportFileWritesAModelThatOnnxRuntimeRuns() throws Exception {
        Path onnx = dir.resolve("m.onnx");
        Sequential model = OnnxExport.exportFile(savedModel(), onnx);
        float[] x = {5.1f, 3.5f, 1.4f, 0.2f};
        float[] expected = model.outputs(x, 1);
        float[][] actual = OnnxRuntimeTest.run(Files.readAllBytes(onnx), x, 1, 4);
        for (int j = 0; j < 3; j++) {
            assertThat((double) actual[0][j]).isCloseTo(expected[j], org.assertj.core.data.Offset.offset(1e-5));
        }
        assertOnly(onnx.getFileName().toString(), "m.model");
    }

    /** An exported file is an ordinary file of the user, like a saved model: not a temporary file's owner-only 0600. */
    @Test
    void theExportedFileGetsTheSamePermissionsAsASavedModel() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"),
                "a POSIX file system");
        Path model = savedModel();
        Path onnx = dir.resolve("m.onnx");
        OnnxExport.exportFile(model, onnx);
        assertThat(Files.getPosixFilePermissions(onnx)).isEqualTo(Files.getPosixFilePermissions(model))
                .isEqualTo(Files.getPosixFilePermissions(Files.writeString(dir.resolve("plain.txt"), "x")));
    }

    @Test
    void aFailedWriteNamesTheOnnxFileNotATemporaryOne() throws Exception {
        Sequential model = Sequential.builder().input(4).dense(3).seed(1).build();
        Path onnx = dir.resolve("nope").resolve("m.onnx");
        assertThatThrownBy(() -> OnnxExport.write(model, onnx)).isInstanceOf(java.nio.file.NoSuchFileException.class)
                .hasMessage("cannot write " + onnx + ": its folder does not exist");
        assertOnly();
    }

    @Test
    void truncatedModelFile() throws Exception {
        Path model = savedModel();
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, Arrays.copyOf(bytes, bytes.length - 10));
        Path onnx = dir.resolve("m.onnx");
        assertThatThrownBy(() -> OnnxExport.exportFile(model, onnx))
                .isInstanceOf(ModelFileException.class).hasMessageContaining("truncated model file");
        assertOnly("m.model");
    }

    @Test
    void modelFileOfANewerFormatVersion() throws Exception {
        Path model = savedModel();
        byte[] bytes = Files.readAllBytes(model);
        ByteBuffer.wrap(bytes).putInt(4, 99);
        Files.write(model, bytes);
        assertThatThrownBy(() -> OnnxExport.exportFile(model, dir.resolve("m.onnx")))
                .isInstanceOf(ModelFileException.class).hasMessageContaining("version 99 was written by a newer nntune");
        assertOnly("m.model");
    }

    @Test
    void unsupportedLayerLeavesAnExistingFileUnchanged() throws Exception {
        Sequential model = Sequential.builder().input(4).dense(5).layer(new Doubling()).dense(3).build();
        Path onnx = dir.resolve("m.onnx");
        Files.writeString(onnx, "an earlier export");
        assertThatThrownBy(() -> OnnxExport.write(model, onnx))
                .isInstanceOf(OnnxExportException.class)
                .hasMessageContaining("layer 2 (doubling) cannot be exported to ONNX")
                .hasMessageContaining("dense, conv2d");
        assertThat(Files.readString(onnx)).isEqualTo("an earlier export");
        assertOnly("m.onnx");
    }

    @Test
    void preprocessingBeforeAnEmbeddingIsRefused() throws Exception {
        Sequential model = Sequential.builder().input(12).preprocessing(new org.nntune.nn.data.PixelScaler(12, 2f))
                .embedding(50, 8, 0).lstm(6, 1, false, 0, org.nntune.nn.layer.Recurrent.Readout.LAST).dense(3).build();
        assertThatThrownBy(() -> OnnxExport.write(model, dir.resolve("m.onnx")))
                .isInstanceOf(OnnxExportException.class)
                .hasMessageContaining("preprocessing ('pixel') before an embedding cannot be exported")
                .hasMessageContaining("the graph's input is token ids, which only a token limit");
        assertOnly();
    }

    @Test
    void unsupportedPreprocessing() throws Exception {
        FittedTransform squash = new FittedTransform() {
            @Override public String kind() { return "squash"; }
            @Override public void transform(float[] x, int off, int rows) { }
            @Override public int featureCount() { return 4; }
            @Override public void writeParameters(DataOutputStream out) { }
        };
        Sequential model = Sequential.builder().input(4).preprocessing(squash).dense(3).build();
        assertThatThrownBy(() -> OnnxExport.write(model, dir.resolve("m.onnx")))
                .isInstanceOf(OnnxExportException.class).hasMessageContaining("preprocessing ('squash') cannot be expressed in ONNX");
        assertOnly();
    }

    private void assertOnly(String... names) throws Exception {
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder(names);
        }
    }

    /** A user's own layer, which ONNX export does not know. */
    private static final class Doubling extends Layer {
        @Override protected int[] configure(int[] in) { return in; }
        @Override public String kind() { return "doubling"; }
        @Override public void writeConfig(DataOutputStream out) { }
        @Override public void forward(float[] x, float[] y, int n, Cache cache, Pass pass) {
            for (int i = 0; i < n * inputSize(); i++) {
                y[i] = 2 * x[i];
            }
        }
        @Override public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache) { }
    }
}
