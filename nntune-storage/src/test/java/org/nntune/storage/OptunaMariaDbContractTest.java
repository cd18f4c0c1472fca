package org.nntune.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.StorageContractTest;

/** The storage contract on Optuna's tables in MariaDB, a database per test. */
class OptunaMariaDbContractTest extends StorageContractTest {
    private String database;

    @BeforeAll
    static void server() {
        TestDatabases.assumeMariaDb();
    }

    @Override
    protected Storage newStorage() {
        database = TestDatabases.freshName("nntune_optuna");
        return Storages.open("optuna+" + TestDatabases.createMariaDb(database));
    }

    @AfterEach
    void dropDatabase() {
        storage.close();
        TestDatabases.dropMariaDb(database);
    }
}
