package org.nntune.storage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.storage.ArtifactStore;
import org.nntune.tune.storage.FolderArtifactStore;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.StorageContractTest;

import java.nio.file.Path;

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

    @TempDir
    Path dir;

    @Override
    protected Storage newStorage() {
        return newStorageWithArtifactCap(ArtifactStore.UNLIMITED);
    }

    /** Optuna's tables keep no artifacts: a folder store stands for the shared disk. */
    @Override
    protected Storage newStorageWithArtifactCap(long capBytes) {
        return OptunaStorage.open("optuna+" + url + "&optuna_revision=v3.2.0.a")
                .useArtifactStore(new FolderArtifactStore(dir.resolve("artifacts"), capBytes));
    }
}
