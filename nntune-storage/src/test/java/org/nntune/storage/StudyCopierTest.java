package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.StudyAlreadyExistsException;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StudyCopierTest {
    @TempDir
    Path dir;

    /** A study with every kind of trial. */
    private static void fill(Storage s, String name) {
        long id = s.createStudy(name, List.of(StudyDirection.MAXIMIZE));
        s.setStudyUserAttr(id, "owner", "ann");
        s.setStudySystemAttr(id, StudyProvenance.DEFINITION, Map.of("lr", List.of(0.1, 0.01)));
        FloatDistribution x = FloatDistribution.uniform(0, 1);
        CategoricalDistribution c = CategoricalDistribution.of("a", "b");
        for (int i = 0; i < 5; i++) {
            long t = s.createTrial(id).trialId();
            s.setTrialParam(t, "x", i / 10.0, x);
            s.setTrialParam(t, "c", i % 2, c);
            s.setTrialIntermediateValue(t, 1, i);
            s.setTrialUserAttr(t, "i", i);
            TrialState state = i == 3 ? TrialState.FAIL : i == 4 ? TrialState.PRUNED : TrialState.COMPLETE;
            s.finishTrial(t, state, state == TrialState.FAIL ? List.of() : List.of(i * 1.5),
                    state == TrialState.FAIL ? Optional.of("boom") : Optional.empty());
        }
        s.createTrial(id, FrozenTrial.template(TrialState.WAITING, List.of(), Map.of(), Map.of()));
        s.createTrial(id); // running: arrives as FAIL
    }

    private static void assertSameStudy(Storage from, Storage to, String name) {
        long a = from.getStudyId(name);
        long b = to.getStudyId(name);
        assertThat(to.getStudyDirections(b)).isEqualTo(from.getStudyDirections(a));
        assertThat(to.getStudyUserAttrs(b)).isEqualTo(from.getStudyUserAttrs(a));
        assertThat(to.getStudySystemAttrs(b)).isEqualTo(from.getStudySystemAttrs(a));
        List<FrozenTrial> src = from.getAllTrials(a);
        List<FrozenTrial> dst = to.getAllTrials(b);
        assertThat(dst).hasSameSizeAs(src);
        for (int i = 0; i < src.size(); i++) {
            FrozenTrial s = src.get(i);
            FrozenTrial d = dst.get(i);
            assertThat(d.number()).isEqualTo(s.number());
            assertThat(d.params()).isEqualTo(s.params());
            assertThat(d.distributions()).isEqualTo(s.distributions());
            assertThat(d.userAttrs()).isEqualTo(s.userAttrs());
            assertThat(d.intermediateValues()).isEqualTo(s.intermediateValues());
            if (s.state() == TrialState.RUNNING) {
                assertThat(d.state()).isEqualTo(TrialState.FAIL);
                assertThat(d.failureReason()).hasValueSatisfying(r -> assertThat(r).contains("RUNNING"));
            } else {
                assertThat(d.state()).isEqualTo(s.state());
                assertThat(d.values()).isEqualTo(s.values());
                assertThat(d.failureReason()).isEqualTo(s.failureReason());
            }
            // the times the trial really ran, in the target's columns (to its precision: microseconds here)
            assertThat(d.datetimeStart()).isEqualTo(micros(s.datetimeStart()));
            if (s.state() == TrialState.RUNNING) {
                assertThat(d.datetimeComplete()).isPresent();
            } else {
                assertThat(d.datetimeComplete()).isEqualTo(micros(s.datetimeComplete()));
            }
            assertThat(d.systemAttrs()).isEqualTo(s.systemAttrs());
        }
        assertThat(to.getBestTrial(b).map(FrozenTrial::number)).isEqualTo(from.getBestTrial(a).map(FrozenTrial::number));
    }

    private static Optional<Instant> micros(Optional<Instant> t) {
        return t.map(i -> i.truncatedTo(ChronoUnit.MICROS));
    }

    @Test
    void aCopyByAnEarlierBuildGetsItsOriginalTimesBack() {
        // earlier builds stamped the copy's time and kept the times the trial ran in system attributes
        Instant ran = Instant.parse("2020-01-02T03:04:05.123456Z");
        try (Storage old = new InMemoryStorage(); Storage to = new InMemoryStorage()) {
            long id = old.createStudy("s", List.of(StudyDirection.MINIMIZE));
            FrozenTrial t = FrozenTrial.template(TrialState.COMPLETE, List.of(1.0), Map.of(), Map.of());
            old.createTrial(id, new FrozenTrial(-1, -1, t.state(), t.values(), Map.of(), Map.of(), Map.of(),
                    Map.of(StudyCopier.COPIED_START, ran.toString(), StudyCopier.COPIED_COMPLETE, ran.plusSeconds(7).toString()),
                    new java.util.TreeMap<>(), Optional.empty(), Optional.empty(), Optional.empty()));
            StudyCopier.copy("s", old, to);
            FrozenTrial copied = to.getAllTrials(to.getStudyId("s")).get(0);
            assertThat(copied.datetimeStart()).hasValue(ran);
            assertThat(copied.datetimeComplete()).hasValue(ran.plusSeconds(7));
        }
    }

    @Test
    void copiesMemoryToSqliteAndBack() {
        try (Storage mem = new InMemoryStorage(); JdbcStorage lite = new JdbcStorage("sqlite:" + dir.resolve("c.db"));
             Storage back = new InMemoryStorage()) {
            fill(mem, "study");
            StudyCopier.copy("study", mem, lite);
            assertSameStudy(mem, lite, "study");
            StudyCopier.copy("study", lite, back);
            assertSameStudy(lite, back, "study");
            assertThatThrownBy(() -> StudyCopier.copy("study", mem, lite)).isInstanceOf(StudyAlreadyExistsException.class);
            assertThatThrownBy(() -> StudyCopier.copy("nope", mem, lite)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("nope");
        }
    }

    @Test
    void copiesSqliteToPostgres() throws Exception {
        TestDatabases.withPgSchema("nntune_copy", url -> {
            try (JdbcStorage lite = new JdbcStorage("sqlite:" + dir.resolve("laptop.db")); JdbcStorage pg = new JdbcStorage(url)) {
                fill(lite, "laptop-study");
                StudyCopier.copy("laptop-study", lite, pg);
                assertSameStudy(lite, pg, "laptop-study");
            }
        });
    }
}
