package org.nntune.nn.model;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.nn.layer.Recurrent;
import org.nntune.nn.optim.Optimizer;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's numeric sequence classification (Text and sequences): rows of {@code T} readings and a
 * class as {@code Dataset.classification} with the feature shape {@code {T, 1}}, classified by a GRU built
 * with {@code Sequential.builder().input(T, 1).gru(16, 1, false, 0, Recurrent.Readout.LAST).dense(classes)}.
 */
class SequenceClassificationTest {

    @Test
    void aGruClassifiesRowsOfReadingsAsSequences() {
        // a sine of a slow or a fast frequency, with a random phase and noise: the class is in the order of the readings
        int n = 200;
        int t = 20;
        Random r = new Random(3);
        float[] features = new float[n * t];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            double freq = labels[i] == 1 ? 0.9 : 0.3;
            double phase = r.nextDouble() * 2 * Math.PI;
            for (int s = 0; s < t; s++) {
                features[i * t + s] = (float) (Math.sin(freq * s + phase) + 0.1 * r.nextGaussian());
            }
        }
        Dataset rows = Dataset.classification("readings", features, new int[] {t, 1}, labels, List.of(), List.of("slow", "fast"));
        Split split = Splits.stratified(rows.labels(), 0.2, 42);
        Sequential model = Sequential.builder().input(t, 1).gru(16, 1, false, 0, Recurrent.Readout.LAST).dense(2).seed(1).build();
        model.fit(split.train(rows), FitOptions.builder().epochs(15).clipNorm(1.0).optimizer(Optimizer.adam(1e-2f)).build());
        assertThat(model.evaluate(split.test(rows)).accuracy()).isGreaterThanOrEqualTo(0.9);
    }
}
