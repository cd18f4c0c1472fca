package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.IncompleteCopyException;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.StudyAlreadyExistsException;
import org.nntune.tune.study.Study;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudySummary;
import org.nntune.tune.trial.SystemAttrs;
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

    // ---------------------------------------------------------------- infinite values

    private static void fillInfinite(Storage s, String name, StudyDirection direction) {
        long id = s.createStudy(name, List.of(direction));
        FloatDistribution x = FloatDistribution.uniform(0, 1);
        for (double v : new double[] {Double.POSITIVE_INFINITY, 0.5, Double.NEGATIVE_INFINITY, 0.25}) {
            s.createTrial(id, FrozenTrial.template(TrialState.COMPLETE, List.of(v), Map.of("x", 0.5), Map.of("x", x)));
        }
    }

    private static void copiesInfinities(Storage from, Storage to) {
        for (StudyDirection direction : StudyDirection.values()) {
            String name = "weird-" + direction;
            StudyCopier.copy(name, from, to);
            long id = to.getStudyId(name);
            assertThat(to.getAllTrials(id)).extracting(FrozenTrial::value)
                    .containsExactly(Double.POSITIVE_INFINITY, 0.5, Double.NEGATIVE_INFINITY, 0.25);
            assertThat(to.getBestTrial(id)).hasValueSatisfying(b -> assertThat(b.number())
                    .isEqualTo(direction == StudyDirection.MINIMIZE ? 2 : 0));
        }
    }

    /**
     * Optuna stores {@code study.tell(trial, float("inf"))} (value_type INF_POS): such a study is copied with its
     * infinities as they are, into every kind of target, and the best trial is still found (MariaDB's DOUBLE holds
     * no infinity: nntune's sort column there holds the largest finite double instead, the value stays exact).
     */
    @Test
    void infinitiesFromOptunaArriveAsStoredEverywhere() throws Exception {
        try (Storage py = Storages.open("optuna+sqlite:///" + dir.resolve("py.db"))) {
            fillInfinite(py, "weird-MINIMIZE", StudyDirection.MINIMIZE);
            fillInfinite(py, "weird-MAXIMIZE", StudyDirection.MAXIMIZE);
            try (Storage mem = new InMemoryStorage(); Storage lite = new JdbcStorage("sqlite:" + dir.resolve("out.db"));
                 Storage optuna = Storages.open("optuna+sqlite:///" + dir.resolve("out-optuna.db"))) {
                copiesInfinities(py, mem);
                copiesInfinities(py, lite);
                copiesInfinities(py, optuna);
            }
            TestDatabases.withPgSchema("nntune_copy_inf", url -> {
                try (Storage pg = new JdbcStorage(url)) {
                    copiesInfinities(py, pg);
                }
            });
            TestDatabases.assumeMariaDb();
            String db = TestDatabases.freshName("nntune_copy_inf");
            String url = TestDatabases.createMariaDb(db);
            try (Storage maria = new JdbcStorage(url)) {
                copiesInfinities(py, maria);
            } finally {
                TestDatabases.dropMariaDb(db);
            }
        }
    }

    /** A trial the target cannot take is named by its number in the source, and nothing is written. */
    @Test
    void aTrialTheTargetCannotTakeIsNamedAndNothingIsWritten() throws Exception {
        Path py = dir.resolve("broken.db");
        try (Storage s = Storages.open("optuna+sqlite:///" + py)) {
            fillInfinite(s, "broken", StudyDirection.MINIMIZE);
        }
        // a COMPLETE trial without its value (not something Optuna writes, but a database may hold anything)
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + py);
             java.sql.Statement st = c.createStatement()) {
            st.execute("DELETE FROM trial_values WHERE trial_id = (SELECT trial_id FROM trials WHERE number = 1)");
        }
        try (Storage from = Storages.open("optuna+sqlite:///" + py); Storage to = new InMemoryStorage()) {
            assertThatThrownBy(() -> StudyCopier.copy("broken", from, to)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("trial 1 of study 'broken': COMPLETE needs 1 value(s), got []");
            assertThat(to.getAllStudies()).isEmpty();
        }
    }

    // ---------------------------------------------------------------- interrupted copies

    /** What {@code kill -9} does to a copy: nothing after that point runs, not even its clean-up. */
    private static final class Killed extends Error {
        Killed() {
            super("killed", null, false, false);
        }
    }

    /** A study of {@code n} finished trials with times. */
    private static void fillMany(Storage s, String name, int n) {
        long id = s.createStudy(name, List.of(StudyDirection.MINIMIZE));
        s.setStudySystemAttr(id, StudyProvenance.DEFINITION, Map.of("lr", List.of(0.1, 0.01)));
        FloatDistribution x = FloatDistribution.uniform(0, 1);
        for (int i = 0; i < n; i++) {
            Instant start = Instant.parse("2024-05-06T07:08:09Z").plusSeconds(60L * i);
            s.createTrial(id, new FrozenTrial(-1, -1, TrialState.COMPLETE, List.of(i * 0.5), Map.of("x", i / (double) n),
                    Map.of("x", x), Map.of(), Map.of(), new java.util.TreeMap<>(), Optional.of(start),
                    Optional.of(start.plusSeconds(30)), Optional.empty()));
        }
    }

    /**
     * A copy killed after its first batches leaves a study marked incomplete, which no reader takes as
     * whole; the same copy again replaces it; a copy that fails while it can still clean up leaves nothing.
     */
    private static void interruptedCopyIsMarkedAndReplaced(Storage from, Storage to) {
        fillMany(from, "big", 7);
        // batches of 2: killed once 4 trials have arrived
        assertThatThrownBy(() -> StudyCopier.copy("big", from, to, 2, arrived -> {
            if (arrived >= 4) {
                throw new Killed();
            }
        }, java.time.Clock.systemUTC())).isInstanceOf(Killed.class);
        long id = to.getStudyId("big");
        StudySummary partial = to.getStudy(id);
        assertThat(partial.isIncompleteCopy()).isTrue();
        assertThat(partial.nTrials()).isEqualTo(4);
        assertThat(partial.systemAttrs().get(SystemAttrs.COPY_IN_PROGRESS)).asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("trials", 7L);
        assertThat(to.getAllStudies()).singleElement().satisfies(st -> assertThat(st.isIncompleteCopy()).isTrue());
        // resuming it, or copying it on, is refused
        assertThatThrownBy(() -> Study.builder("big").storage(to).load()).isInstanceOf(IncompleteCopyException.class)
                .hasMessageContaining("'big'").hasMessageContaining("incomplete copy").hasMessageContaining("copy again");
        assertThatThrownBy(() -> Study.builder("big").storage(to).createOrLoad()).isInstanceOf(IncompleteCopyException.class);
        try (Storage elsewhere = new InMemoryStorage()) {
            assertThatThrownBy(() -> StudyCopier.copy("big", to, elsewhere)).isInstanceOf(IncompleteCopyException.class);
            assertThat(elsewhere.getAllStudies()).isEmpty();
        }

        // the same copy again at once: the killed one showed life a moment ago, so it may still be running
        assertThatThrownBy(() -> StudyCopier.copy("big", from, to)).isInstanceOf(CopyInProgressException.class)
                .hasMessageContaining("study 'big' in this storage is being copied now (4 of 7 trials have arrived")
                .hasMessageContaining("wait for that copy to end; if it was killed, copy again after")
                .hasMessageContaining("or delete the study first (nntune delete big)");
        assertThat(to.getStudy(id).nTrials()).isEqualTo(4); // left as it was

        // the same copy again once the killed one counts as dead: replaces the incomplete one, and the result is whole
        java.time.Clock later = java.time.Clock.offset(java.time.Clock.systemUTC(), StudyCopier.ALIVE.plusSeconds(1));
        StudyCopier.copy("big", from, to, 5000, arrived -> { }, later);
        assertSameStudy(from, to, "big");
        assertThat(to.getStudy(to.getStudyId("big")).isIncompleteCopy()).isFalse();
        assertThat(Study.builder("big").storage(to).load().trials(java.util.EnumSet.of(TrialState.COMPLETE))).hasSize(7);
        // a whole copy is not replaced
        assertThatThrownBy(() -> StudyCopier.copy("big", from, to)).isInstanceOf(StudyAlreadyExistsException.class);

        // a copy that fails while it can still clean up (an error, not a kill) leaves nothing
        fillMany(from, "other", 5);
        assertThatThrownBy(() -> StudyCopier.copy("other", from, to, 2, arrived -> {
            throw new IllegalStateException("disk full");
        }, java.time.Clock.systemUTC())).hasMessage("disk full");
        assertThat(to.findStudyId("other")).isEmpty();

        // a second copy while the first is running (here: between its batches) is refused, and the first ends whole
        fillMany(from, "busy", 5);
        List<Throwable> second = new java.util.ArrayList<>();
        StudyCopier.copy("busy", from, to, 2, arrived -> {
            if (arrived == 2) {
                second.add(org.assertj.core.api.Assertions.catchThrowable(() -> StudyCopier.copy("busy", from, to)));
            }
        }, java.time.Clock.systemUTC());
        assertThat(second).singleElement().isInstanceOf(CopyInProgressException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains("study 'busy' in this storage is being copied now (2 of 5"));
        assertSameStudy(from, to, "busy");
        assertThat(to.getStudy(to.getStudyId("busy")).isIncompleteCopy()).isFalse();
    }

    @Test
    void interruptedCopyIntoMemoryAndSqlite() {
        try (Storage mem = new InMemoryStorage(); Storage lite = new JdbcStorage("sqlite:" + dir.resolve("to.db"))) {
            interruptedCopyIsMarkedAndReplaced(new InMemoryStorage(), mem);
            interruptedCopyIsMarkedAndReplaced(new InMemoryStorage(), lite);
        }
    }

    /** Optuna's tables: the mark is a row of study_system_attributes, which Optuna itself ignores. */
    @Test
    void interruptedCopyIntoOptunaTables() {
        try (Storage from = new JdbcStorage("sqlite:" + dir.resolve("from.db"));
             Storage optuna = Storages.open("optuna+sqlite:///" + dir.resolve("optuna.db"))) {
            interruptedCopyIsMarkedAndReplaced(from, optuna);
        }
    }

    @Test
    void interruptedCopyIntoPostgres() throws Exception {
        TestDatabases.withPgSchema("nntune_copy_cut", url -> {
            try (Storage lite = new JdbcStorage("sqlite:" + dir.resolve("pg-from.db")); Storage pg = new JdbcStorage(url)) {
                interruptedCopyIsMarkedAndReplaced(lite, pg);
            }
        });
    }

    @Test
    void interruptedCopyIntoMariaDb() {
        TestDatabases.assumeMariaDb();
        String db = TestDatabases.freshName("nntune_copy_cut");
        String url = TestDatabases.createMariaDb(db);
        try (Storage lite = new JdbcStorage("sqlite:" + dir.resolve("maria-from.db")); Storage maria = new JdbcStorage(url)) {
            interruptedCopyIsMarkedAndReplaced(lite, maria);
        } finally {
            TestDatabases.dropMariaDb(db);
        }
    }
}
