package org.nntune.tune.storage;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Artifacts in the heap, for {@link InMemoryStorage}; blobs are copied in and out. */
public final class InMemoryArtifactStore implements ArtifactStore {
    private final long cap;
    private final Map<Long, TreeMap<String, byte[]>> studies = new HashMap<>();

    /** A store without a cap. */
    public InMemoryArtifactStore() {
        this(UNLIMITED);
    }

    /** A store holding at most {@code capBytes} per study. */
    public InMemoryArtifactStore(long capBytes) {
        if (capBytes <= 0) {
            throw new IllegalArgumentException("artifact cap " + capBytes + " must be > 0 bytes");
        }
        this.cap = capBytes;
    }

    @Override
    public synchronized void put(long studyId, String key, byte[] bytes) {
        ArtifactStore.checkKey(key);
        TreeMap<String, byte[]> s = studies.computeIfAbsent(studyId, id -> new TreeMap<>());
        byte[] old = s.get(key);
        ArtifactStore.checkCap("in memory", cap, usedBytes(studyId), old == null ? 0 : old.length, key, bytes.length);
        s.put(key, bytes.clone());
    }

    @Override
    public synchronized Optional<byte[]> get(long studyId, String key) {
        TreeMap<String, byte[]> s = studies.get(studyId);
        byte[] b = s == null ? null : s.get(key);
        return b == null ? Optional.empty() : Optional.of(b.clone());
    }

    @Override
    public synchronized void delete(long studyId, String key) {
        TreeMap<String, byte[]> s = studies.get(studyId);
        if (s != null) {
            s.remove(key);
        }
    }

    @Override
    public synchronized Map<String, Long> list(long studyId) {
        Map<String, Long> out = new TreeMap<>();
        TreeMap<String, byte[]> s = studies.get(studyId);
        if (s != null) {
            s.forEach((k, v) -> out.put(k, (long) v.length));
        }
        return out;
    }

    @Override
    public long capBytes() {
        return cap;
    }

    @Override
    public synchronized void deleteStudy(long studyId) {
        studies.remove(studyId);
    }
}
