package org.nntune.storage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.StorageContractTest;

/** The storage contract on Optuna's tables in MariaDB, one database for the class (the tests' study names are unique). */
class OptunaMariaDbContractTest extends StorageContractTest {
    private static String database;
    private static String url;

    @BeforeAll
    static void createDatabase() {
        TestDatabases.assumeMariaDb();
        database = TestDatabases.freshName("nntune_optuna");
        url = TestDatabases.createMariaDb(database);
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            TestDatabases.dropMariaDb(database);
        }
    }

    @Override
    protected Storage newStorage() {
        return Storages.open("optuna+" + url);
    }
}
