package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code Study.tell} of a trial asked of a study object on another {@code Storage} object: two objects opened on one
 * database in one JVM are one storage (the trial is finished), two databases are two (refused, nothing written).
 */
class TellAcrossStorageObjectsTest {

    /** Asks a trial of the study on {@code asked}, tells it to the same study loaded from {@code told}. */
    private static void tellsThroughAnotherObject(Storage asked, Storage told) {
        assertThat(asked.sameStorageAs(told)).isTrue();
        assertThat(told.sameStorageAs(asked)).isTrue();
        Study a = Study.builder("shared").storage(asked).sampler(new RandomSampler()).seed(1).create();
        Study b = Study.builder("shared").storage(told).load();
        Trial t = a.ask();
        t.suggestFloat("x", 0, 1);
        assertThat(b.tell(t, 2.5).state()).isEqualTo(TrialState.COMPLETE);
        assertThat(a.bestValue()).isEqualTo(2.5);
        assertThat(b.bestValue()).isEqualTo(2.5);
    }

    /** Two studies of one name on two databases: the trial of one told to the other is refused, both stay RUNNING. */
    private static void refusesAnotherDatabase(Storage one, Storage other) {
        assertThat(one.sameStorageAs(other)).isFalse();
        Study a = Study.builder("A").storage(one).sampler(new RandomSampler()).seed(1).create();
        Study elsewhere = Study.builder("A").storage(other).sampler(new RandomSampler()).seed(1).create();
        Trial own = a.ask();
        Trial foreign = elsewhere.ask();
        assertThat(own.trialId()).isEqualTo(foreign.trialId()); // ids mean something only in their own database
        assertThatThrownBy(() -> a.tell(foreign, 3.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("trial 0 belongs to study 'A' of another storage, not to this study 'A'");
        assertThat(a.trials()).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo(TrialState.RUNNING));
        assertThat(elsewhere.trials()).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo(TrialState.RUNNING));
    }

    @Test
    void twoObjectsOnOneSqliteFileAreOneStorageHoweverThePathIsSpelt(@TempDir Path dir) {
        Path file = dir.resolve("one.db");
        try (JdbcStorage first = new JdbcStorage("sqlite:" + file);
             JdbcStorage second = new JdbcStorage("sqlite:" + dir.resolve("sub").resolve("..").resolve("one.db"))) {
            tellsThroughAnotherObject(first, second);
        }
    }

    @Test
    void twoSqliteFilesAreTwoStorages(@TempDir Path dir) {
        try (JdbcStorage one = new JdbcStorage("sqlite:" + dir.resolve("one.db"));
             JdbcStorage other = new JdbcStorage("sqlite:" + dir.resolve("other.db"))) {
            refusesAnotherDatabase(one, other);
        }
    }

    @Test
    void optunasTablesAndNntunesInOneFileAreTwoStorages(@TempDir Path dir) {
        Path file = dir.resolve("both.db");
        try (JdbcStorage nntune = new JdbcStorage("sqlite:" + file);
             Storage optuna = Storages.open("optuna+sqlite:///" + file)) {
            refusesAnotherDatabase(nntune, optuna);
        }
    }

    @Test
    void twoObjectsOnOnePostgresSchemaAreOneStorage() throws Exception {
        TestDatabases.withPgSchema("nntune_tell", url -> {
            try (JdbcStorage first = new JdbcStorage(url);
                 JdbcStorage second = new JdbcStorage(url.replace("127.0.0.1", "localhost"))) {
                tellsThroughAnotherObject(first, second);
            }
        });
    }

    @Test
    void twoPostgresSchemasAreTwoStorages() throws Exception {
        TestDatabases.withPgSchema("nntune_tell_one", url -> TestDatabases.withPgSchema("nntune_tell_other", other -> {
            try (JdbcStorage one = new JdbcStorage(url); JdbcStorage elsewhere = new JdbcStorage(other)) {
                refusesAnotherDatabase(one, elsewhere);
            }
        }));
    }
}
