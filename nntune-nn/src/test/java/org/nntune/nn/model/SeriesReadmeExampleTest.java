package org.nntune.nn.model;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.SeriesWindows;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.StandardScaler;
import org.nntune.nn.layer.Recurrent;
import org.nntune.nn.loss.Loss;
import org.nntune.nn.optim.Optimizer;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's forecasting example ("Time series"), as written there, on the example data. */
class SeriesReadmeExampleTest {

    @Test
    void theReadmeForecasterBeatsPersistenceOnTheSunspots() {
        Path file = Path.of("..", "examples", "data", "sunspots.csv");
        // --- as in the README ---
        float[] years = SeriesWindows.readColumn(file, ',', "SUNACTIVITY");
        Dataset windows = SeriesWindows.windows("sunspots", years, 11, 1); // add SeriesWindows.Target.CHANGE for a trend
        Split split = SeriesWindows.timeOrderSplit(years.length, 11, 1, 0.2);
        Dataset train = split.train(windows);
        Sequential model = Sequential.builder().input(11, 1)
                .gru(16, 1, false, 0.0, Recurrent.Readout.LAST).dense(1)
                .loss(Loss.mse())   // the default, softmax cross-entropy, is for classes
                .preprocessing(StandardScaler.fit(train)).targetScaling(StandardScaler.fitTargets(train))
                .seed(1).build();
        model.fit(train, FitOptions.builder().epochs(60).batchSize(16).optimizer(Optimizer.adam(1e-2f))
                .sklearnEarlyStopping(1e-4, 10, 0.2)   // validated on the last 20% of the windows, in time order
                .build());
        double mae = model.evaluate(split.test(windows)).metric("mae");
        // ---
        Dataset test = split.test(windows);
        double persistence = 0;
        for (int i = 0; i < test.size(); i++) {
            persistence += Math.abs(test.target(i, 0) - test.feature(i, 10));
        }
        persistence /= test.size();
        assertThat(mae).as("test MAE; persistence %.2f", persistence).isLessThan(0.8 * persistence);
    }
}
