package org.nntune.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.nn.data.CsvEncoder;
import org.nntune.nn.data.CsvReader;
import org.nntune.nn.data.MinMaxScaler;
import org.nntune.nn.data.Pipeline;
import org.nntune.nn.data.PixelScaler;
import org.nntune.nn.data.StandardScaler;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.layer.ActivationLayer;
import org.nntune.nn.layer.Recurrent.Readout;
import org.nntune.nn.loss.Loss;
import org.nntune.nn.model.Sequential;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exported files pass ONNX's own validator, {@code onnx.checker.check_model} with
 * {@code full_check=True} (which also runs ONNX's shape inference), from Debian's python3-onnx
 * run by /usr/bin/python3 (.ci/run installs it). One network per kind of layer, activation,
 * preprocessing and output link: the checker looks at the graph, so the weights may be the
 * initial ones. The sequence models too (Embedding, LSTM, GRU, Conv1D with each row's length).
 */
class OnnxCheckerTest {
    @TempDir
    Path dir;

    @Test
    void everyExportedNetworkPassesOnnxChecker() throws Exception {
        float[] four = {1, 2, 3, 4};
        List<Sequential> models = List.of(
                Sequential.builder().input(4).preprocessing(new StandardScaler(four, four))
                        .dense(8, Activation.RELU).batchNorm().dropout(0.5).dense(3).activation(Activation.SOFTMAX).build(),
                Sequential.builder().input(4).preprocessing(new Pipeline(List.of(new PixelScaler(4, 16f), new MinMaxScaler(four, four))))
                        .dense(8, Activation.GELU).dense(8, Activation.ELU).layer(new ActivationLayer(Activation.LEAKY_RELU, 0.1f))
                        .dense(8, Activation.TANH).dense(8, Activation.SIGMOID).dense(1).loss(Loss.binaryCrossEntropy()).build(),
                Sequential.builder().input(4).dense(2).loss(Loss.mse()).build(),
                Sequential.builder().input(1, 12, 12).preprocessing(PixelScaler.of(144))
                        .conv2d(4, 3, 1, 1, Activation.RELU).batchNorm().maxPool2d(2).conv2d(4, 3, 2, 1, Activation.LINEAR)
                        .activation(Activation.SOFTMAX).avgPool2d(2, 1).dropout(0.1).flatten().dense(5).build(),
                Sequential.builder().input(2, 6, 6).conv2d(3, 3, Activation.TANH).dense(4).loss(Loss.mse()).build(),
                // the sequence layers: token ids in, each row's length made in the graph
                Sequential.builder().input(20).embedding(30, 6, 0).lstm(5, 2, true, 0.1, Readout.MAX).dense(2).build(),
                Sequential.builder().input(20).embedding(30, 6, 0).gru(5, 1, true, 0, Readout.MEAN).dense(2).build(),
                Sequential.builder().input(20).embedding(30, 6, 0).gru(4, 1, false, 0, Readout.SEQUENCE)
                        .lstm(4, 1, false, 0, Readout.LAST).dense(2).build(),
                Sequential.builder().input(20).embedding(30, 6, 0).conv1d(4, 3).dense(1).loss(Loss.binaryCrossEntropy()).build(),
                Sequential.builder().input(10, 3).gru(4, 1, false, 0, Readout.LAST).dense(1).loss(Loss.mse()).build(),
                Sequential.builder().input(10, 3).conv1d(4, 2).dense(1).loss(Loss.mse()).build());
        List<String> files = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            Path f = dir.resolve("model" + i + ".onnx");
            OnnxExport.write(models.get(i), f);
            files.add(f.toString());
        }
        // a model trained from CSV with data.missing: mean, its fill values in the graph (IsNaN, Where)
        CsvEncoder encoder = CsvReader.builder().categorical("c").missingValues(CsvReader.MissingPolicy.FILL_MEAN).build()
                .read("gaps.csv", new ByteArrayInputStream("a,c,y\n1,x,p\n,y,q\n3,,p\n".getBytes(StandardCharsets.UTF_8)))
                .encoder();
        Path filled = dir.resolve("filled.onnx");
        OnnxExport.write(Sequential.builder().input(encoder.featureCount()).dense(2).build(), encoder, Map.of(), filled);
        files.add(filled.toString());
        String script = String.join("\n",
                "import sys, onnx",
                "for path in sys.argv[1:]:",
                "    model = onnx.load(path)",
                "    onnx.checker.check_model(model, full_check=True)",
                "    meta = {p.key: p.value for p in model.metadata_props}",
                "    assert 'nntune.not_in_graph' in meta, path",
                "    print('ok', path, model.ir_version, model.opset_import[0].version, len(model.graph.node))");
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c", script));
        command.addAll(files);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("python3 finished in 120 s").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("onnx.checker on the exported models (needs Debian's python3-onnx):%n%s", out).isZero();
        assertThat(out.lines().filter(l -> l.startsWith("ok ")).count()).as(out).isEqualTo(files.size());
        assertThat(Files.list(dir).filter(f -> f.toString().endsWith(".part")).count()).isZero();
    }
}
