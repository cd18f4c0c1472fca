package org.nntune.nn.model;

import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.TrainTest;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.optim.Optimizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the golden model file of the current format version and its expected predictions, for
 * {@link ModelFileTest}. Run once per new format version (never to refresh an existing one). Each
 * version's file holds what that version added: version 1 a convolutional classifier of the
 * digits (every layer kind of its time), version 2 a regression network whose targets are
 * standard-scaled inside the model, with standard-scaled inputs (the target scaling is what
 * version 2 added), version 3 a GRU forecaster of a noisy ramp that learns each value's change
 * from the window's last value (the change target is what version 3 added).
 *
 * <pre>
 * ./mvnw -q test-compile -pl nntune-nn
 * java -cp nntune-nn/target/classes:nntune-nn/target/test-classes org.nntune.nn.model.GoldenModelWriter nntune-nn/src/test/resources/golden
 * </pre>
 */
public final class GoldenModelWriter {
    private GoldenModelWriter() {}

    static Sequential goldenArchitecture() {
        return Sequential.builder().input(1, 8, 8)
                .conv2d(4, 3, 1, 1, Activation.RELU).batchNorm().maxPool2d(2)
                .conv2d(6, 3, 1, 1, Activation.TANH).avgPool2d(2).flatten()
                .dense(16, Activation.ELU).dropout(0.1f).dense(10, Activation.SOFTMAX).seed(5).build();
    }

    /** Version 2's golden network: inputs and targets standard-scaled by the model itself. */
    static Sequential goldenRegression(org.nntune.nn.data.Dataset train) {
        return Sequential.builder().input(3).dense(12, Activation.TANH).dense(1).loss(org.nntune.nn.loss.Loss.mse())
                .preprocessing(org.nntune.nn.data.StandardScaler.fit(train))
                .targetScaling(org.nntune.nn.data.StandardScaler.fitTargets(train)).seed(8).build();
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        String name = "model-v" + ModelFile.FORMAT_VERSION;
        if (Files.exists(dir.resolve(name + ".nntm"))) {
            throw new IllegalStateException(dir.resolve(name + ".nntm") + " exists: golden files are never rewritten");
        }
        if (ModelFile.FORMAT_VERSION == 2) {
            writeVersion2(dir, name);
            return;
        }
        if (ModelFile.FORMAT_VERSION == 3) {
            writeVersion3(dir, name);
            return;
        }
        TrainTest s = TestData.canonical(Datasets.digitsImages());
        Sequential m = goldenArchitecture();
        m.fit(s.train(), FitOptions.builder().epochs(3).batchSize(32).seed(6).optimizer(Optimizer.adam(0.01f)).build());
        m.save(dir.resolve(name + ".nntm"));
        var probe = s.test().subset(new int[] {0, 1, 2, 3, 4, 5, 6, 7});
        float[][] p = m.predictProba(probe);
        List<String> lines = new ArrayList<>();
        lines.add("# inputs and predicted probabilities of " + name + ".nntm, written by GoldenModelWriter");
        lines.add(line("x", probe.features()));
        float[] flat = new float[p.length * p[0].length];
        for (int i = 0; i < p.length; i++) {
            System.arraycopy(p[i], 0, flat, i * p[0].length, p[0].length);
        }
        lines.add(line("proba", flat));
        lines.add(line("canonical_test_accuracy", new float[] {(float) m.evaluate(s.test()).accuracy()}));
        Files.write(dir.resolve(name + ".expected.txt"), lines);
        System.out.println(m.summary() + "\n" + m.provenance());
    }

    /** Version 2: a regression network on a price-like target (mean 1e4), inputs and targets scaled by the model. */
    private static void writeVersion2(Path dir, String name) throws IOException {
        org.nntune.nn.data.Dataset train = TargetScalingTest.priceLike("price-train", 200, 11);
        org.nntune.nn.data.Dataset probe = TargetScalingTest.priceLike("price-probe", 8, 12);
        Sequential m = goldenRegression(train);
        m.fit(train, FitOptions.builder().epochs(20).batchSize(16).seed(9).optimizer(Optimizer.adam(0.01f)).build());
        m.save(dir.resolve(name + ".nntm"));
        float[] out = m.outputs(probe.features(), probe.size());
        List<String> lines = new ArrayList<>();
        lines.add("# inputs, targets and predicted values of " + name + ".nntm, written by GoldenModelWriter");
        lines.add(line("x", probe.features()));
        lines.add(line("y", probe.targets()));
        lines.add(line("prediction", out));
        lines.add(line("target_mean", m.targetScaling().orElseThrow().mean()));
        lines.add(line("target_scale", m.targetScaling().orElseThrow().scale()));
        Files.write(dir.resolve(name + ".expected.txt"), lines);
        System.out.println(m.summary() + "\n" + m.provenance());
    }

    /** Version 3's golden network: a GRU forecaster of changes from the window's last value, inputs and changes scaled. */
    static Sequential goldenChange(org.nntune.nn.data.Dataset train) {
        return Sequential.builder().input(6, 1).gru(6, 1, false, 0.0, org.nntune.nn.layer.Recurrent.Readout.LAST).dense(2)
                .loss(org.nntune.nn.loss.Loss.mse()).preprocessing(org.nntune.nn.data.StandardScaler.fit(train)).changeFromLastInput()
                .targetScaling(org.nntune.nn.data.StandardScaler.fitTargetChanges(train)).seed(10).build();
    }

    /** Version 3: windows of 6 values of a noisy ramp forecasting the next 2, as changes from the last value. */
    private static void writeVersion3(Path dir, String name) throws IOException {
        float[] series = ChangeTargetTest.ramp(120, 13);
        org.nntune.nn.data.Dataset all = org.nntune.nn.data.SeriesWindows.windows("ramp", series, 6, 2,
                org.nntune.nn.data.SeriesWindows.Target.CHANGE);
        org.nntune.nn.data.Split split = org.nntune.nn.data.SeriesWindows.timeOrderSplit(series.length, 6, 2, 0.1);
        org.nntune.nn.data.Dataset train = split.train(all);
        org.nntune.nn.data.Dataset probe = split.test(all).subset(new int[] {0, 1, 2, 3, 4, 5, 6, 7});
        Sequential m = goldenChange(train);
        m.fit(train, FitOptions.builder().epochs(20).batchSize(16).seed(11).optimizer(Optimizer.adam(0.01f)).build());
        m.save(dir.resolve(name + ".nntm"));
        float[] out = m.outputs(probe.features(), probe.size());
        List<String> lines = new ArrayList<>();
        lines.add("# inputs, targets and forecasts of " + name + ".nntm, written by GoldenModelWriter");
        lines.add(line("x", probe.features()));
        lines.add(line("y", probe.targets()));
        lines.add(line("prediction", out));
        Files.write(dir.resolve(name + ".expected.txt"), lines);
        System.out.println(m.summary() + "\n" + m.provenance());
    }

    private static String line(String name, float[] v) {
        StringBuilder sb = new StringBuilder(name).append(' ').append(v.length);
        for (float f : v) {
            sb.append(' ').append(f);
        }
        return sb.toString();
    }
}
