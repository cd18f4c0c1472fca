package org.nntune.storage;

import org.nntune.tune.space.Json;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.StudySummary;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

import static org.nntune.storage.Database.prepare;
import static org.nntune.storage.Database.update;

/**
 * The studies of nntune's tables ({@code nntune_studies}, {@code nntune_study_attrs}) for {@link JdbcStorage}:
 * creating, finding, listing and deleting studies, their attributes (compare-and-set included), and the study
 * row's lock that every write of a study takes first ({@link #lock}).
 */
final class StudyAccess {
    /** A study's name and directions (both immutable, so cached). */
    record StudyInfo(String name, List<StudyDirection> directions) {}

    /** The study row after {@link #lock}: its change counter and how many trials it has counted. */
    record StudyLock(long changeSeq, int nTrials) {}

    private static final String STUDY_COLS = "study_id, study_name, directions, n_trials, datetime_start";
    /** {@code INTO nntune_study_attrs … SELECT … FROM nntune_studies WHERE study_id = ?}: no row for an unknown study */
    private static final String INTO_ATTRS = "INTO nntune_study_attrs (study_id, is_system, attr_key, value_json)"
            + " SELECT study_id, ?, ?, ? FROM nntune_studies WHERE study_id = ?";
    private static final int USER = 0;
    private static final int SYSTEM = 1;

    private final Database db;
    private final Dialect d;
    /** study id → name and directions */
    private final Map<Long, StudyInfo> studies = new ConcurrentHashMap<>();

    StudyAccess(Database db) {
        this.db = db;
        this.d = db.dialect;
    }

    static IllegalArgumentException unknownStudy(long studyId) {
        return new IllegalArgumentException("no study with id " + studyId + " in this storage");
    }

    // ---------------------------------------------------------------- the study row's lock

