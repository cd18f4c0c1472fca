package org.nntune.tune.storage;

import java.util.Map;
import java.util.Optional;

/**
 * Where a study keeps opaque blobs next to its trials: the checkpoints of population-based
 * training, saved models. Keys are per study; a key is 1-200 characters of letters, digits and
 * {@code . _ - /} (no {@code ..}), so that every backend (a folder, a table) can hold it as it is.
 *
 * <h2>Contract (checked by the shared {@code StorageContractTest})</h2>
 * <ul>
 *   <li><b>Thread safety.</b> All methods may be called concurrently; a {@link #put} is atomic:
 *       readers see the old blob or the new one, never part of one.</li>
 *   <li><b>Size cap.</b> A store may have a cap on the bytes it holds per study
 *       ({@link #capBytes()}); a {@link #put} that would pass it throws
 *       {@link ArtifactStoreException} with {@link ArtifactStoreException.Kind#FULL} and changes
 *       nothing. Replacing a blob counts only the difference.</li>
 *   <li><b>Failures.</b> A store that cannot be reached any more (a folder that disappeared, a lost
 *       database) throws {@link ArtifactStoreException} with {@link ArtifactStoreException.Kind#UNAVAILABLE};
 *       what was stored before is never deleted by a failed call.</li>
 *   <li>Deleting a study deletes its artifacts.</li>
 * </ul>
 */
public interface ArtifactStore {

    /** No cap. */
    long UNLIMITED = Long.MAX_VALUE;

    /**
     * Stores (or replaces) a blob.
     *
     * @throws ArtifactStoreException if the cap would be passed or the store is unavailable
     * @throws IllegalArgumentException for a bad key
     */
    void put(long studyId, String key, byte[] bytes);

    /** @return the blob, if there is one under that key */
    Optional<byte[]> get(long studyId, String key);

    /** Deletes a blob; nothing happens if there is none. */
    void delete(long studyId, String key);

    /** @return every key of the study with its size in bytes, sorted by key */
    Map<String, Long> list(long studyId);

    /** Deletes every artifact of the study (when the study is deleted). */
    default void deleteStudy(long studyId) {
        for (String key : list(studyId).keySet()) {
            delete(studyId, key);
        }
    }

    /** @return the cap on the bytes one study may hold ({@link #UNLIMITED} if none) */
    long capBytes();

    /** @return the bytes the study's artifacts take */
    default long usedBytes(long studyId) {
        long sum = 0;
        for (long size : list(studyId).values()) {
            sum += size;
        }
        return sum;
    }

    /**
     * Checks a key against the rules in the class comment.
     *
     * @throws IllegalArgumentException if it breaks them
     */
    static void checkKey(String key) {
        boolean ok = !key.isEmpty() && key.length() <= 200 && !key.contains("..") && !key.startsWith("/")
                && !key.endsWith("/") && !key.contains("//");
        for (int i = 0; ok && i < key.length(); i++) {
            char c = key.charAt(i);
            ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '-' || c == '/';
        }
        if (!ok) {
            throw new IllegalArgumentException("bad artifact key '" + key + "': use 1-200 letters, digits and . _ - /"
                    + " (no '..', no leading, trailing or double '/')");
        }
    }

    /**
     * Checks a put against the cap.
     *
     * @param used the study's bytes now
     * @param replaced the size of the blob being replaced (0 if none)
     * @throws ArtifactStoreException ({@code FULL}) if the put would pass the cap
     */
    static void checkCap(String where, long cap, long used, long replaced, String key, int size) {
        if (cap != UNLIMITED && used - replaced + size > cap) {
            throw new ArtifactStoreException(ArtifactStoreException.Kind.FULL, "the artifact store " + where
                    + " is full: storing '" + key + "' (" + size + " bytes) would make " + (used - replaced + size)
                    + " bytes, over its cap of " + cap + " bytes; raise the cap or free space");
        }
    }
}
