package org.nntune.nn.model;

import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.FittedTransform;
import org.nntune.nn.data.Preprocessor;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.nn.data.TrainTest;

/**
 * The engine tests' data: the bundled sets ({@code Datasets}) on the project's canonical split
 * ({@link Splits#canonical}), optionally standardised with the real scaler fitted on the
 * training part only.
 */
final class TestData {
    private TestData() {}

    /** The canonical split of {@code data} as training and test sets. */
    static TrainTest canonical(Dataset data) {
        Split s = Splits.canonical(data);
        return new TrainTest(s.train(data), s.test(data));
    }

    /** The canonical split, both parts standardised with the training part's means and deviations. */
    static TrainTest standardized(Dataset data) {
        TrainTest s = canonical(data);
        FittedTransform scaler = Preprocessor.standard().fit(s.train());
        return new TrainTest(scaler.apply(s.train()), scaler.apply(s.test()));
    }
}
