package org.nntune.nn.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.SeriesWindows;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.StandardScaler;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.layer.Recurrent;
import org.nntune.nn.loss.Loss;
import org.nntune.nn.metric.Metrics;
import org.nntune.nn.optim.Optimizer;
import org.nntune.nn.tensor.Rng;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * A forecaster that learns each target's change from the window's last value
 * ({@link Sequential.Builder#changeFromLastInput}) and adds it back: a trend the training part
 * never reached is forecast, where a network of the levels saturates.
 */
class ChangeTargetTest {
    @TempDir
    Path dir;

    /** The tester's noisy ramp: {@code 2t + N(0, 1)}, seeded. */
    static float[] ramp(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] v = new float[n];
        for (int t = 0; t < n; t++) {
            v[t] = (float) (2 * t + rng.nextGaussian());
        }
        return v;
    }

    private static Sequential gru(Dataset train, boolean change) {
        Sequential.Builder b = Sequential.builder().input(8, 1).gru(8, 1, false, 0.0, Recurrent.Readout.LAST).dense(1)
                .loss(Loss.mse()).preprocessing(StandardScaler.fit(train)).seed(1);
        return change ? b.changeFromLastInput().targetScaling(StandardScaler.fitTargetChanges(train)).build()
                : b.targetScaling(StandardScaler.fitTargets(train)).build();
    }

    private static double persistenceMae(Dataset test) {
        double sum = 0;
        for (int i = 0; i < test.size(); i++) {
            sum += Math.abs(test.target(i, 0) - test.feature(i, test.featureCount() - 1));
        }
        return sum / test.size();
    }

    @Test
    void onANoisyRampTheChangeTargetBeatsPersistenceAndTheLevelTargetDoesNot() {
        float[] series = ramp(200, 7);
        Split split = SeriesWindows.timeOrderSplit(series.length, 8, 1, 0.2);
        FitOptions options = FitOptions.builder().epochs(30).batchSize(16).seed(2).optimizer(Optimizer.adam(1e-2f)).build();
        Dataset level = SeriesWindows.windows("ramp", series, 8, 1);
        Dataset change = SeriesWindows.windows("ramp", series, 8, 1, SeriesWindows.Target.CHANGE);
        Sequential levels = gru(split.train(level), false);
        levels.fit(split.train(level), options);
        Sequential changes = gru(split.train(change), true);
        changes.fit(split.train(change), options);
        Dataset test = split.test(level);
        // about 2.1: the step of 2 plus the difference of two N(0, 1) noises; the change target learns the step (1.17 when
        // written, the level target 19.1, on both kernel paths)
        double persistence = persistenceMae(test);
        double levelMae = levels.evaluate(test).metric("mae");
        double changeMae = changes.evaluate(split.test(change)).metric("mae");
        // the test part (values 320..400) lies above every training target: tanh units saturate, the forecasts stay below
        assertThat(levelMae).as("level target's test MAE (persistence %.3f)", persistence).isGreaterThan(4 * persistence);
        assertThat(changeMae).as("change target's test MAE (persistence %.3f)", persistence).isLessThan(persistence);
        // the metrics are of the forecasts in the series' units: the last value added back
        float[][] p = changes.predictValues(test);
        float[] flat = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            flat[i] = p[i][0];
        }
        assertThat(Metrics.mae(test.targets(), flat)).isCloseTo(changeMae, within(1e-6));
        assertThat(flat[flat.length - 1]).as("last forecast, of the value after %s", series[series.length - 2])
                .isCloseTo(series[series.length - 1], within(4f));
    }

    /** Two networks of the same weights and target scaling: the change one answers the level one's values plus the last input. */
    @Test
    void theForecastIsTheNetworksValuePlusTheLastRawInput() {
        float[] series = ramp(60, 3);
        Dataset w = SeriesWindows.windows("ramp", series, 5, 2);
        StandardScaler targets = StandardScaler.fitTargets(w);
        Sequential.Builder b = Sequential.builder().input(5, 1).gru(4, 1, false, 0.0, Recurrent.Readout.LAST).dense(2)
                .loss(Loss.mse()).preprocessing(StandardScaler.fit(w)).targetScaling(targets).seed(4);
        Sequential plain = b.build();
        Sequential change = b.changeFromLastInput().build();
        assertThat(change.changeFromLastInput()).isTrue();
        assertThat(plain.changeFromLastInput()).isFalse();
        float[] x = w.features();
        float[] a = plain.outputs(x, w.size());
        float[] c = change.outputs(x, w.size());
        float[][] cv = change.predictValues(w);
        for (int i = 0; i < w.size(); i++) {
            float last = x[i * 5 + 4];
            for (int j = 0; j < 2; j++) {
                assertThat(c[i * 2 + j]).isCloseTo(a[i * 2 + j] + last, within(1e-3f));
                assertThat(cv[i][j]).isEqualTo(c[i * 2 + j]);
            }
        }
        // evaluate: metrics of those forecasts; the loss of the network's outputs against the scaled changes
        Evaluation e = change.evaluate(w);
        float[] flat = new float[c.length];
        System.arraycopy(c, 0, flat, 0, c.length);
        assertThat(e.metric("mae")).isCloseTo(Metrics.mae(w.targets(), flat), within(1e-6));
        assertThat(e.metric("r2")).isCloseTo(Metrics.r2(w.targets(), flat, 2), within(1e-6));
        float[] scaledChanges = w.targets();
        for (int i = 0; i < w.size(); i++) {
            scaledChanges[i * 2] -= x[i * 5 + 4];
            scaledChanges[i * 2 + 1] -= x[i * 5 + 4];
        }
        targets.transform(scaledChanges, 0, w.size());
        float[] scaledOut = c.clone();
        for (int i = 0; i < w.size(); i++) {
            scaledOut[i * 2] -= x[i * 5 + 4];
            scaledOut[i * 2 + 1] -= x[i * 5 + 4];
        }
        targets.transform(scaledOut, 0, w.size());
        double mse = 0;
        for (int i = 0; i < scaledOut.length; i++) {
            mse += (scaledOut[i] - scaledChanges[i]) * (double) (scaledOut[i] - scaledChanges[i]);
        }
        assertThat(e.loss()).isCloseTo(mse / scaledOut.length, within(1e-4));
        assertThat(change.summary()).contains("targets: change from the last input");
    }

    @Test
    void theTargetChangesScalerIsFittedOnTheChangesFromTheLastInput() {
        // windows of 2 values; targets the next one: changes 1, 3, 5 (mean 3, population std sqrt(8/3))
        Dataset w = SeriesWindows.windows("s", new float[] {0, 0, 1, 4, 9}, 2, 1);
        StandardScaler s = StandardScaler.fitTargetChanges(w);
        assertThat(s.mean()[0]).isCloseTo(3f, within(1e-6f));
        assertThat(s.scale()[0]).isCloseTo((float) Math.sqrt(8.0 / 3), within(1e-5f));
        assertThat(StandardScaler.fitTargets(w).mean()[0]).isCloseTo(14f / 3, within(1e-5f));
        assertThat(w.targets()).as("the set's targets are untouched").containsExactly(1f, 4f, 9f);
    }

    @Test
    void aSavedChangeModelLoadsAsOneAndForecastsTheSame() throws IOException {
        float[] series = ramp(80, 5);
        Dataset w = SeriesWindows.windows("ramp", series, 6, 1, SeriesWindows.Target.CHANGE);
        Sequential m = Sequential.builder().input(6).dense(8, Activation.TANH).dense(1).loss(Loss.mse())
                .preprocessing(StandardScaler.fit(w)).changeFromLastInput().targetScaling(StandardScaler.fitTargetChanges(w)).seed(2).build();
        m.fit(w.withShape(6), FitOptions.builder().epochs(5).seed(3).build());
        Path file = dir.resolve("change.nntm");
        m.save(file);
        Sequential back = Sequential.load(file);
        assertThat(back.changeFromLastInput()).isTrue();
        float[] x = w.features();
        assertThat(back.outputs(x, w.size())).containsExactly(m.outputs(x, w.size()));
    }

    @Test
    void windowsMarkedForAChangeTargetAreRefusedByANetworkOfTheLevels() {
        Dataset w = SeriesWindows.windows("ramp", ramp(40, 1), 4, 1, SeriesWindows.Target.CHANGE);
        assertThat(w.changeTarget()).isTrue();
        Sequential levels = Sequential.builder().input(4, 1).gru(4, 1, false, 0.0, Recurrent.Readout.LAST).dense(1).loss(Loss.mse()).build();
        assertThatThrownBy(() -> levels.fit(w, FitOptions.builder().epochs(1).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("training set 'ramp' is marked for a change target (SeriesWindows.Target.CHANGE)")
                .hasMessageContaining(".changeFromLastInput()");
    }

    @Test
    void aChangeTargetIsRefusedWithAClassificationLossOrTokenIds() {
        assertThatThrownBy(() -> Sequential.builder().input(4).dense(2).changeFromLastInput().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a change from the last input is a regression target; this network is trained with softmax cross-entropy")
                .hasMessageContaining("use .loss(Loss.mse())");
        assertThatThrownBy(() -> Sequential.builder().input(4).embedding(10, 3, 0).gru(4, 1, false, 0.0, Recurrent.Readout.LAST)
                .dense(1).loss(Loss.mse()).changeFromLastInput().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs numeric inputs (the last value of a window); this network's first layer is an embedding");
    }

    @Test
    void theMarksFollowViewsAndTheFingerprintTellsAChangeTargetApart() {
        Dataset level = SeriesWindows.windows("s", ramp(30, 1), 4, 3);
        Dataset change = SeriesWindows.windows("s", ramp(30, 1), 4, 3, SeriesWindows.Target.CHANGE);
        assertThat(change.fingerprint()).isNotEqualTo(level.fingerprint());
        assertThat(level.withChangeTarget(true).fingerprint()).isEqualTo(change.fingerprint());
        assertThat(change.subset(new int[] {0, 1, 2}).changeTarget()).isTrue();
        assertThat(change.withShape(4).changeTarget()).isTrue();
        assertThat(level.changeTarget()).isFalse();
        // an unmarked set's fingerprint is what it always was: a regression set made directly has the same one
        Dataset direct = Dataset.regression("s", level.features(), new int[] {4, 1}, level.targets(), 3, List.of());
        assertThat(direct.fingerprint()).isEqualTo(level.fingerprint());
    }
}
