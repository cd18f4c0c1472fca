package org.nntune.nn.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.StandardScaler;
import org.nntune.nn.layer.Activation;
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

/** Regression targets standard-scaled inside the model: trained on scaled values, answering in the data's units. */
class TargetScalingTest {
    @TempDir
    Path dir;

    /**
     * A price-like target: mean about 1e4, std about 1e3, a smooth function of 3 standardised
     * features plus a little noise.
     */
    static Dataset priceLike(String name, int rows, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[rows * 3];
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            double a = rng.nextGaussian(), b = rng.nextGaussian(), c = rng.nextGaussian();
            x[i * 3] = (float) a;
            x[i * 3 + 1] = (float) b;
            x[i * 3 + 2] = (float) c;
            double f = 0.8 * a - 0.5 * b * b + 0.6 * Math.tanh(2 * c) + 0.4 * a * c + 0.05 * rng.nextGaussian();
            y[i] = (float) (1e4 + 1e3 * f);
        }
        return Dataset.regression(name, x, new int[] {3}, y, 1, List.of("a", "b", "c"));
    }

    private static Sequential.Builder net() {
        return Sequential.builder().input(3).dense(32, Activation.TANH).dense(1).loss(Loss.mse()).seed(3);
    }

    private static FitOptions options() {
        return FitOptions.builder().epochs(60).batchSize(32).seed(4).optimizer(Optimizer.adam(0.01f)).build();
    }

    private static double r2(Sequential m, Dataset test) {
        float[][] p = m.predictValues(test);
        float[] flat = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            flat[i] = p[i][0];
        }
        return Metrics.r2(test.targets(), flat);
    }

    @Test
    void aLargeScaleTargetTrainsWellOnlyWhenScaled() {
        Dataset train = priceLike("price-train", 400, 1);
        Dataset test = priceLike("price-test", 200, 2);
        Sequential scaled = net().targetScaling(StandardScaler.fitTargets(train)).build();
        scaled.fit(train, options());
        Sequential raw = net().build();
        raw.fit(train, options());
        double withScaling = r2(scaled, test);
        double without = r2(raw, test);
        assertThat(withScaling).as("R² with target scaling").isGreaterThan(0.9);
        assertThat(without).as("R² on raw targets, same network and training").isLessThan(0.5);
        // the metrics are in the data's units and agree with the predictions
        assertThat(scaled.evaluate(test).metrics().get("r2")).isCloseTo(withScaling, within(1e-6));
        float[][] p = scaled.predictValues(test);
        double mean = 0;
        for (float[] row : p) {
            mean += row[0];
        }
        assertThat(mean / p.length).isCloseTo(1e4, within(500.0));
        assertThat(scaled.outputs(test.features(), test.size())[0]).isEqualTo(p[0][0]);
        assertThat(scaled.summary()).contains("targets standard-scaled");
    }

    @Test
    void theScalerIsFittedOnTheGivenRowsOnly() {
        Dataset train = priceLike("t", 50, 5);
        StandardScaler s = StandardScaler.fitTargets(train);
        float[] t = train.targets();
        double mean = 0;
        for (float v : t) {
            mean += v;
        }
        mean /= t.length;
        double sq = 0;
        for (float v : t) {
            sq += (v - mean) * (v - mean);
        }
        assertThat(s.mean()[0]).isCloseTo((float) mean, within(0.05f));
        assertThat(s.scale()[0]).isCloseTo((float) Math.sqrt(sq / t.length), within(0.05f));
        float[] copy = t.clone();
        s.transform(copy, 0, copy.length);
        s.inverseTransform(copy, 0, copy.length);
        for (int i = 0; i < t.length; i++) {
            assertThat(copy[i]).isCloseTo(t[i], within(1e-2f));
        }
    }

    @Test
    void theScalingIsSavedWithTheModel() throws IOException {
        Dataset train = priceLike("price-train", 120, 7);
        Sequential m = net().targetScaling(StandardScaler.fitTargets(train)).build();
        m.fit(train, FitOptions.builder().epochs(3).seed(1).build());
        Path file = dir.resolve("price.nntm");
        m.save(file);
        Sequential back = Sequential.load(file);
        assertThat(back.targetScaling()).contains(m.targetScaling().orElseThrow());
        assertThat(back.predictValues(train)).isDeepEqualTo(m.predictValues(train));
        assertThat(back.summary()).isEqualTo(m.summary());
        // a model without target scaling loads without one
        Sequential plain = net().build();
        plain.save(dir.resolve("plain.nntm"));
        assertThat(Sequential.load(dir.resolve("plain.nntm")).targetScaling()).isEmpty();
    }

    @Test
    void misuseIsRefusedWithTheReason() {
        Dataset iris = Datasets.iris();
        assertThatThrownBy(() -> StandardScaler.fitTargets(iris)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target scaling needs a regression set; 'iris' is a classification set");
        StandardScaler one = StandardScaler.fitTargets(priceLike("t", 10, 1));
        assertThatThrownBy(() -> Sequential.builder().input(4).dense(3).targetScaling(one).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target scaling is for regression");
        assertThatThrownBy(() -> Sequential.builder().input(3).dense(2).loss(Loss.mse()).targetScaling(one).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the target scaling has 1 columns, the network 2 outputs");
    }
}
