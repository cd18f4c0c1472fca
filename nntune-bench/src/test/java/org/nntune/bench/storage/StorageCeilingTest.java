package org.nntune.bench.storage;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ceiling benchmark's widest configuration, short and not timed: 128 simulated workers (threads
 * over 16 storages of 2 connections each) run 256 TPE trials of one PostgreSQL study with no error,
 * every trial COMPLETE in the storage and every latency recorded, one start per trial and no separate
 * write of the worker's name. Works in a database of its own,
 * created and dropped; skipped when PostgreSQL does not answer, unless nntune.requireDatabases.
 */
class StorageCeilingTest {
    static final String SERVER = "127.0.0.1:5432";
    static final String DB = "nntune_ceiling_test";

    @Test
    void a128WorkerRunEndsWithoutErrors() throws Exception {
        try {
            StorageCeiling.recreateDatabase(SERVER, DB);
        } catch (SQLException e) {
            String message = "PostgreSQL at " + SERVER + " does not answer (" + e.getMessage() + ")";
            if (Boolean.getBoolean("nntune.requireDatabases")) {
                Assertions.fail(message);
            }
            Assumptions.abort(message + "; skipped");
        }
        try {
            StorageCeiling.Result r = StorageCeiling.runNntune("postgresql://postgres@" + SERVER + "/" + DB, "ceiling-test", 128, 256);
            assertThat(r.errors()).as(String.valueOf(r.firstError())).isZero();
            assertThat(r.completeInStorage()).isEqualTo(256);
            assertThat(r.askNs()).hasSize(256);
            assertThat(r.tellNs()).hasSize(256);
            assertThat(r.storageCalls()).containsKeys("startTrialWithin", "setTrialParamAndGet", "getTrialsChangedSince");
            assertThat(r.storageCalls().get("startTrialWithin")[0]).isEqualTo(256);
            // the worker's name is written with the start, not by a round trip of its own
            assertThat(r.storageCalls()).doesNotContainKey("setTrialSystemAttr");
        } finally {
            StorageCeiling.dropDatabase(SERVER, DB);
        }
    }
}
