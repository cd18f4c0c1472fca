package org.nntune.storage;

import org.nntune.tune.storage.ArtifactStore;
import org.nntune.tune.storage.ArtifactStoreException;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.nntune.storage.Database.prepare;
import static org.nntune.storage.Database.update;

/** Artifacts as rows of {@code nntune_artifacts}; a put is one transaction under the study's row lock. */
final class TableArtifacts implements ArtifactStore {
    private final Database db;
    private final StudyAccess studies;
    private final long cap;

    TableArtifacts(Database db, StudyAccess studies, long cap) {
        if (cap <= 0) {
            throw new IllegalArgumentException("artifact cap " + cap + " must be > 0 bytes");
        }
        this.db = db;
        this.studies = studies;
        this.cap = cap;
    }

    private <T> T run(String what, Database.Work<T> work, boolean write) {
        try {
            return write ? db.write(work) : db.read(work);
        } catch (StorageException e) {
            throw new ArtifactStoreException(ArtifactStoreException.Kind.UNAVAILABLE, what + " in " + db.url + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void put(long studyId, String key, byte[] bytes) {
        ArtifactStore.checkKey(key);
        run("cannot store artifact '" + key + "'", c -> {
            studies.lock(c, studyId, 0, null); // the cap is checked and kept under the study's lock
            long used = 0;
            long old = 0;
            try (PreparedStatement ps = prepare(c, "SELECT artifact_key, size_bytes FROM nntune_artifacts"
                    + " WHERE study_id = ?", studyId); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    used += rs.getLong(2);
                    if (rs.getString(1).equals(key)) {
                        old = rs.getLong(2);
                    }
                }
            }
            ArtifactStore.checkCap(db.url.display(), cap, used, old, key, bytes.length);
            update(c, "DELETE FROM nntune_artifacts WHERE study_id = ? AND artifact_key = ?", studyId, key);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO nntune_artifacts (study_id, artifact_key,"
                    + " size_bytes, data) VALUES (?, ?, ?, ?)")) {
                ps.setLong(1, studyId);
                ps.setString(2, key);
                ps.setLong(3, bytes.length);
                ps.setBytes(4, bytes);
                ps.executeUpdate();
            }
            return null;
        }, true);
    }

    @Override
    public Optional<byte[]> get(long studyId, String key) {
        ArtifactStore.checkKey(key);
        return run("cannot read artifact '" + key + "'", c -> {
            try (PreparedStatement ps = prepare(c, "SELECT data FROM nntune_artifacts WHERE study_id = ?"
                    + " AND artifact_key = ?", studyId, key); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.<byte[]>empty();
            }
        }, false);
    }

    @Override
    public void delete(long studyId, String key) {
        ArtifactStore.checkKey(key);
        run("cannot delete artifact '" + key + "'", c -> update(c, "DELETE FROM nntune_artifacts WHERE study_id = ?"
                + " AND artifact_key = ?", studyId, key), true);
    }

    @Override
    public Map<String, Long> list(long studyId) {
        return run("cannot list the artifacts", c -> {
            Map<String, Long> out = new TreeMap<>();
            try (PreparedStatement ps = prepare(c, "SELECT artifact_key, size_bytes FROM nntune_artifacts"
                    + " WHERE study_id = ?", studyId); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        }, false);
    }

    @Override
    public long capBytes() {
        return cap;
    }

    @Override
    public void deleteStudy(long studyId) {
        run("cannot delete the artifacts", c -> update(c, "DELETE FROM nntune_artifacts WHERE study_id = ?", studyId),
                true);
    }

    @Override
    public String toString() {
        return "table nntune_artifacts of " + db.url;
    }
}
