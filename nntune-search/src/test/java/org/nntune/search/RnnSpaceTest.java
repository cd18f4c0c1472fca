package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.TokenLimit;
import org.nntune.nn.model.Sequential;
import org.nntune.nn.tensor.Rng;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.study.Study;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RnnSpaceTest {

    /** Rows of 1..16 token ids in [2, 30), padded to 16; class 1 when id 7 occurs. */
    static Dataset occurs(int n, long seed) {
        Rng rng = new Rng(seed);
        int time = 16;
        float[] x = new float[n * time];
        int[] y = new int[n];
        for (int r = 0; r < n; r++) {
            int len = 1 + rng.nextInt(time);
            for (int t = 0; t < len; t++) {
                int id = 2 + rng.nextInt(28);
                x[r * time + t] = id;
                if (id == 7) {
                    y[r] = 1;
                }
            }
        }
        return Dataset.classification("occurs", x, new int[] {time}, y, List.of(), List.of("no", "yes"));
    }

    /** The configuration of a space with every given parameter fixed, the rest at their fixed defaults. */
    private static NetworkConfig fixed(Map<String, ?> values) {
        RnnSpace.Builder b = RnnSpace.builder();
        values.forEach(b::fix);
        return b.build().config(ParamSource.fixed(Map.of()));
    }

    @Test
    void trialsAskOnlyTheParametersOfTheirCell() {
        Study study = Study.builder("rnn").direction(StudyDirection.MAXIMIZE).sampler(new RandomSampler(3)).seed(3).create();
        RnnSpace space = RnnSpace.builder().cell("lstm", "gru", "cnn").search("filters").build();
        study.optimize(trial -> space.config(ParamSource.of(trial)).sequence().orElseThrow().embedding(), 24);
        for (FrozenTrial t : study.trials()) {
            boolean cnn = t.params().get("cell").equals("cnn");
            assertThat(t.params().containsKey("filters")).isEqualTo(cnn);
            assertThat(t.params().containsKey("hidden_size")).isEqualTo(!cnn);
            assertThat(t.params().containsKey("readout")).isEqualTo(!cnn);
        }
        assertThat(study.trials()).extracting(t -> t.params().get("cell")).contains("lstm", "gru", "cnn");
    }

    @Test
    void eachCellLearnsTheTaskAndItsModelCarriesTheTokenLimits(@TempDir Path dir) throws Exception {
        Dataset train = occurs(400, 1);
        Dataset test = occurs(200, 2);
        for (String cell : List.of("lstm", "gru", "cnn")) {
            NetworkConfig c = fixed(Map.ofEntries(Map.entry("cell", cell), Map.entry("embedding", 16),
                    Map.entry("hidden_size", 16), Map.entry("bidirectional", true), Map.entry("readout", "max"),
                    Map.entry("dropout", 0.0), Map.entry("lr", 0.01), Map.entry("batch_size", 32), Map.entry("max_length", 12),
                    Map.entry("vocab_size", 30), Map.entry("filters", 16)));
            NetworkEstimator e = new NetworkEstimator(c, 5).fit(train);
            int[] p = e.predict(test);
            int right = 0;
            for (int i = 0; i < p.length; i++) {
                right += p[i] == test.label(i) ? 1 : 0;
            }
            // tokens after step 12 are cut off, so a few rows are not decidable: well above chance, below perfect
            assertThat(right / (double) p.length).as(cell).isGreaterThan(0.85);
            assertThat(e.model().preprocessing()).isEqualTo(new TokenLimit(16, 30, 12));
            Path f = dir.resolve(cell + ".nntm");
            e.save(f);
            assertThat(Sequential.load(f).predictProba(test)).isDeepEqualTo(e.predictProba(test));
        }
    }

    @Test
    void aPrunedTrialStopsAfterTheEpochItWasPrunedAt() {
        NetworkConfig c = fixed(Map.of("cell", "gru", "embedding", 8, "hidden_size", 8, "bidirectional", false, "readout", "last",
                "dropout", 0.1, "lr", 0.01, "batch_size", 32));
        NetworkEstimator e = new NetworkEstimator(c, 1).fit(occurs(100, 3), epoch -> epoch < 2);
        assertThat(e.epochsTrained()).isEqualTo(2);
        assertThat(c.describe()).containsEntry("cell", "gru").containsEntry("clip_norm", 1.0);
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> RnnSpace.builder().set("cell", "transformer").build()
                .config(ParamSource.fixed(Map.of("cell", "transformer"))))
                .hasMessageContaining("cell 'transformer' is not one of [lstm, gru, cnn]");
        assertThatThrownBy(() -> RnnSpace.builder().set("hidden_sise", 3)).hasMessageContaining("unknown parameter 'hidden_sise'");
        // the text cnn's settings are checked when set, as the recurrent cells' are (not first in the trials)
        assertThatThrownBy(() -> RnnSpace.builder().set("kernel", 0)).isInstanceOf(InvalidValueException.class)
                .hasMessage("parameter 'kernel': kernel must be >= 1, got 0");
        assertThatThrownBy(() -> RnnSpace.builder().set("filters", Map.of("low", 0, "high", 8)))
                .isInstanceOf(InvalidValueException.class).hasMessage("parameter 'filters': filters must be >= 1, got 0");
        assertThatThrownBy(() -> RnnSpace.builder().set("hidden_size", 0)).isInstanceOf(InvalidValueException.class)
                .hasMessage("parameter 'hidden_size': hidden_size must be >= 1, got 0");
    }
}
