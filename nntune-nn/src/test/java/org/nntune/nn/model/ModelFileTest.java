package org.nntune.nn.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.TrainTest;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.loss.Loss;
import org.nntune.nn.optim.Optimizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelFileTest {
    @TempDir
    Path dir;

    private static final TrainTest DIGITS = TestData.canonical(Datasets.digitsImages());

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ModelFileTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void theVersion1GoldenFileLoadsAndPredictsAsWhenItWasWritten() throws IOException {
        Path file = dir.resolve("model-v1.nntm");
        Files.write(file, resource("/golden/model-v1.nntm"));
        Sequential m = Sequential.load(file);
        Map<String, float[]> expected = TorchParityTest.read("/golden/model-v1.expected.txt");
        float[] x = expected.get("x");
        float[] proba = m.outputs(x, x.length / 64);
        TorchParityTest.assertParity(proba, expected.get("proba"), "golden model probabilities");
        // test_accuracy was measured on the engine's former private split; canonical_test_accuracy on
        // the project's canonical split (Splits.canonical), added when the tests moved to it
        assertThat(m.evaluate(DIGITS.test()).accuracy()).isCloseTo(expected.get("canonical_test_accuracy")[0],
                org.assertj.core.api.Assertions.within(1e-6));
        assertThat(m.inputShape()).containsExactly(1, 8, 8);
        assertThat(m.layers()).hasSize(13);
        assertThat(m.parameterCount()).isEqualTo(840);
        assertThat(m.preprocessing().kind()).isEqualTo("identity");
        Provenance p = m.provenance();
        assertThat(p.initSeed()).isEqualTo(5);
        assertThat(p.fitSeed()).isEqualTo(6);
        assertThat(p.dataName()).isEqualTo("digits");
        assertThat(p.dataShape()).containsExactly(1438, 1, 8, 8);
        assertThat(p.dataFingerprint()).hasSize(64);
        assertThat(p.hyperparameters()).containsEntry("optimizer", "adam").containsEntry("epochs_run", "3");
        assertThat(p.nntuneVersion()).isEqualTo("0.1.0-SNAPSHOT");
    }

    @Test
    void everyFormatVersionHasAGoldenFile() {
        // a new format version comes with its golden file (GoldenModelWriter) and a test that loads it, as 1 and 2 have
        for (int v = 1; v <= ModelFile.FORMAT_VERSION; v++) {
            assertThat(ModelFileTest.class.getResource("/golden/model-v" + v + ".nntm")).as("golden file of format version " + v).isNotNull();
            assertThat(ModelFileTest.class.getResource("/golden/model-v" + v + ".expected.txt")).as("its expected values").isNotNull();
        }
    }

    @Test
    void theVersion3GoldenFileLoadsAsAChangeForecasterAndPredictsAsWhenItWasWritten() throws IOException {
        Path file = dir.resolve("model-v3.nntm");
        byte[] bytes = resource("/golden/model-v3.nntm");
        assertThat(ByteBuffer.wrap(bytes, 4, 4).getInt()).as("format version in the header").isEqualTo(3);
        Files.write(file, bytes);
        Sequential m = Sequential.load(file);
        assertThat(m.changeFromLastInput()).isTrue();
        assertThat(m.inputShape()).containsExactly(6, 1);
        Map<String, float[]> expected = TorchParityTest.read("/golden/model-v3.expected.txt");
        float[] x = expected.get("x");
        // forecasts of about 220 from changes of about 2: the last input was added back after the unscaling
        TorchParityTest.assertParity(m.outputs(x, x.length / 6), expected.get("prediction"), "golden forecasts");
        float[] y = expected.get("y");
        float[] p = m.outputs(x, x.length / 6);
        for (int i = 0; i < y.length; i++) {
            assertThat(p[i]).as("forecast %d near its target", i).isCloseTo(y[i], org.assertj.core.api.Assertions.within(6f));
        }
        assertThat(m.provenance().dataName()).isEqualTo("ramp");
    }

    @Test
    void modelsOfEarlierVersionsLoadAsLearningTheTargetsThemselves() throws IOException {
        for (int v = 1; v <= 2; v++) {
            Path file = dir.resolve("model-v" + v + ".nntm");
            Files.write(file, resource("/golden/model-v" + v + ".nntm"));
            assertThat(Sequential.load(file).changeFromLastInput()).as("version %d", v).isFalse();
        }
    }

    @Test
    void theVersion2GoldenFileLoadsWithItsTargetScalingAndPredictsAsWhenItWasWritten() throws IOException {
        Path file = dir.resolve("model-v2.nntm");
        byte[] bytes = resource("/golden/model-v2.nntm");
        assertThat(ByteBuffer.wrap(bytes, 4, 4).getInt()).as("format version in the header").isEqualTo(2);
        Files.write(file, bytes);
        Sequential m = Sequential.load(file);
        Map<String, float[]> expected = TorchParityTest.read("/golden/model-v2.expected.txt");
        float[] x = expected.get("x");
        // the predictions in the target's own units (about 1e4): the scaling of inputs and targets was read and undone
        TorchParityTest.assertParity(m.outputs(x, x.length / 3), expected.get("prediction"), "golden model predictions");
        assertThat(m.targetScaling()).hasValueSatisfying(t -> {
            assertThat(t.mean()).containsExactly(expected.get("target_mean"));
            assertThat(t.scale()).containsExactly(expected.get("target_scale"));
        });
        assertThat(m.preprocessing().kind()).isEqualTo("standard");
        assertThat(m.inputShape()).containsExactly(3);
        assertThat(m.summary()).contains("targets standard-scaled");
        float[] y = expected.get("y");
        float[] p = m.outputs(x, y.length);
        for (int i = 0; i < y.length; i++) {
            assertThat(p[i]).as("prediction %d near its target", i).isCloseTo(y[i], org.assertj.core.api.Assertions.within(1500f));
        }
        Provenance prov = m.provenance();
        assertThat(prov.initSeed()).isEqualTo(8);
        assertThat(prov.fitSeed()).isEqualTo(9);
        assertThat(prov.dataName()).isEqualTo("price-train");
        assertThat(prov.dataShape()).containsExactly(200, 3);
        assertThat(prov.hyperparameters()).containsEntry("optimizer", "adam").containsEntry("epochs_run", "20");
    }

    @Test
    void saveAndLoadGiveTheSameModel() throws IOException {
        Sequential m = GoldenModelWriter.goldenArchitecture();
        m.fit(DIGITS.train(), FitOptions.builder().epochs(1).seed(2).optimizer(Optimizer.rmsProp(0.005f)).build());
        Path file = dir.resolve("m.nntm");
        m.save(file);
        Sequential back = Sequential.load(file);
        assertThat(back.predictProba(DIGITS.test())).isDeepEqualTo(m.predictProba(DIGITS.test()));
        assertThat(back.summary()).isEqualTo(m.summary());
        assertThat(back.provenance()).isEqualTo(m.provenance());
        assertThat(back.weights().values()).hasSameSizeAs(m.weights().values());
        for (int i = 0; i < m.weights().values().size(); i++) {
            assertThat(back.weights().values().get(i)).isEqualTo(m.weights().values().get(i));
        }
        // and the loaded model trains on
        back.fit(DIGITS.train(), FitOptions.builder().epochs(1).build());
    }

    @Test
    void everyLossAndLayerParameterSurvivesTheRoundTrip() throws IOException {
        Dataset reg = Dataset.regression("r", new float[] {1, 2, 3, 4}, new int[] {2}, new float[] {1, 0}, 1, List.of());
        for (Loss loss : List.of(Loss.huber(0.3f), Loss.mae(), Loss.mse(), Loss.binaryCrossEntropy(),
                Loss.softmaxCrossEntropy(new float[] {1f, 3f}))) {
            Sequential m = Sequential.builder().input(2)
                    .layer(new org.nntune.nn.layer.ActivationLayer(Activation.LEAKY_RELU, 0.3f))
                    .dense(loss instanceof org.nntune.nn.loss.SoftmaxCrossEntropy ? 2 : 1).loss(loss).build();
            byte[] bytes = ModelFile.toBytes(m);
            Sequential back = ModelFile.fromBytes(bytes, "mem");
            assertThat(back.loss().toString()).isEqualTo(m.loss().toString());
            assertThat(back.summary()).isEqualTo(m.summary()).contains("leaky_relu(0.3)");
            assertThat(Arrays.equals(ModelFile.toBytes(back), bytes)).isTrue();
        }
        assertThat(reg.size()).isEqualTo(2);
    }

    private byte[] someModel() throws IOException {
        return ModelFile.toBytes(Sequential.builder().input(3).dense(2, Activation.RELU).dense(2).build());
    }

    @Test
    void aDamagedByteIsReportedAsCorruption() throws IOException {
        byte[] b = someModel();
        b[b.length / 2] ^= 0x10;
        assertThatThrownBy(() -> ModelFile.fromBytes(b, "damaged.nntm"))
                .isInstanceOf(ModelFileException.class)
                .hasMessage("damaged.nntm: corrupt model file: checksum mismatch (the content was changed or damaged)");
    }

    @Test
    void aTruncatedFileSaysSo() throws IOException {
        byte[] b = someModel();
        assertThatThrownBy(() -> ModelFile.fromBytes(Arrays.copyOf(b, b.length - 7), "cut.nntm"))
                .isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith("cut.nntm: truncated model file: " + (b.length - 7) + " bytes, the header announces " + b.length);
        assertThatThrownBy(() -> ModelFile.fromBytes(Arrays.copyOf(b, 10), "tiny.nntm"))
                .hasMessageContaining("truncated model file");
        Path file = dir.resolve("cut.nntm");
        Files.write(file, Arrays.copyOf(b, b.length - 1));
        assertThatThrownBy(() -> Sequential.load(file)).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(file + ": truncated");
    }

    @Test
    void aNewerFormatVersionIsRefusedWithAnUpgradeHint() throws IOException {
        byte[] b = someModel();
        ByteBuffer.wrap(b).putInt(4, ModelFile.FORMAT_VERSION + 1);
        assertThatThrownBy(() -> ModelFile.fromBytes(b, "future.nntm"))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("future.nntm: model file format version " + (ModelFile.FORMAT_VERSION + 1)
                        + " was written by a newer nntune")
                .hasMessageContaining("reads versions up to " + ModelFile.FORMAT_VERSION + ". Upgrade nntune");
    }

    @Test
    void otherFilesAreNotTakenForModels() throws IOException {
        assertThatThrownBy(() -> ModelFile.fromBytes("sepal_length,sepal_width\n".getBytes(), "iris.csv"))
                .isInstanceOf(ModelFileException.class).hasMessage("iris.csv: not an nntune model file (it does not start with \"NNTM\")");
        assertThatThrownBy(() -> ModelFile.fromBytes(new byte[0], "empty")).hasMessageContaining("not an nntune model file");
        byte[] b = someModel();
        byte[] longer = Arrays.copyOf(b, b.length + 3);
        assertThatThrownBy(() -> ModelFile.fromBytes(longer, "long.nntm")).hasMessageContaining("3 bytes after the end");
        assertThatThrownBy(() -> Sequential.load(dir.resolve("missing.nntm"))).isInstanceOf(java.nio.file.NoSuchFileException.class)
                .hasMessageContaining("missing.nntm");
    }

    @Test
    void loadingADirectoryNamesIt() {
        // was a bare "IOException: Is a directory"
        assertThatThrownBy(() -> Sequential.load(dir)).isInstanceOf(IOException.class)
                .hasMessage(dir + " is a directory; expected a model file (one written by Sequential.save)");
    }

    @Test
    void aConsistentChecksumOverBadContentIsStillCaught() throws IOException {
        // rewrite a layer kind inside the payload and fix the checksum: the reader names the unknown kind
        byte[] b = someModel();
        String s = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = s.indexOf("dense");
        b[at] = 'x';
        int len = (int) ByteBuffer.wrap(b).getLong(8);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b, 16, len);
        ByteBuffer.wrap(b).putInt(16 + len, (int) crc.getValue());
        assertThatThrownBy(() -> ModelFile.fromBytes(b, "odd.nntm")).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("odd.nntm: corrupt model file: unknown layer kind 'xense'");
    }
}
