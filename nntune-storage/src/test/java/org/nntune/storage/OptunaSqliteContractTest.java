package org.nntune.storage;

import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.storage.FolderArtifactStore;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.StorageContractTest;

import java.nio.file.Path;

/** The storage contract on Optuna's tables ({@link OptunaStorage}) in SQLite, a new file per test (revision v3.0.0.d). */
class OptunaSqliteContractTest extends StorageContractTest {
    @TempDir
    Path dir;

    @Override
    protected Storage newStorage() {
        return Storages.open("optuna+sqlite:///" + dir.resolve("optuna.db"));
    }

    @Override
    protected Storage newStorageWithArtifactCap(long capBytes) {
        return OptunaStorage.open("optuna+sqlite:///" + dir.resolve("capped.db"))
                .useArtifactStore(new FolderArtifactStore(dir.resolve("capped"), capBytes));
    }
}
