package org.nntune.nn.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.layer.Initializer;
import org.nntune.nn.layer.Param;
import org.nntune.nn.layer.Pass;
import org.nntune.nn.loss.Loss;
import org.nntune.nn.loss.Targets;
import org.nntune.nn.optim.Optimizer;
import org.nntune.nn.optim.Regularization;
import org.nntune.nn.tensor.Rng;
import org.nntune.nn.tensor.Tensor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Parity with PyTorch: the references in parity/torch_parity.txt come from
 * nntune-bench/scripts/torch_parity.py (torch.nn, torch.optim, torch.nn.functional). Every value
 * must satisfy |a − b| ≤ 1e-5 + 1e-4·|b|.
 */
class TorchParityTest {
    private static final Map<String, float[]> REF = read("/parity/torch_parity.txt");

    /** Reads the `name count values…` lines. */
    static Map<String, float[]> read(String resource) {
        Map<String, float[]> m = new HashMap<>();
        var in = TorchParityTest.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("missing test resource " + resource);
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            int lineNo = 0;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split(" ");
                int n = Integer.parseInt(f[1]);
                if (f.length != n + 2) {
                    throw new IllegalStateException(resource + " line " + lineNo + ": '" + f[0] + "' announces " + n
                            + " values, has " + (f.length - 2));
                }
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = Float.parseFloat(f[i + 2]);
                }
                m.put(f[0], v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    private static float[] ref(String name) {
        float[] v = REF.get(name);
        if (v == null) {
            fail("no reference '" + name + "' in torch_parity.txt; rerun nntune-bench/scripts/torch_parity.py");
        }
        return v;
    }

    static void assertParity(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what + " length").hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-5 + 1e-4 * Math.abs(expected[i]);
            if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
                fail(what + "[" + i + "]: nntune " + actual[i] + ", PyTorch " + expected[i] + " (tolerance " + tol + ")");
            }
        }
    }

    private static Sequential mlp() {
        return Sequential.builder().input(6)
                .dense(8, Activation.RELU).dense(7, Activation.GELU).dense(6, Activation.TANH).dense(4).build();
    }

    private static Sequential cnn() {
        return Sequential.builder().input(2, 6, 6)
                .layer(new org.nntune.nn.layer.Conv2D(3, 3, 3, 1, 1, 1, 1, Initializer.HE_UNIFORM))
                .activation(Activation.RELU).batchNorm().maxPool2d(2)
                .conv2d(4, 3, 2, 1, Activation.ELU).avgPool2d(2).flatten().dense(3).build();
    }

    private static Sequential model(String name) {
        Sequential m = name.equals("mlp") ? mlp() : cnn();
        List<Param> ps = m.parameters();
        for (int i = 0; i < ps.size(); i++) {
            float[] v = ref(name + ".param." + i);
            assertThat(v).as(name + " parameter " + i).hasSize(ps.get(i).size());
            System.arraycopy(v, 0, ps.get(i).value().data(), 0, v.length);
        }
        return m;
    }

    /** One training forward and backward pass on the reference batch; returns the loss. */
    private static double step(Sequential m, String name, Workspace w) {
        float[] x = ref(name + ".x");
        float[] y = ref(name + ".y");
        int n = y.length;
        System.arraycopy(x, 0, w.acts[0], 0, x.length);
        for (int i = 0; i < n; i++) {
            w.labels[i] = (int) y[i];
        }
        m.forward(w, n, Pass.training(new Rng(0)));
        double loss = m.loss().compute(w.output(), n, m.outputSize(), w.targets, w.grads[w.grads.length - 1]);
        m.backward(w, n);
        return loss;
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "cnn"})
    void logitsLossGradientsAndRunningStatisticsMatch(String name) {
        Sequential m = model(name);
        Workspace w = m.workspace(ref(name + ".y").length, 0, true);
        double loss = step(m, name, w);
        assertParity(w.output(), ref(name + ".logits"), name + " logits");
        assertParity(new float[] {(float) loss}, ref(name + ".loss"), name + " loss");
        List<Param> ps = m.parameters();
        for (int i = 0; i < ps.size(); i++) {
            assertParity(ps.get(i).grad().data(), ref(name + ".grad." + i), name + " gradient of parameter " + i);
        }
        int b = 0;
        for (var layer : m.layers()) {
            for (Tensor t : layer.buffers()) {
                assertParity(t.data(), ref(name + ".buffer." + b), name + " running statistic " + b);
                b++;
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "cnn"})
    void twoStepsOfEveryOptimiserMatch(String name) {
        Map<String, Object[]> optimisers = Map.of(
                "sgd_momentum_l2", new Object[] {Optimizer.sgd(0.1f, 0.9f, false), new Regularization(0f, 0.01f, 0f)},
                "sgd_nesterov", new Object[] {Optimizer.sgd(0.1f, 0.9f, true), Regularization.NONE},
                "adam_clip", new Object[] {Optimizer.adam(0.01f), new Regularization(0f, 0f, 0.5f)},
                "adamw", new Object[] {Optimizer.adamW(0.01f, 0.1f), Regularization.NONE},
                "rmsprop", new Object[] {Optimizer.rmsProp(0.01f), Regularization.NONE},
                "adagrad", new Object[] {Optimizer.adagrad(0.1f), Regularization.NONE});
        for (var e : optimisers.entrySet()) {
            Sequential m = model(name);
            Optimizer opt = (Optimizer) e.getValue()[0];
            Regularization reg = (Regularization) e.getValue()[1];
            Optimizer.Updater u = opt.newUpdater(m.parameters());
            Workspace w = m.workspace(ref(name + ".y").length, 0, true);
            for (int s = 0; s < 2; s++) {
                step(m, name, w);
                reg.applyPenalty(m.parameters());
                reg.clip(m.parameters());
                u.step(opt.learningRate());
            }
            List<Param> ps = m.parameters();
            for (int i = 0; i < ps.size(); i++) {
                assertParity(ps.get(i).value().data(), ref(name + "." + e.getKey() + ".param." + i),
                        name + " " + e.getKey() + " parameter " + i + " after two steps");
            }
        }
    }

    @Test
    void everyLossMatchesInValueAndGradient() {
        float[] z = ref("loss.z");
        int n = 5;
        int k = 4;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (int) ref("loss.labels")[i];
        }
        Map<String, Object[]> cases = Map.of(
                "weighted_ce", new Object[] {Loss.softmaxCrossEntropy(ref("loss.class_weights")), Targets.labels(labels)},
                "bce", new Object[] {Loss.binaryCrossEntropy(), Targets.values(ref("loss.bits"))},
                "mse", new Object[] {Loss.mse(), Targets.values(ref("loss.targets"))},
                "mae", new Object[] {Loss.mae(), Targets.values(ref("loss.targets"))},
                "huber", new Object[] {Loss.huber(0.5f), Targets.values(ref("loss.targets"))});
        for (var e : cases.entrySet()) {
            float[] grad = new float[n * k];
            double v = ((Loss) e.getValue()[0]).compute(z, n, k, (Targets) e.getValue()[1], grad);
            assertParity(new float[] {(float) v}, ref("loss." + e.getKey() + ".value"), e.getKey() + " value");
            assertParity(grad, ref("loss." + e.getKey() + ".grad"), e.getKey() + " gradient");
        }
    }
}
