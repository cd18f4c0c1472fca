package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A study file whose {@code model.family} is a list: every trial draws one of the families. */
class FamilyChoiceCliTest {

    @Test
    void aListOfFamiliesIsSearchedAsAChoiceAndTheBestTrialsFamilyRefitted(@TempDir Path dir) throws Exception {
        String yaml = """
                study: digits-families
                seed: 2
                data:
                  bundled: digits
                  max_rows: 400
                metric: accuracy
                validation: {method: holdout, fraction: 0.25}
                model:
                  family: [mlp, cnn]
                  space:
                    mlp: {units: {low: 16, high: 64, log: true}, lr: 3.0e-3, epochs: 2}
                    cnn: {conv_blocks: 1, filters: [4, 8], layers: 0, lr: 3.0e-3, epochs: 2}
                budget:
                  trials: 4
                """;
        CliTest.Result r = CliTest.tuneWith(dir, yaml, "--progress", "plain");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("space (mlp,cnn,");
        assertThat(dir.resolve("s-results").resolve("best.model")).isNotEmptyFile();
        String best = Files.readString(dir.resolve("s-results").resolve("best-params.json"));
        assertThat(best).containsPattern("\"family\" ?: ?\"(mlp|cnn)\"");
        try (Storage storage = Storages.open("sqlite:" + dir.resolve("s.db"))) {
            List<FrozenTrial> all = storage.getAllTrials(storage.getAllStudies().get(0).studyId());
            assertThat(all).noneMatch(t -> t.state() == TrialState.FAIL);
            assertThat(all).hasSize(4).allMatch(t -> t.params().containsKey("family"));
            for (FrozenTrial t : all) {
                String family = (String) t.params().get("family");
                assertThat(t.params().keySet()).allMatch(k -> k.equals("family") || k.startsWith(family + "."));
            }
        }
    }

    /** The README's "A choice of families" model section, as written, in a small study: every trial completes. */
    @Test
    void theReadmesChoiceOfFamiliesRunsAsWritten(@TempDir Path dir) throws Exception {
        List<String> lines = Files.readAllLines(ReadmeTest.README);
        int section = lines.indexOf("#### A choice of families");
        assertThat(section).as("the README's section").isNotNegative();
        int open = lines.subList(section, lines.size()).indexOf("```yaml") + section;
        int close = lines.subList(open + 1, lines.size()).indexOf("```") + open + 1;
        String model = String.join("\n", lines.subList(open + 1, close));
        assertThat(model).startsWith("model:").contains("family: [mlp, cnn]");
        String yaml = """
                study: readme-families
                seed: 3
                data:
                  bundled: digits
                  max_rows: 300
                metric: accuracy
                validation: {method: holdout, fraction: 0.25}
                budget:
                  trials: 4
                """ + model + "\n";
        CliTest.Result r = CliTest.tuneWith(dir, yaml, "--progress", "plain");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        try (Storage storage = Storages.open("sqlite:" + dir.resolve("s.db"))) {
            List<FrozenTrial> all = storage.getAllTrials(storage.getAllStudies().get(0).studyId());
            assertThat(all).as(r.out()).hasSize(4).allMatch(t -> t.state() == TrialState.COMPLETE || t.state() == TrialState.PRUNED)
                    .anyMatch(t -> t.state() == TrialState.COMPLETE);
        }
        assertThat(dir.resolve("s-results").resolve("best.model")).isNotEmptyFile();
    }
}
