package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialChanges;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What JdbcStorage adds to the contract: batch import, and its refusals on SQLite. */
class JdbcStorageTest {
    @TempDir
    Path dir;

    private static final FloatDistribution X = FloatDistribution.uniform(0, 1);

    @Test
    void batchImportIsAllOrNothingWithConsecutiveNumbers() {
        try (JdbcStorage s = new JdbcStorage("sqlite:" + dir.resolve("b.db"))) {
            long id = s.createStudy("b", List.of(StudyDirection.MINIMIZE));
            s.createTrial(id);
            List<FrozenTrial> batch = new ArrayList<>();
            for (int i = 0; i < 2500; i++) {
                batch.add(FrozenTrial.template(TrialState.COMPLETE, List.of(1.0 + i), Map.of("x", i / 2500.0), Map.of("x", X)));
            }
            s.createTrials(id, batch);
            List<FrozenTrial> all = s.getAllTrials(id);
            assertThat(all).hasSize(2501);
            assertThat(all.get(1).params()).containsEntry("x", 0.0);
            assertThat(all.get(2500).value()).isEqualTo(2500.0);
            assertThat(s.getBestTrial(id)).map(FrozenTrial::number).hasValue(1);
            TrialChanges changes = s.getTrialsChangedSince(id, 0);
            assertThat(changes.trials()).hasSize(2501);

            List<FrozenTrial> bad = List.of(
                    FrozenTrial.template(TrialState.COMPLETE, List.of(1.0), Map.of(), Map.of()),
                    FrozenTrial.template(TrialState.COMPLETE, List.of(), Map.of(), Map.of()));
            assertThatThrownBy(() -> s.createTrials(id, bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("COMPLETE needs 1 value");
            assertThat(s.getStudy(id).nTrials()).isEqualTo(2501);
            assertThat(s.getTrialsChangedSince(id, changes.cursor()).trials()).isEmpty();
        }
    }

    @Test
    void refusalsNameTheTrialAndStudy() {
        try (JdbcStorage s = new JdbcStorage("sqlite:" + dir.resolve("r.db"))) {
            long id = s.createStudy("named", List.of(StudyDirection.MINIMIZE));
            long t = s.createTrial(id).trialId();
            s.finishTrial(t, TrialState.PRUNED, List.of(), java.util.Optional.empty());
            assertThatThrownBy(() -> s.setTrialParam(t, "x", 0.5, X)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("trial 0 of study 'named'").hasMessageContaining("PRUNED");
            assertThatThrownBy(() -> s.recordHeartbeat(987654)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("987654");
            assertThatThrownBy(() -> s.getTrialsChangedSince(id, -1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> s.createStudy("x".repeat(513), List.of(StudyDirection.MINIMIZE)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 512");
            assertThat(s.toString()).contains("sqlite:");
            assertThatThrownBy(() -> s.setStudyUserAttr(id, "k".repeat(256), 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at most 255");
        }
    }

    @Test
    void compareAndSetComparesValuesNotTheirSpelling() {
        try (JdbcStorage s = new JdbcStorage("sqlite:" + dir.resolve("cas.db"))) {
            long id = s.createStudy("cas", List.of(StudyDirection.MINIMIZE));
            Map<String, Object> ab = new java.util.LinkedHashMap<>();
            ab.put("a", 1);
            ab.put("b", 2);
            Map<String, Object> ba = new java.util.LinkedHashMap<>();
            ba.put("b", 2);
            ba.put("a", 1);
            s.setStudySystemAttr(id, "m", ab);
            assertThat(s.compareAndSetStudySystemAttr(id, "m", java.util.Optional.of(ba), "next")).isTrue();
            assertThat(s.compareAndSetStudySystemAttr(id, "m", java.util.Optional.of(ba), "again")).isFalse();
            assertThat(s.getStudySystemAttrs(id)).containsEntry("m", "next");
            assertThatThrownBy(() -> s.compareAndSetStudySystemAttr(98765, "m", java.util.Optional.empty(), 1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> s.getStudySystemAttrs(98765)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
