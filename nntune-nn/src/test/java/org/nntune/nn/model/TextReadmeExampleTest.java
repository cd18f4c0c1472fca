package org.nntune.nn.model;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.nn.data.TextEncoder;
import org.nntune.nn.data.TextTable;
import org.nntune.nn.layer.Recurrent;
import org.nntune.nn.optim.Optimizer;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's text example, as written there, on the example data. */
class TextReadmeExampleTest {

    @Test
    void theReadmeSpamFilterLearns() {
        Path file = Path.of("..", "examples", "data", "spam-sample.csv.gz");
        // --- as in the README ---
        TextTable table = TextTable.read(file, ',', "text", "label");
        Split split = Splits.stratified(table.labels(), 0.2, 42);
        TextEncoder words = table.fit(split.train(), new TextEncoder.Options(TextEncoder.Tokens.WORDS, 60, 2000, 2));
        Dataset all = words.encode(table, "spam");
        Sequential model = Sequential.builder().input(60)
                .embedding(words.vocabularySize(), 32, TextEncoder.PADDING)
                .lstm(32, 1, false, 0.0, Recurrent.Readout.MAX)   // or .gru(...), or .conv1d(filters, kernel)
                .dense(2).seed(1).build();
        model.fit(split.train(all), FitOptions.builder().epochs(5).clipNorm(1.0).optimizer(Optimizer.adam(1e-2f)).build());
        double accuracy = model.evaluate(split.test(all)).accuracy();
        // ---
        assertThat(accuracy).isGreaterThan(0.85);
    }
}
