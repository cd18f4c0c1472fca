package org.nntune.tune.storage;

/** The storage contract, run against {@link InMemoryStorage}. */
class InMemoryStorageTest extends StorageContractTest {
    @Override
    protected Storage newStorage() {
        return new InMemoryStorage();
    }
}
