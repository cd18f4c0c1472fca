package org.nntune.nn.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.layer.Param;
import org.nntune.nn.layer.Pass;
import org.nntune.nn.layer.Recurrent.Readout;
import org.nntune.nn.loss.Loss;
import org.nntune.nn.tensor.Rng;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Networks over token sequences through {@link Sequential}: padding, training, saving. */
class SequenceModelTest {
    private static final int VOCAB = 12;

    /** Rows of token ids (1 … VOCAB-1) of lengths 1 … maxLen, right-padded with 0 to {@code time} steps. */
    private static float[] tokens(int rows, int time, int maxLen, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[rows * time];
        for (int r = 0; r < rows; r++) {
            int len = 1 + rng.nextInt(maxLen);
            for (int t = 0; t < len; t++) {
                x[r * time + t] = 1 + rng.nextInt(VOCAB - 1);
            }
        }
        return x;
    }

    private static float[] repad(float[] x, int rows, int from, int to) {
        float[] y = new float[rows * to];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, r * from, y, r * to, Math.min(from, to));
        }
        return y;
    }

    private static List<Function<Integer, Sequential>> networks() {
        return List.of(
                t -> Sequential.builder().input(t).embedding(VOCAB, 5, 0).lstm(4, 2, true, 0.3, Readout.LAST).dense(3).build(),
                t -> Sequential.builder().input(t).embedding(VOCAB, 5, 0).gru(4, 2, true, 0.3, Readout.MEAN).dense(3).build(),
                t -> Sequential.builder().input(t).embedding(VOCAB, 5, 0).lstm(4, 1, false, 0, Readout.SEQUENCE)
                        .gru(3, 1, true, 0, Readout.MAX).dense(3).build(),
                t -> Sequential.builder().input(t).embedding(VOCAB, 5, 0).conv1d(6, 3).dense(3).build());
    }

    /** The outputs and every parameter gradient of one training pass. */
    private static float[][] pass(Sequential m, float[] x, int n, int[] labels) {
        Workspace w = m.workspace(n, 0, true);
        System.arraycopy(x, 0, w.acts[0], 0, x.length);
        System.arraycopy(labels, 0, w.labels, 0, n);
        m.forward(w, n, Pass.training(new Rng(7)));
        m.loss().compute(w.output(), n, m.outputSize(), w.targets, w.grads[w.grads.length - 1]);
        m.backward(w, n);
        List<Param> ps = m.parameters();
        float[][] out = new float[ps.size() + 1][];
        out[0] = w.output().clone();
        for (int i = 0; i < ps.size(); i++) {
            out[i + 1] = ps.get(i).grad().data().clone();
        }
        return out;
    }

    @Test
    void paddingTo50Or200GivesTheSameOutputsAndGradientsBitForBit() {
        int n = 6;
        float[] x50 = tokens(n, 50, 50, 1);
        float[] x200 = repad(x50, n, 50, 200);
        int[] labels = {0, 1, 2, 1, 0, 2};
        for (var net : networks()) {
            Sequential a = net.apply(50);
            Sequential b = net.apply(200);
            b.setWeights(a.weights());
            float[][] ra = pass(a, x50, n, labels);
            float[][] rb = pass(b, x200, n, labels);
            for (int i = 0; i < ra.length; i++) {
                assertThat(rb[i]).as(a.layers().get(1).kind() + " " + (i == 0 ? "outputs" : a.parameters().get(i - 1).name()))
                        .containsExactly(ra[i]);
            }
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        int n = 21; // three parts of rows, the last one short
        float[] x = tokens(n, 120, 120, 5);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
        }
        for (var net : networks()) {
            Sequential a = net.apply(120);
            Sequential b = net.apply(120);
            float[][] threaded = pass(a, x, n, labels);
            float[][] single;
            try (var one = org.nntune.nn.tensor.Parallelism.limitThreads(1)) {
                single = pass(b, x, n, labels);
            }
            for (int i = 0; i < threaded.length; i++) {
                assertThat(single[i]).as(a.layers().get(1).kind() + " " + i).containsExactly(threaded[i]);
            }
        }
    }

    @Test
    void anLstmLearnsWhetherATokenOccursAndSurvivesSaveAndLoad(@TempDir Path dir) throws Exception {
        int n = 400;
        int time = 12;
        float[] x = tokens(n, time, time, 3);
        int[] y = new int[n];
        for (int r = 0; r < n; r++) {
            for (int t = 0; t < time; t++) {
                if (x[r * time + t] == 7) {
                    y[r] = 1;
                }
            }
        }
        Dataset data = Dataset.classification("occurs", x, new int[] {time}, y, List.of(), List.of("no", "yes"));
        for (var build : List.<Function<Integer, Sequential>>of(
                t -> Sequential.builder().input(t).embedding(VOCAB, 8, 0).lstm(16, 1, false, 0, Readout.LAST)
                        .dense(1).loss(Loss.binaryCrossEntropy()).build(),
                t -> Sequential.builder().input(t).embedding(VOCAB, 8, 0).gru(16, 1, true, 0, Readout.MAX)
                        .dense(1).loss(Loss.binaryCrossEntropy()).build())) {
            Sequential m = build.apply(time);
            m.fit(data, FitOptions.builder().epochs(15).batchSize(16).seed(1).clipNorm(1.0).optimizer(
                    org.nntune.nn.optim.Optimizer.adam(1e-2f)).build());
            double acc = m.evaluate(data).accuracy();
            assertThat(acc).as(m.layers().get(1).kind()).isGreaterThan(0.95);
            Path f = dir.resolve(m.layers().get(1).kind() + ".nntm");
            m.save(f);
            Sequential back = Sequential.load(f);
            assertThat(back.predictProba(data)).isDeepEqualTo(m.predictProba(data));
        }
    }

    @Test
    void anEmbeddingAfterTheFirstLayerIsRefused() {
        assertThatThrownBy(() -> Sequential.builder().input(4, 2).lstm(3, 1, false, 0, Readout.SEQUENCE)
                .embedding(VOCAB, 3, 0).dense(2).build()).hasMessageContaining("first layer");
    }

    @Test
    void aTextCnnOrRnnOnAFeatureSequenceTakesEveryRowAtFullLength() {
        Sequential m = Sequential.builder().input(6, 2).gru(3, 1, false, 0, Readout.LAST).dense(1, Activation.LINEAR)
                .loss(Loss.mse()).build();
        float[] x = new float[2 * 12];
        x[11] = 1f; // only the last step of row 0 is non-zero: full length means it is read
        float[] out = m.outputs(x, 2);
        assertThat(out[0]).isNotEqualTo(out[1]);
    }
}
