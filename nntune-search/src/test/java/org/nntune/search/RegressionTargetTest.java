package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.model.Sequential;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression targets far from unit scale (a price-like target: mean 1e4, std 1e3) train as well as
 * unit-scale ones: every estimator scales them on its training rows and answers in the data's units.
 */
class RegressionTargetTest {
    @TempDir
    Path dir;

    /** y = 1e4 + 1e3·f(x) + noise for 4 standard-normal features. */
    static Dataset priceLike(String name, int rows, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[rows * 4];
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            double[] v = new double[4];
            for (int j = 0; j < 4; j++) {
                v[j] = gaussian(rng);
                x[i * 4 + j] = (float) v[j];
            }
            double f = 0.9 * v[0] - 0.4 * v[1] * v[1] + 0.6 * Math.tanh(2 * v[2]) + 0.3 * v[0] * v[3] + 0.05 * gaussian(rng);
            y[i] = (float) (1e4 + 1e3 * f);
        }
        return Dataset.regression(name, x, new int[] {4}, y, 1, List.of("a", "b", "c", "d"));
    }

    private static double gaussian(SplittableRandom rng) {
        return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    @Test
    void aGridOnAPriceLikeTargetReachesAGoodR2InTheDataUnits() throws Exception {
        Dataset train = priceLike("price-train", 300, 1);
        Dataset test = priceLike("price-test", 200, 2);
        SearchResult r = GridSearchCV.of(Map.of("hidden", List.of(List.of(32)), "epochs", List.of(60), "lr", List.of(1e-2)))
                .cv(CvStrategy.kFold(3)).scoring("r2").seed(3).build().fit(train);
        assertThat(r.bestScore()).as("cross-validated R²").isGreaterThan(0.85);
        assertThat(r.score(test)).as("test R²").isGreaterThan(0.85);
        Sequential model = ((NetworkEstimator) r.bestEstimator()).model();
        assertThat(model.targetScaling()).isPresent();
        Path file = dir.resolve("price.nntm");
        model.save(file);
        float[][] p = Sequential.load(file).predictValues(test);
        double mean = 0;
        for (float[] row : p) {
            mean += row[0];
        }
        assertThat(mean / p.length).as("predictions of the saved model are in the target's units").isBetween(9e3, 1.1e4);
    }

    @Test
    void eachFoldsScalerSeesOnlyItsTrainingRows() {
        Dataset train = priceLike("price-train", 60, 4);
        NetworkEstimator e = (NetworkEstimator) MlpSpace.builder().fixedDefaults().fix("hidden", List.of(4)).epochs(1).build()
                .suggest(ParamSource.fixed(Map.of()), 1);
        Dataset half = train.subset(java.util.stream.IntStream.range(0, 30).toArray());
        e.fit(half);
        float[] t = half.targets();
        double mean = 0;
        for (float v : t) {
            mean += v;
        }
        assertThat((double) e.model().targetScaling().orElseThrow().mean()[0]).isCloseTo(mean / t.length,
                org.assertj.core.data.Offset.offset(0.5));
    }

    /**
     * Windows of a series marked for a change target: the estimator's network learns each step's change from the
     * window's last value (its scaler fitted on those changes, about 2, 4, 6 on a ramp of step 2), and r2 of its three
     * forecast steps is each step's R², averaged, as scikit-learn's r2_score — not the R² of the flattened values.
     */
    @Test
    void windowsMarkedForAChangeTargetGetANetworkOfChangesScoredPerHorizonStep() {
        SplittableRandom rng = new SplittableRandom(6);
        float[] ramp = new float[80];
        for (int t = 0; t < ramp.length; t++) {
            ramp[t] = (float) (2 * t + gaussian(rng));
        }
        Dataset w = org.nntune.nn.data.SeriesWindows.windows("ramp", ramp, 6, 3, org.nntune.nn.data.SeriesWindows.Target.CHANGE)
                .withShape(6);
        NetworkEstimator e = (NetworkEstimator) MlpSpace.builder().fixedDefaults().fix("hidden", List.of(4)).epochs(2).build()
                .suggest(ParamSource.fixed(Map.of()), 1);
        e.fit(w);
        assertThat(e.model().changeFromLastInput()).isTrue();
        float[] changeMeans = e.model().targetScaling().orElseThrow().mean();
        assertThat(changeMeans[0]).isCloseTo(2f, org.assertj.core.data.Offset.offset(0.5f));
        assertThat(changeMeans[2]).isCloseTo(6f, org.assertj.core.data.Offset.offset(0.5f));
        float[][] p = e.predictValues(w);
        float[] flat = new float[p.length * 3];
        for (int i = 0; i < p.length; i++) {
            System.arraycopy(p[i], 0, flat, i * 3, 3);
        }
        double perStep = org.nntune.nn.metric.Metrics.r2(w.targets(), flat, 3);
        assertThat(Scorer.r2().score(e, w)).isEqualTo(perStep);
        assertThat(e.model().evaluate(w).metric("r2")).isEqualTo(perStep);
        assertThat(perStep).isNotEqualTo(org.nntune.nn.metric.Metrics.r2(w.targets(), flat, 1));
    }
}
