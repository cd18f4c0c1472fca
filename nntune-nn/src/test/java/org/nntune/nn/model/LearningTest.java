package org.nntune.nn.model;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.FittedTransform;
import org.nntune.nn.data.Preprocessor;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.optim.Optimizer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine learns: iris and digits on the project's canonical split ({@link Splits#canonical}:
 * stratified, 20 % test, seed 42), standardised with the scaler fitted on the training part.
 */
class LearningTest {

    /** Trains {@code model} on the canonical, standardised training part and returns its test accuracy. */
    private static double testAccuracy(Dataset data, Sequential model, FitOptions options, int expectedTestSize) {
        Split split = Splits.canonical(data);
        Dataset train = split.train(data);
        FittedTransform scaler = Preprocessor.standard().fit(train);
        Dataset test = scaler.apply(split.test(data));
        assertThat(test.size()).isEqualTo(expectedTestSize);
        model.fit(scaler.apply(train), options);
        double acc = model.evaluate(test).accuracy();
        System.out.println(data.name() + " test accuracy " + acc + " (" + train.size() + " train / " + test.size() + " test)");
        return acc;
    }

    @Test
    void irisMlpReachesAtLeast29Of30() {
        Sequential model = Sequential.builder().input(4).dense(32, Activation.RELU).dense(3).seed(1).build();
        double acc = testAccuracy(Datasets.iris(), model, FitOptions.builder().epochs(50).batchSize(16).seed(1).l2(1e-3f)
                .optimizer(Optimizer.adam(0.005f)).build(), 30);
        assertThat(acc).isGreaterThanOrEqualTo(29 / 30.0);
    }

    @Test
    void digitsMlpReachesAtLeast097() {
        Sequential model = Sequential.builder().input(64).dense(128, Activation.RELU).dense(10).seed(1).build();
        double acc = testAccuracy(Datasets.digits(), model, FitOptions.builder().epochs(30).batchSize(32).seed(1)
                .optimizer(Optimizer.adam(1e-3f)).build(), 359);
        assertThat(acc).isGreaterThanOrEqualTo(0.97);
    }
}
