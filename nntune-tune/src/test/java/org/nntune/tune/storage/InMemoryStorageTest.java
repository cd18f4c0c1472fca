package org.nntune.tune.storage;

/** The storage contract, run against {@link InMemoryStorage}. */
class InMemoryStorageTest extends StorageContractTest {
    @Override
    protected Storage newStorage() {
        return new InMemoryStorage();
    }

    @Override
    protected Storage newStorageWithArtifactCap(long capBytes) {
        return new InMemoryStorage(java.time.Clock.systemUTC(), new InMemoryArtifactStore(capBytes));
    }
}
