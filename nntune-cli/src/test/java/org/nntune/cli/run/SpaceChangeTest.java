package org.nntune.cli.run;

import org.junit.jupiter.api.Test;
import org.nntune.search.CnnSpace;
import org.nntune.search.FamilySpace;
import org.nntune.search.MlpSpace;
import org.nntune.search.NetworkSpace;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SpaceChangeTest {

    private static String stored(String family, NetworkSpace space) {
        return family + " " + space; // as StudyRun stores a study's space
    }

    @Test
    void namesEachChangedAddedAndRemovedParameterInTheSummarysWords() {
        NetworkSpace was = MlpSpace.defaults().with(Map.of("hidden", List.of("100,50", "64"), "lr", Map.of("low", 1e-3, "high", 0.1, "log", true)));
        NetworkSpace now = MlpSpace.defaults().with(Map.of("hidden", List.of("100,50", "32"), "lr", Map.of("low", 3e-3, "high", 0.1, "log", true),
                "dropout", Map.of("low", 0, "high", 0.5, "step", 0.25)));
        assertThat(SpaceChange.describe(stored("mlp", was), stored("mlp", now)).orElseThrow())
                .contains("hidden [100,50 | 64] → [100,50 | 32]").contains("lr 0.001..0.1 log → 0.003..0.1 log")
                .contains("dropout 0.0..0.5 → 0.0..0.5 step 0.25");
        assertThat(SpaceChange.describe(stored("mlp", was), stored("mlp", was))).isEmpty();

        // a choice of families: each family's parameters under its name; the family list itself
        NetworkSpace both = FamilySpace.of(Map.of("mlp", MlpSpace.defaults(), "cnn", CnnSpace.defaults()));
        NetworkSpace other = FamilySpace.of(Map.of("mlp", MlpSpace.defaults().with(Map.of("epochs", 5)), "cnn", CnnSpace.defaults()));
        assertThat(SpaceChange.describe(stored("[mlp, cnn]", both), stored("[mlp, cnn]", other)).orElseThrow())
                .startsWith("mlp.epochs ").contains("→ 5").doesNotContain("cnn.");
        assertThat(SpaceChange.describe(stored("mlp", was), stored("[mlp, cnn]", both)).orElseThrow())
                .contains("family mlp → [mlp, cnn]").contains("mlp.lr added");
        // what it cannot read is left to the caller
        assertThat(SpaceChange.describe("mlp something else", stored("mlp", was))).isEmpty();
    }
}
