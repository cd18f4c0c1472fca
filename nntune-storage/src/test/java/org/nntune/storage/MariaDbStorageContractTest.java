package org.nntune.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.StorageContractTest;

/** The storage contract on MariaDB, each test in a database of its own, dropped afterwards. */
class MariaDbStorageContractTest extends StorageContractTest {
    private String database;

    @BeforeAll
    static void server() {
        TestDatabases.assumeMariaDb();
    }

    @Override
    protected Storage newStorage() {
        database = TestDatabases.freshName("nntune_contract");
        return new JdbcStorage(TestDatabases.createMariaDb(database));
    }

    @AfterEach
    void dropDatabase() {
        storage.close();
        TestDatabases.dropMariaDb(database);
    }

    private String cappedDatabase;

    @Override
    protected Storage newStorageWithArtifactCap(long capBytes) {
        cappedDatabase = TestDatabases.freshName("nntune_capped");
        JdbcStorage s = new JdbcStorage(TestDatabases.createMariaDb(cappedDatabase));
        return s.useArtifactStore(s.artifactTable(capBytes));
    }

    @AfterEach
    void dropCappedDatabase() {
        if (cappedDatabase != null) {
            TestDatabases.dropMariaDb(cappedDatabase);
            cappedDatabase = null;
        }
    }
}