    /**
     * Bumps the study's change counter, which locks its row until commit (all writes of a study take
     * this lock first, so they never deadlock on each other), and optionally counts new trials and
     * moves the study's start earlier.
     *
     * @param startMicros the start of a trial the write starts, or null
     * @return the new change counter and the number of trials after the bump
     * @throws IllegalArgumentException if there is no such study
     */
    StudyLock lock(Connection c, long studyId, int newTrials, Long startMicros) throws SQLException {
        String sql = "UPDATE nntune_studies SET " + lockSet(newTrials, startMicros) + " WHERE study_id = ?";
        Object[] args = lockArgs(studyId, startMicros);
        if (!d.hasUpdateReturning()) {
            if (update(c, sql, args) == 0) {
                throw unknownStudy(studyId);
            }
            try (PreparedStatement ps = prepare(c, "SELECT change_seq, n_trials FROM nntune_studies WHERE study_id = ?",
                    studyId); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new StudyLock(rs.getLong(1), rs.getInt(2));
            }
        }
        try (PreparedStatement ps = prepare(c, sql + " RETURNING change_seq, n_trials", args);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw unknownStudy(studyId);
            }
            return new StudyLock(rs.getLong(1), rs.getInt(2));
        }
    }

    /** The SET clause of the study-row update every write starts with (see {@link #lock}). */
    private static String lockSet(int newTrials, Long startMicros) {
        return "change_seq = change_seq + 1"
                + (newTrials > 0 ? ", n_trials = n_trials + " + newTrials : "")
                + (startMicros != null
                ? ", datetime_start = CASE WHEN datetime_start IS NULL OR datetime_start > ? THEN ? ELSE datetime_start END"
                : "");
    }

    /** The parameters of {@code UPDATE nntune_studies SET lockSet(...) WHERE study_id = ?}. */
    static Object[] lockArgs(long studyId, Long startMicros) {
        return startMicros != null ? new Object[] {startMicros, startMicros, studyId} : new Object[] {studyId};
    }

    /**
     * Where {@link Dialect#hasWritingCte}: the study-row update as a data-modifying CTE {@code s} (returning
     * n_trials and change_seq), locking (and so writing) only when {@code condition} (" AND …") holds too, so
     * that "lock the study, then write the trial" is one statement, one round trip. Its parameters are
     * {@link #lockArgs} and then those of the condition.
     */
    static String lockCte(int newTrials, Long startMicros, String condition) {
        return "WITH s AS (UPDATE nntune_studies SET " + lockSet(newTrials, startMicros)
                + " WHERE study_id = ?" + condition + " RETURNING n_trials, change_seq) ";
    }

    // ---------------------------------------------------------------- studies

    long create(String name, List<StudyDirection> directions) {
        return create(name, directions, Map.of());
    }

    /** Creates a study and its system attributes in one transaction. */
    long create(String name, List<StudyDirection> directions, Map<String, Object> systemAttrs) {
        if (name.isBlank()) {
            throw new IllegalArgumentException("a study name must not be blank");
        }
        if (name.length() > 512) {
            throw new IllegalArgumentException("study name of " + name.length() + " characters; at most 512 are allowed");
        }
        if (directions.isEmpty()) {
            throw new IllegalArgumentException("study '" + name + "': at least one direction is needed");
        }
        systemAttrs.keySet().forEach(StudyAccess::checkAttrKey);
        String dirs = String.join(",", directions.stream().map(Enum::name).toList());
        long id = db.insertStudy(name, c -> {
            long sid = db.insert(c, "INSERT INTO nntune_studies (study_name, directions,"
                    + " user_attrs, system_attrs, n_trials, change_seq) VALUES (?, ?, '{}', '{}', 0, 0)", "study_id", name, dirs);
            for (Map.Entry<String, Object> e : systemAttrs.entrySet()) {
                update(c, "INSERT " + INTO_ATTRS, SYSTEM, e.getKey(), Json.encode(Json.normalize(e.getValue())), sid);
            }
            return sid;
        });
        studies.put(id, new StudyInfo(name, List.copyOf(directions)));
        return id;
    }

    OptionalLong find(String name) {
        return db.read(c -> Database.queryOptionalLong(c, "SELECT study_id FROM nntune_studies WHERE study_name = ?", name));
    }

    /** Deletes the study's rows, its trials', attributes' and artifacts' (of the table) in one transaction. */
    void delete(long studyId) {
        db.write(c -> {
            if (update(c, "DELETE FROM nntune_studies WHERE study_id = ?", studyId) == 0) {
                throw unknownStudy(studyId);
            }
            update(c, "DELETE FROM nntune_trials WHERE study_id = ?", studyId);
            update(c, "DELETE FROM nntune_study_attrs WHERE study_id = ?", studyId);
            update(c, "DELETE FROM nntune_artifacts WHERE study_id = ?", studyId);
            return null;
        });
        studies.remove(studyId);
    }

    StudySummary summary(long studyId) {
        return db.read(c -> {
            StudySummary bare;
            try (PreparedStatement ps = prepare(c, "SELECT " + STUDY_COLS + " FROM nntune_studies WHERE study_id = ?",
                    studyId); ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw unknownStudy(studyId);
                }
                bare = summary(rs, Map.of(), Map.of());
            }
            Map<Long, List<Map<String, Object>>> attrs = attrs(c, studyId);
            List<Map<String, Object>> a = attrs.getOrDefault(studyId, List.of(Map.of(), Map.of()));
            return new StudySummary(bare.studyId(), bare.name(), bare.directions(), a.get(USER), a.get(SYSTEM),
                    bare.nTrials(), bare.datetimeStart());
        });
    }

    List<StudySummary> summaries() {
        return db.read(c -> {
            Map<Long, List<Map<String, Object>>> attrs = attrs(c, null);
            List<StudySummary> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + STUDY_COLS + " FROM nntune_studies ORDER BY study_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<Map<String, Object>> a = attrs.getOrDefault(rs.getLong(1), List.of(Map.of(), Map.of()));
                    out.add(summary(rs, a.get(USER), a.get(SYSTEM)));
                }
            }
            return out;
        });
    }

    private StudySummary summary(ResultSet rs, Map<String, Object> user, Map<String, Object> system) throws SQLException {
        long id = rs.getLong(1);
        String name = rs.getString(2);
        List<StudyDirection> dirs = directions(rs.getString(3));
        studies.putIfAbsent(id, new StudyInfo(name, dirs));
        long start = rs.getLong(5);
        Optional<Instant> started = rs.wasNull() ? Optional.empty() : Optional.of(TrialCodec.instant(start));
        return new StudySummary(id, name, dirs, user, system, rs.getInt(4), started);
    }

    private static List<StudyDirection> directions(String text) {
        List<StudyDirection> out = new ArrayList<>();
        for (String s : text.split(",")) {
            out.add(StudyDirection.valueOf(s));
        }
        return List.copyOf(out);
    }

    /** @return the study's name and directions (cached) */
    StudyInfo info(long studyId) {
        StudyInfo s = studies.get(studyId);
        return s != null ? s : db.read(c -> info(c, studyId));
    }

    /**
     * @return the study's name and directions (cached), on this connection
     * @throws IllegalArgumentException if there is no such study
     */
    StudyInfo info(Connection c, long studyId) throws SQLException {
        StudyInfo s = studies.get(studyId);
        if (s != null) {
            return s;
        }
        try (PreparedStatement ps = prepare(c, "SELECT study_name, directions FROM nntune_studies WHERE study_id = ?",
                studyId); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw unknownStudy(studyId);
            }
            StudyInfo info = new StudyInfo(rs.getString(1), directions(rs.getString(2)));
            studies.put(studyId, info);
            return info;
        }
    }

    // ---------------------------------------------------------------- attributes

    Map<String, Object> userAttrs(long studyId) {
        return attrs(studyId, USER);
    }

    Map<String, Object> systemAttrs(long studyId) {
        return attrs(studyId, SYSTEM);
    }

    private Map<String, Object> attrs(long studyId, int system) {
        return db.read(c -> {
            Map<String, Object> out = new LinkedHashMap<>();
            try (PreparedStatement ps = prepare(c, "SELECT attr_key, value_json FROM nntune_study_attrs"
                    + " WHERE study_id = ? AND is_system = ? ORDER BY attr_key", studyId, system);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), Json.decode(rs.getString(2)));
                }
            }
            if (out.isEmpty()) {
                info(c, studyId); // an unknown study is an error, not "no attributes"
            }
            return Collections.unmodifiableMap(out);
        });
    }

    /** @return study id → [user attrs, system attrs], of one study or (null) all */
    private static Map<Long, List<Map<String, Object>>> attrs(Connection c, Long studyId) throws SQLException {
        Map<Long, List<Map<String, Object>>> out = new LinkedHashMap<>();
        try (PreparedStatement ps = studyId == null
                ? c.prepareStatement("SELECT study_id, is_system, attr_key, value_json FROM nntune_study_attrs ORDER BY attr_key")
                : prepare(c, "SELECT study_id, is_system, attr_key, value_json FROM nntune_study_attrs WHERE study_id = ?"
                        + " ORDER BY attr_key", studyId);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                List<Map<String, Object>> both = out.computeIfAbsent(rs.getLong(1),
                        k -> List.of(new LinkedHashMap<>(), new LinkedHashMap<>()));
                both.get(rs.getInt(2)).put(rs.getString(3), Json.decode(rs.getString(4)));
            }
        }
        return out;
    }

    /** @return one system attribute of the study, on this connection (e.g. inside a write) */
    static Optional<Object> systemAttr(Connection c, long studyId, String key) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT value_json FROM nntune_study_attrs WHERE study_id = ?"
                + " AND is_system = 1 AND attr_key = ?", studyId, key); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(Json.decode(rs.getString(1))) : Optional.empty();
        }
    }

    void setUserAttr(long studyId, String key, Object value) {
        setAttr(studyId, USER, key, value);
    }

    void setSystemAttr(long studyId, String key, Object value) {
        setAttr(studyId, SYSTEM, key, value);
    }

    void deleteSystemAttr(long studyId, String key) {
        db.single(c -> {
            if (update(c, "DELETE FROM nntune_study_attrs WHERE study_id = ? AND is_system = 1 AND attr_key = ?",
                    studyId, key) == 0) {
                info(c, studyId); // throws for an unknown study
            }
            return null;
        });
    }

    private static void checkAttrKey(String key) {
        if (key.length() > 255) {
            throw new IllegalArgumentException("study attribute key of " + key.length()
                    + " characters; at most 255 are allowed: " + key.substring(0, 40) + "…");
        }
    }

    private void setAttr(long studyId, int system, String key, Object value) {
        checkAttrKey(key);
        String json = Json.encode(Json.normalize(value));
        String sql = d.upsert(INTO_ATTRS, "study_id, is_system, attr_key", "value_json");
        db.single(c -> {
            if (update(c, sql, system, key, json, studyId) == 0) {
                info(c, studyId); // throws for an unknown study
            }
            return null;
        });
    }

    /**
     * One conditional statement on the attribute's row: an insert that does nothing if the row exists
     * (expected absent), or an update whose WHERE names the expected value; the row count says who won.
     */
    boolean compareAndSetSystemAttr(long studyId, String key, Optional<Object> expected, Object value) {
        checkAttrKey(key);
        String json = Json.encode(Json.normalize(value));
        if (expected.isEmpty()) {
            String sql = d.insertIgnore(INTO_ATTRS);
            return db.single(c -> {
                if (update(c, sql, SYSTEM, key, json, studyId) == 1) {
                    return true;
                }
                info(c, studyId);
                return false;
            });
        }
        Object want = Json.normalize(expected.get());
        String wantText = Json.encode(want);
        for (int attempt = 0; attempt < 10; attempt++) {
            String expectedText = wantText;
            Optional<String> seen = db.single(c -> {
                if (update(c, "UPDATE nntune_study_attrs SET value_json = ? WHERE study_id = ? AND is_system = 1"
                        + " AND attr_key = ? AND value_json = ?", json, studyId, key, expectedText) == 1) {
                    return Optional.empty();
                }
                try (PreparedStatement ps = prepare(c, "SELECT value_json FROM nntune_study_attrs WHERE study_id = ?"
                        + " AND is_system = 1 AND attr_key = ?", studyId, key); ResultSet rs = ps.executeQuery()) {
                    return Optional.of(rs.next() ? rs.getString(1) : "");
                }
            });
            if (seen.isEmpty()) {
                return true;
            }
            // equal values may be written differently (the order of a map's keys): compare them decoded
            if (seen.get().isEmpty() || !Objects.equals(Json.decode(seen.get()), want)) {
                if (seen.get().isEmpty()) {
                    info(studyId);
                }
                return false;
            }
            wantText = seen.get();
        }
        return false;
    }
}
