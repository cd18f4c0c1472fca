package org.nntune.storage;

import org.nntune.tune.storage.ArtifactStore;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where a storage keeps its studies' artifacts: the store the user chose with {@code useArtifactStore},
 * or the storage's default, made on first use (so that a storage that never keeps an artifact makes
 * no folder and refuses nothing).
 */
final class ArtifactSlot {
    private final Supplier<ArtifactStore> defaultStore;
    private volatile ArtifactStore store;

    /** @param defaultStore makes the default store; it may throw IllegalStateException when there is none */
    ArtifactSlot(Supplier<ArtifactStore> defaultStore) {
        this.defaultStore = defaultStore;
    }

    /** The store: the chosen one, else the default, made now if it was not made before. */
    ArtifactStore get() {
        ArtifactStore a = store;
        if (a == null) {
            synchronized (this) {
                if (store == null) {
                    store = defaultStore.get();
                }
                a = store;
            }
        }
        return a;
    }

    /** Chooses the store; call it before the storage is used. */
    void set(ArtifactStore chosen) {
        store = Objects.requireNonNull(chosen, "store");
    }

    /** The store if one was chosen or made, else null (nothing to clean up). */
    ArtifactStore inUse() {
        return store;
    }
}
