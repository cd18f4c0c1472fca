package org.nntune.storage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.StorageContractTest;

/** The storage contract on Optuna's tables in PostgreSQL, one schema for the class (revision v3.2.0.a, Optuna 3.2-4.x). */
class OptunaPostgresContractTest extends StorageContractTest {
    private static String schema;
    private static String url;

    @BeforeAll
    static void createSchema() {
        TestDatabases.assumePostgres();
        schema = TestDatabases.freshName("nntune_optuna");
        url = TestDatabases.createPgSchema(schema);
    }

    @AfterAll
    static void dropSchema() {
        if (schema != null) {
            TestDatabases.dropPgSchema(schema);
        }
    }

    @Override
    protected Storage newStorage() {
        return Storages.open("optuna+" + url + "&optuna_revision=v3.2.0.a");
    }
}
