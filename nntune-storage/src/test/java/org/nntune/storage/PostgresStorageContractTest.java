package org.nntune.storage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.StorageContractTest;

/** The storage contract on PostgreSQL, in a schema of this test class, dropped afterwards. */
class PostgresStorageContractTest extends StorageContractTest {
    private static String schema;
    private static String url;

    @BeforeAll
    static void createSchema() {
        TestDatabases.assumePostgres();
        schema = TestDatabases.freshName("nntune_contract");
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
        return new JdbcStorage(url);
    }

    @Override
    protected Storage newStorageWithArtifactCap(long capBytes) {
        JdbcStorage s = new JdbcStorage(url);
        return s.useArtifactStore(s.artifactTable(capBytes));
    }
}
