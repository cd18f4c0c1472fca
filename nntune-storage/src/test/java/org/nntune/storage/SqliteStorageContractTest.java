package org.nntune.storage;

import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.StorageContractTest;

import java.nio.file.Path;

/** The storage contract on SQLite, a new file per test. */
class SqliteStorageContractTest extends StorageContractTest {
    @TempDir
    Path dir;

    @Override
    protected Storage newStorage() {
        return new JdbcStorage("sqlite:" + dir.resolve("study.db"));
    }

    @Override
    protected Storage newStorageWithArtifactCap(long capBytes) {
        return new JdbcStorage("sqlite:" + dir.resolve("capped.db"))
                .useArtifactStore(new org.nntune.tune.storage.FolderArtifactStore(dir.resolve("capped"), capBytes));
    }
}
