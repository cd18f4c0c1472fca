package org.nntune.nn.layer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nntune.nn.tensor.Rng;

import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SequenceLayerTest {

    private static <L extends Layer> L built(L layer, int... inShape) {
        layer.build(inShape);
        layer.initialize(new Rng(3));
        Rng rng = new Rng(11);
        for (Param p : layer.params()) { // non-zero biases, so their role is checked too
            float[] v = p.value().data();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (0.2 * (rng.nextDouble() - 0.5));
            }
        }
        return layer;
    }

    private static Consumer<Layer.Cache> lengths(SequenceLayer layer, int... lengths) {
        return c -> layer.setLengths(c, lengths, lengths.length);
    }

    private static float[] gaussian(int size, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }

    @ParameterizedTest
    @EnumSource(Recurrent.Readout.class)
    void lstmGradientsWithMixedLengths(Recurrent.Readout readout) {
        LSTM l = built(new LSTM(3, 2, true, 0.0, readout), 4, 3);
        GradientCheck.check(l, gaussian(3 * 4 * 3, 1), 3, false, lengths(l, 4, 2, 3));
    }

    @ParameterizedTest
    @EnumSource(Recurrent.Readout.class)
    void gruGradientsWithMixedLengths(Recurrent.Readout readout) {
        GRU g = built(new GRU(3, 2, true, 0.0, readout), 4, 3);
        GradientCheck.check(g, gaussian(3 * 4 * 3, 2), 3, false, lengths(g, 4, 2, 3));
    }

    @Test
    void stackedDropoutInTrainingIsDifferentiatedThroughTheSameMask() {
        LSTM l = built(new LSTM(3, 2, false, 0.4, Recurrent.Readout.LAST), 5, 2);
        GradientCheck.check(l, gaussian(2 * 5 * 2, 4), 2, true, lengths(l, 5, 3));
        GRU g = built(new GRU(3, 3, true, 0.4, Recurrent.Readout.MEAN), 5, 2);
        GradientCheck.check(g, gaussian(2 * 5 * 2, 5), 2, true, lengths(g, 1, 5));
    }

    @Test
    void conv1dGradients() {
        Conv1D c = built(new Conv1D(4, 2), 5, 3);
        GradientCheck.check(c, GradientCheck.distinct(3 * 5 * 3, 6), 3, false, lengths(c, 5, 1, 3));
    }

    @Test
    void embeddingGradientGoesToTheRowsUsedAndNeverToPadding() {
        Embedding e = built(new Embedding(6, 3, 0), 4);
        java.util.Arrays.fill(e.params().get(0).value().data(), 0, 3, 0f);
        float[] ids = {2, 5, 2, 0, 1, 0, 0, 0};
        // finite differences hold where the id is not padding (padding's row is frozen by definition)
        GradientCheck.checkParameters(built(new Embedding(6, 3, 3), 4), new float[] {2, 5, 2, 0, 1, 0, 4, 0}, 2);
        float[] y = new float[2 * 4 * 3];
        float[] dy = gaussian(y.length, 7);
        Layer.Cache cache = e.newCache(2);
        e.forward(ids, y, 2, cache, Pass.eval());
        e.backward(ids, y, dy, null, 2, cache);
        float[] g = e.params().get(0).grad().data();
        for (int j = 0; j < 3; j++) {
            assertThat(g[j]).as("padding row").isZero();
            assertThat(g[3 * 3 + j]).as("row 3, unused").isZero();
            assertThat(g[4 * 3 + j]).as("row 4, unused").isZero();
            assertThat(g[2 * 3 + j]).as("row 2, used twice").isEqualTo(dy[j] + dy[2 * 3 + j]);
            assertThat(y[3 * 3 + j]).as("padding embeds to zero").isZero();
        }
    }

    @Test
    void embeddingRefusesIdsOutsideTheVocabularyNamingTheStep() {
        Embedding e = built(new Embedding(6, 3, 0), 2);
        assertThatThrownBy(() -> e.forward(new float[] {1, 6}, new float[6], 1, e.newCache(1), Pass.eval()))
                .hasMessageContaining("token id 6.0 at row 0, step 1");
    }

    @Test
    void bidirectionalLastReadoutIsBothDirectionsFinalStates() {
        LSTM seq = built(new LSTM(2, 1, true, 0.0, Recurrent.Readout.SEQUENCE), 4, 3);
        LSTM last = new LSTM(2, 1, true, 0.0, Recurrent.Readout.LAST);
        last.build(new int[] {4, 3});
        for (int p = 0; p < seq.params().size(); p++) {
            System.arraycopy(seq.params().get(p).value().data(), 0, last.params().get(p).value().data(), 0,
                    seq.params().get(p).size());
        }
        float[] x = gaussian(4 * 3, 9);
        Layer.Cache cs = seq.newCache(1);
        Layer.Cache cl = last.newCache(1);
        seq.setLengths(cs, new int[] {3}, 1);
        last.setLengths(cl, new int[] {3}, 1);
        float[] ys = new float[4 * 4];
        float[] yl = new float[4];
        seq.forward(x, ys, 1, cs, Pass.eval());
        last.forward(x, yl, 1, cl, Pass.eval());
        // forward direction at step 2 (the last real one), reverse direction at step 0
        assertThat(yl).containsExactly(ys[2 * 4], ys[2 * 4 + 1], ys[2], ys[3]);
        assertThat(new float[] {ys[3 * 4], ys[3 * 4 + 1], ys[3 * 4 + 2], ys[3 * 4 + 3]}).as("padded step").containsOnly(0f);
    }

    @Test
    void lengthsOutsideTheTimeStepsAreRefused() {
        LSTM l = built(new LSTM(2, 1, false, 0.0, Recurrent.Readout.LAST), 4, 3);
        assertThatThrownBy(() -> l.setLengths(l.newCache(1), new int[] {5}, 1)).hasMessageContaining("row 0 has length 5");
        assertThatThrownBy(() -> new LSTM(2, 1, false, 0.0, Recurrent.Readout.LAST).build(new int[] {4}))
                .hasMessageContaining("needs a sequence input [time, features]");
    }
}
