package org.nntune.nn.model;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.SeriesWindows;
import org.nntune.nn.data.StandardScaler;
import org.nntune.nn.layer.Recurrent;
import org.nntune.nn.loss.Loss;
import org.nntune.nn.optim.Optimizer;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A validation fraction of a time-ordered set (a series' windows) holds out its last rows, after
 * a gap of {@code horizon − 1} windows, as Keras' {@code validation_split} takes the last rows:
 * random windows would sit between fitted ones and overlap them.
 */
class TimeOrderValidationTest {

    private static Sequential net(Dataset train, int horizon) {
        return Sequential.builder().input(6, 1).gru(4, 1, false, 0.0, Recurrent.Readout.LAST).dense(horizon).loss(Loss.mse())
                .preprocessing(StandardScaler.fit(train)).targetScaling(StandardScaler.fitTargets(train)).seed(3).build();
    }

    @Test
    void aSeriesValidationFractionHoldsOutTheLastWindowsAfterAGapOfHorizonMinusOne() {
        float[] series = ChangeTargetTest.ramp(100, 2);
        Dataset windows = SeriesWindows.windows("ramp", series, 6, 3); // 92 windows
        assertThat(windows.timeOrdered()).isTrue();
        assertThat(windows.timeOrderGap()).isEqualTo(2);
        FitOptions.Builder options = FitOptions.builder().epochs(3).batchSize(8).seed(5).optimizer(Optimizer.adam(1e-2f));
        FitOptions withValidation = options.validationFraction(0.2).build();
        int held = withValidation.validationRows(92);
        assertThat(held).isEqualTo(18);
        assertThat(withValidation.heldOutRows(windows)).isEqualTo(20);

        Sequential validated = net(windows, 3);
        History h = validated.fit(windows, withValidation);
        // the last 18 windows were validated: their metrics after the last epoch are the history's
        Dataset last = windows.subset(java.util.stream.IntStream.range(92 - held, 92).toArray());
        double lastEpochMae = h.epochs().get(h.epochs().size() - 1).validation().get("val_mae");
        assertThat(validated.evaluate(last).metric("mae")).isEqualTo(lastEpochMae);
        // and the first 72 were fitted, the 2 between left out: the same run on those alone gives the same weights
        Sequential fittedOnly = net(windows, 3);
        fittedOnly.fit(windows.subset(java.util.stream.IntStream.range(0, 72).toArray()), options.validation(null).build());
        List<float[]> a = validated.weights().values();
        List<float[]> b = fittedOnly.weights().values();
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).as("weight tensor %d", i).containsExactly(b.get(i));
        }
    }

    @Test
    void theMarkFollowsAscendingViewsOnlyAndATableMayBeMarked() {
        Dataset windows = SeriesWindows.windows("s", ChangeTargetTest.ramp(30, 1), 4, 1);
        assertThat(windows.subset(new int[] {0, 1, 5, 9}).timeOrdered()).isTrue();
        assertThat(windows.subset(new int[] {3, 1, 2}).timeOrdered()).as("a shuffled view").isFalse();
        assertThat(windows.withShape(4).timeOrdered()).isTrue();
        Dataset table = Dataset.regression("days", new float[] {1, 2, 3, 4, 5, 6}, new int[] {1}, new float[] {1, 2, 3, 4, 5, 6}, 1, List.of());
        assertThat(table.timeOrdered()).isFalse();
        assertThat(table.timeOrderGap()).isEqualTo(-1);
        assertThat(table.inTimeOrder(0).timeOrdered()).isTrue();
        assertThatThrownBy(() -> table.inTimeOrder(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be >= 0, got -1");
        // the same content either way: the mark is how it is validated, not what it holds
        assertThat(table.inTimeOrder(2).fingerprint()).isEqualTo(table.fingerprint());
    }

    @Test
    void aFractionThatLeavesNoWindowToFitAfterTheGapIsNamed() {
        Dataset windows = SeriesWindows.windows("short", ChangeTargetTest.ramp(16, 1), 6, 5); // 6 windows, gap 4
        assertThatThrownBy(() -> net(windows, 5).fit(windows, FitOptions.builder().epochs(1).validationFraction(0.3).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("validation fraction 0.3 of 6 time-ordered examples holds out the last 2, after a gap of 4"
                        + " (horizon - 1), and leaves 0 for training; give a smaller fraction or more data");
    }
}
