package org.nntune.storage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.storage.ArtifactStore;
import org.nntune.tune.storage.FolderArtifactStore;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.StorageContractTest;

import java.nio.file.Path;

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

    @TempDir
    Path dir;

    @Override
    protected Storage newStorage() {
        return newStorageWithArtifactCap(ArtifactStore.UNLIMITED);
    }

    /** Optuna's tables keep no artifacts: a folder store stands for the shared disk. */
    @Override
    protected Storage newStorageWithArtifactCap(long capBytes) {
        return OptunaStorage.open("optuna+" + url)
                .useArtifactStore(new FolderArtifactStore(dir.resolve("artifacts"), capBytes));
    }
}
