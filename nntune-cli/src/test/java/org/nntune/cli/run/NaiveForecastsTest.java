package org.nntune.cli.run;

import org.junit.jupiter.api.Test;
import org.nntune.dashboard.NaiveBaseline;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.SeriesWindows;
import org.nntune.search.Scorer;

import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;

/** The naive forecasts of series windows: which value each step repeats, their score, and when the model is worse. */
class NaiveForecastsTest {

    @Test
    void persistenceRepeatsTheLastValueAndSeasonalNaiveTheValueOneSeasonBack() {
        // one window of 0..4, three steps ahead
        Dataset w = SeriesWindows.windows("v", new float[] {0, 1, 2, 3, 4, 5, 6, 7}, 5, 3);
        assertThat(new NaiveForecasts.Naive(1, 3).predictValues(w)[0]).containsExactly(4, 4, 4);
        // season 2: step 1 (time 5) reads time 3, step 2 (time 6) time 4, step 3 (time 7) two seasons back: time 3
        assertThat(new NaiveForecasts.Naive(2, 3).predictValues(w)[0]).containsExactly(3, 4, 3);
        // season = window: step 1 reads the window's first value
        assertThat(new NaiveForecasts.Naive(5, 3).predictValues(w)[0]).containsExactly(0, 1, 2);
        // flat windows (an mlp's) have the same features in the same order
        assertThat(new NaiveForecasts.Naive(1, 3).predictValues(w.withShape(5))[0]).containsExactly(4, 4, 4);
    }

    @Test
    void scoresInTheStudysMetricAndWarnsWhenTheModelIsWorse() {
        // a ramp of step 2: persistence is off by 2 at every step ahead 1, seasonal naive with season 3 by 6
        float[] ramp = new float[20];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = 2 * i;
        }
        Dataset w = SeriesWindows.windows("v", ramp, 4, 1);
        Scorer mae = Scorer.mae();
        assertThat(mae.score(new NaiveForecasts.Naive(1, 1), w)).isEqualTo(2.0);
        assertThat(mae.score(new NaiveForecasts.Naive(3, 1), w)).isEqualTo(6.0);
        assertThat(Scorer.rmse().score(new NaiveForecasts.Naive(3, 1), w)).isEqualTo(6.0);

        NaiveBaseline b = new NaiveBaseline("mae", OptionalDouble.of(2), OptionalDouble.of(2.5), 0, OptionalDouble.empty(),
                OptionalDouble.empty());
        assertThat(NaiveForecasts.worseWarning(b, false, OptionalDouble.of(1.5), OptionalDouble.of(2.4), false)).isEmpty();
        assertThat(NaiveForecasts.worseWarning(b, false, OptionalDouble.of(1.5), OptionalDouble.of(10.8), false).orElseThrow())
                .contains("worse than persistence (repeating each window's last value) on test (mae 10.8 against 2.5)")
                .contains("try data.target: change");
        assertThat(NaiveForecasts.worseWarning(b, false, OptionalDouble.of(8.27), OptionalDouble.empty(), false).orElseThrow())
                .contains("on validation (mae 8.27 against 2)");
        // a model of the changes already: the advice is another search
        assertThat(NaiveForecasts.worseWarning(b, false, OptionalDouble.of(8.27), OptionalDouble.empty(), true).orElseThrow())
                .contains("on validation (mae 8.27 against 2), though it learns changes (data.target: change): try a longer search")
                .doesNotContain("try data.target: change");
        // r2: greater is better
        NaiveBaseline r2 = new NaiveBaseline("r2", OptionalDouble.of(0.9), OptionalDouble.empty(), 0, OptionalDouble.empty(),
                OptionalDouble.empty());
        assertThat(NaiveForecasts.worseWarning(r2, true, OptionalDouble.of(0.95), OptionalDouble.empty(), false)).isEmpty();
        assertThat(NaiveForecasts.worseWarning(r2, true, OptionalDouble.of(0.5), OptionalDouble.empty(), false)).isPresent();
    }
}
