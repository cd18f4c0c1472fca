package org.nntune.storage;

import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.Json;
import org.nntune.tune.storage.ArtifactStore;
import org.nntune.tune.storage.FolderArtifactStore;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.StorageChecks;
import org.nntune.tune.storage.StudyAlreadyExistsException;
import org.nntune.tune.storage.TrialStart;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.StudySummary;
import org.nntune.tune.trial.TrialChanges;
import org.nntune.tune.trial.TrialState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.nntune.storage.Database.NULL_DOUBLE;
import static org.nntune.storage.Database.NULL_TIME;
import static org.nntune.storage.Database.marks;
import static org.nntune.storage.Database.prepare;
import static org.nntune.storage.Database.update;

/**
 * A {@link Storage} in the tables of Optuna's RDB storage ({@link OptunaSchema}), so that Optuna
 * in Python and nntune share studies: {@code optuna.load_study} reads what nntune writes, nntune
 * workers continue studies Optuna started, and Python and Java workers can work on one study at
 * once. Opened by {@link Storages#open} for URLs with the prefix {@value #PREFIX}
 * ({@code optuna+sqlite:///study.db}, {@code optuna+postgresql://user@host/db},
 * {@code optuna+mysql://user@host/db}); the rest of the URL is a {@link StorageUrl}, and the
 * parameter {@code optuna_revision} picks the schema revision of a new database.
 *
 * <h2>Optuna's representation, written as Optuna writes it</h2>
 * <ul>
 *   <li>Parameters: one {@code trial_params} row each, the value in Optuna's internal form (a
 *       float; the index of the choice for categoricals — nntune's internal form is the same)
 *       and the distribution as Optuna's JSON ({@code {"name": "FloatDistribution",
 *       "attributes": {...}}}).</li>
 *   <li>Values and intermediate values: rows with a type column for infinities (and NaN for
 *       intermediate values), the value NULL then.</li>
 *   <li>Attributes: JSON text per key. A FAIL trial's reason, which Optuna's tables have no column
 *       for, is the trial system attribute {@value #FAIL_REASON} (the key Optuna 2 used).</li>
 *   <li>Times: naive local date-times, as Optuna 3.x/4.x; heartbeats in {@code trial_heartbeats},
 *       stamped and compared with the database's clock, as Optuna's {@code record_heartbeat} and
 *       stale-trial check do.</li>
 * </ul>
 *
 * <h2>Concurrency, as Optuna does it</h2>
 * Creating a trial locks the study's row ({@code SELECT … FOR UPDATE}; SQLite: {@code BEGIN
 * IMMEDIATE}) and numbers the trial by the count of the study's trials under that lock — what
 * Optuna's {@code _create_new_trial} does — so Java and Python workers number trials without gaps
 * or duplicates. Claiming a WAITING trial is a conditional update; every other write checks the
 * trial's state under a row lock in its transaction. Lost lock races are retried.
 *
 * <h2>Incremental reads</h2>
 * Optuna's tables record no change counter, so {@link #getTrialsChangedSince} keeps, per cursor it
 * hands out, the trials that were unfinished and the highest trial id seen; the next call reads
 * the newer trials and those unfinished ones again and returns what differs. Finished trials never
 * change, so nothing is missed, whoever (Java or Python) wrote the change. Cursors live in this
 * object; an unknown cursor returns every trial.
 */
public final class OptunaStorage implements Storage {
    /** The URL prefix that selects this storage. */
    public static final String PREFIX = "optuna+";
    /** The trial system attribute holding a FAIL trial's reason. */
    public static final String FAIL_REASON = "fail_reason";

    private static final int MAX_CURSORS = 512;
    private static final Pattern REVISION_PARAM = Pattern.compile("([?&])optuna_revision=([^&]*)&?");
    private static final Set<TrialState> UNFINISHED = EnumSet.of(TrialState.RUNNING, TrialState.WAITING);

    private final StorageUrl url;
    private final Dialect d;
    private final Database db;
    private final String revision;
    private final Map<Long, StudyInfo> studies = new ConcurrentHashMap<>();
    private final Map<String, Distribution> distributions = new ConcurrentHashMap<>();
    private final AtomicLong cursors = new AtomicLong();
    private final Map<Long, Snapshot> snapshots = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Snapshot> eldest) {
            return size() > MAX_CURSORS;
        }
    };

    private record StudyInfo(String name, List<StudyDirection> directions) {}

    /** What one cursor stands for: the highest trial id read and the trials then unfinished. */
    private record Snapshot(long studyId, long maxTrialId, Map<Long, FrozenTrial> unfinished) {}

    /**
     * Opens (and on first use creates) Optuna's tables at a URL, with or without the {@value #PREFIX} prefix.
     *
     * @throws IllegalArgumentException if the URL is not valid
     * @throws IllegalStateException if the database holds Optuna's tables at a revision nntune does not know
     * @throws StorageException if the database cannot be reached
     */
    public static OptunaStorage open(String url) {
        Parsed p = parse(url);
        return new OptunaStorage(p.url(), p.revision());
    }

    /** The database file of an SQLite URL (revision checked), for commands that must not create one. */
    static java.util.Optional<java.nio.file.Path> sqliteFile(String url) {
        return parse(url).url().sqliteFile();
    }

    /** The database of an {@code optuna+} URL (revision checked). */
    static StorageUrl storageUrl(String url) {
        return parse(url).url();
    }

    private record Parsed(StorageUrl url, String revision) {}

    /** The URL without the prefix and {@code optuna_revision}, and the revision asked for (checked). */
    private static Parsed parse(String url) {
        String rest = url.strip();
        if (rest.toLowerCase(Locale.ROOT).startsWith(PREFIX)) {
            rest = rest.substring(PREFIX.length());
        }
        String revision = OptunaSchema.REVISION_3_0;
        Matcher m = REVISION_PARAM.matcher(rest);
        if (m.find()) {
            revision = OptunaSchema.revision(m.group(2));
            String tail = rest.substring(m.end());
            rest = rest.substring(0, m.start()) + (tail.isEmpty() ? "" : m.group(1) + tail);
        }
        return new Parsed(StorageUrl.parse(rest), revision);
    }

    private OptunaStorage(StorageUrl url, String wantedRevision) {
        this.url = url;
        this.d = url.dialect();
        Dialect dialect = url.dialect();
        this.db = new Database(url, "nntune-optuna", "Optuna storage", 0,
                (config, props) -> dialect.configureOptunaSessions(config, props, url));
        try {
            // an SQLite file in a folder nntune may not write is opened read-only: its schema is read, not prepared
            // (a write would fail; one without Optuna's schema is then refused by the DDL, saying why)
            Database.Work<String> prepare = c -> OptunaSchema.prepare(c, d, wantedRevision, url.display());
            this.revision = Dialect.isSqliteInReadOnlyFolder(url) ? read(prepare) : write(prepare);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** @return the Alembic revision of the tables (see {@link OptunaSchema}) */
    public String revision() {
        return revision;
    }

    @Override
    public void close() {
        db.close();
    }

    /** A database outlives the process: {@code Study.optimize} keeps heartbeats on it by default. */
    @Override
    public boolean outlivesProcess() {
        return true;
    }

    /** Another OptunaStorage object on the same database ({@link StorageUrl#sameDatabase}) is the same storage. */
    @Override
    public boolean sameStorageAs(Storage other) {
        return other == this || other instanceof OptunaStorage o && url.sameDatabase(o.url);
    }

    @Override
    public String toString() {
        return "OptunaStorage[" + url + ", " + revision + "]";
    }

    // ---------------------------------------------------------------- transactions and SQL

    private <T> T read(Database.Work<T> work) {
        return db.read(work);
    }

    private <T> T write(Database.Work<T> work) {
        return db.write(work);
    }

    private long insert(Connection c, String sql, String idColumn, Object... args) throws SQLException {
        return db.insert(c, sql, idColumn, args);
    }

    private String q(String identifier) {
        return d.quote(identifier);
    }

    private String forUpdate() {
        return d.forUpdate();
    }

    /** An upsert of {@code (owner, key) → value} into a table with that unique pair. */
    private String upsert(String table, String ownerColumn, String keyColumn, String valueColumns, String setColumns) {
        String into = "INTO " + table + " (" + ownerColumn + ", " + keyColumn + ", " + valueColumns + ") VALUES ("
                + marks(2 + valueColumns.split(",").length) + ")";
        return d.upsert(into, ownerColumn + ", " + keyColumn, setColumns.split(",\\s*"));
    }

    // ---------------------------------------------------------------- time

    /** Now, at the precision the database keeps (MariaDB's DATETIME: seconds). */
    private Instant now() {
        return Instant.now().truncatedTo(d.optunaTimeUnit());
    }

    /** A naive local date-time, as Optuna writes it: SQLAlchemy's text form on SQLite, a TIMESTAMP elsewhere. */
    private Object time(Instant t) {
        return d.optunaTime(LocalDateTime.ofInstant(t, ZoneId.systemDefault()));
    }

    private Optional<LocalDateTime> localTime(ResultSet rs, int col) throws SQLException {
        return d.readOptunaTime(rs, col);
    }

    private Optional<Instant> instant(ResultSet rs, int col) throws SQLException {
        return localTime(rs, col).map(t -> t.atZone(ZoneId.systemDefault()).toInstant());
    }

    /** The database clock, as Optuna's heartbeats use it (SQLite's is UTC; the others' the session's zone). */
    private String dbNow() {
        return d.optunaClock();
    }

    // ---------------------------------------------------------------- studies

    @Override
    public long createStudy(String name, List<StudyDirection> directions) {
        return createStudy(name, directions, Map.of());
    }

    /** One transaction: the study's rows, its directions' and its attributes' (Optuna's {@code study_system_attributes}). */
    @Override
    public long createStudy(String name, List<StudyDirection> directions, Map<String, Object> systemAttrs) {
        if (name.isBlank()) {
            throw new IllegalArgumentException("a study name must not be blank");
        }
        if (name.length() > 512) {
            throw new IllegalArgumentException("study name of " + name.length() + " characters; Optuna's schema allows 512");
        }
        if (directions.isEmpty()) {
            throw new IllegalArgumentException("study '" + name + "': at least one direction is needed");
        }
        long id = db.insertStudy(name, c -> {
            if (Database.queryOptionalLong(c, "SELECT study_id FROM studies WHERE study_name = ?", name).isPresent()) {
                throw new StudyAlreadyExistsException(name);
            }
            long sid = insert(c, "INSERT INTO studies (study_name) VALUES (?)", "study_id", name);
            for (int i = 0; i < directions.size(); i++) {
                update(c, "INSERT INTO study_directions (direction, study_id, objective) VALUES ('"
                        + directions.get(i).name() + "', ?, ?)", sid, i);
            }
            for (Map.Entry<String, Object> e : systemAttrs.entrySet()) {
                checkKey(e.getKey());
                update(c, "INSERT INTO study_system_attributes (study_id, " + q("key") + ", value_json) VALUES (?, ?, ?)",
                        sid, e.getKey(), Json.encode(Json.normalize(e.getValue())));
            }
            return sid;
        });
        studies.put(id, new StudyInfo(name, List.copyOf(directions)));
        return id;
    }

    @Override
    public OptionalLong findStudyId(String name) {
        return read(c -> Database.queryOptionalLong(c, "SELECT study_id FROM studies WHERE study_name = ?", name));
    }

    @Override
    public void deleteStudy(long studyId) {
        write(c -> {
            info(c, studyId);
            String trials = " WHERE trial_id IN (SELECT trial_id FROM trials WHERE study_id = ?)";
            for (String t : new String[] {"trial_heartbeats", "trial_values", "trial_intermediate_values", "trial_params",
                    "trial_user_attributes", "trial_system_attributes"}) {
                update(c, "DELETE FROM " + t + trials, studyId);
            }
            for (String t : new String[] {"trials", "study_directions", "study_user_attributes", "study_system_attributes",
                    "studies"}) {
                update(c, "DELETE FROM " + t + " WHERE study_id = ?", studyId);
            }
            return null;
        });
        studies.remove(studyId);
        ArtifactStore a = artifacts.inUse();
        if (a != null) {
            a.deleteStudy(studyId);
        }
    }

    // ---------------------------------------------------------------- artifacts

    private final ArtifactSlot artifacts = new ArtifactSlot(this::defaultArtifacts);

    /** Unless a store was chosen: a folder beside an SQLite file; a database server has none. */
    private ArtifactStore defaultArtifacts() {
        if (!d.isEmbedded()) {
            throw new IllegalStateException("Optuna's tables in " + url + " keep no artifacts: give this"
                    + " storage a FolderArtifactStore on a disk every worker reaches (useArtifactStore)");
        }
        return new FolderArtifactStore(SqliteFiles.artifactFolder(url));
    }

    /**
     * The artifact area (checkpoints of population-based training …). Optuna's tables have none:
     * for SQLite the folder {@code <database file>.artifacts} beside the file, as nntune's own
     * SQLite storage keeps it; for PostgreSQL and MariaDB the store given to {@link #useArtifactStore}
     * (a folder on a disk every worker reaches).
     *
     * @throws IllegalStateException for a server database without {@link #useArtifactStore}
     */
    @Override
    public ArtifactStore artifacts() {
        return artifacts.get();
    }

    /**
     * Makes this storage keep artifacts in {@code store}; call it before the storage is used. Every
     * worker of a study must use the same.
     *
     * @return this storage
     */
    public OptunaStorage useArtifactStore(ArtifactStore store) {
        artifacts.set(store);
        return this;
    }

    @Override
    public StudySummary getStudy(long studyId) {
        return read(c -> summaries(c, studyId)).get(0);
    }

    @Override
    public List<StudySummary> getAllStudies() {
        return read(c -> summaries(c, null));
    }

    /** Summaries of one study (an error if unknown) or, for null, of all. */
    private List<StudySummary> summaries(Connection c, Long studyId) throws SQLException {
        String where = studyId == null ? "" : " WHERE s.study_id = ?";
        Object[] args = studyId == null ? new Object[0] : new Object[] {studyId};
        List<Object[]> rows = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, "SELECT s.study_id, s.study_name, (SELECT COUNT(*) FROM trials t WHERE"
                + " t.study_id = s.study_id), (SELECT MIN(t.datetime_start) FROM trials t WHERE t.study_id = s.study_id)"
                + " FROM studies s" + where + " ORDER BY s.study_id", args); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getInt(3), instant(rs, 4)});
            }
        }
        if (studyId != null && rows.isEmpty()) {
            throw unknownStudy(studyId);
        }
        List<StudySummary> out = new ArrayList<>();
        for (Object[] r : rows) {
            long id = (Long) r[0];
            List<StudyDirection> directions;
            try {
                directions = info(c, id).directions();
            } catch (UnreadableStudyException notSet) {
                if (studyId != null) {
                    throw notSet;
                }
                // listing every study: this one is listed without directions (getStudyDirections says why), the rest as ever
                directions = List.of();
            }
            @SuppressWarnings("unchecked")
            Optional<Instant> start = (Optional<Instant>) r[3];
            out.add(new StudySummary(id, (String) r[1], directions, attrs(c, "study_user_attributes", "study_id", id),
                    attrs(c, "study_system_attributes", "study_id", id), (Integer) r[2], start));
        }
        return out;
    }

    private Map<String, Object> attrs(Connection c, String table, String owner, long id) throws SQLException {
        Map<String, Object> out = new LinkedHashMap<>();
        try (PreparedStatement ps = prepare(c, "SELECT " + q("key") + ", value_json FROM " + table + " WHERE " + owner
                + " = ? ORDER BY " + q("key"), id); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), attribute(rs.getString(2)));
            }
        }
        return out;
    }

    private StudyInfo info(Connection c, long studyId) throws SQLException {
        StudyInfo known = studies.get(studyId);
        if (known != null) {
            return known;
        }
        String name;
        try (PreparedStatement ps = prepare(c, "SELECT study_name FROM studies WHERE study_id = ?", studyId);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw unknownStudy(studyId);
            }
            name = rs.getString(1);
        }
        List<StudyDirection> dirs = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, "SELECT direction FROM study_directions WHERE study_id = ? ORDER BY objective",
                studyId); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String dir = rs.getString(1);
                if (dir.equals("NOT_SET")) {
                    throw new UnreadableStudyException("study '" + name + "' has an objective whose direction is NOT_SET"
                            + " (an Optuna study that was never set up); nntune needs MINIMIZE or MAXIMIZE", null);
                }
                dirs.add(StudyDirection.valueOf(dir));
            }
        }
        StudyInfo info = new StudyInfo(name, List.copyOf(dirs));
        studies.put(studyId, info);
        return info;
    }

    private StudyInfo info(long studyId) {
        StudyInfo known = studies.get(studyId);
        return known != null ? known : read(c -> info(c, studyId));
    }

    @Override
    public List<StudyDirection> getStudyDirections(long studyId) {
        return info(studyId).directions();
    }

    @Override
    public void setStudyUserAttr(long studyId, String key, Object value) {
        setStudyAttr("study_user_attributes", studyId, key, value);
    }

    @Override
    public void setStudySystemAttr(long studyId, String key, Object value) {
        setStudyAttr("study_system_attributes", studyId, key, value);
    }

    private void setStudyAttr(String table, long studyId, String key, Object value) {
        checkKey(key);
        String json = Json.encode(Json.normalize(value));
        write(c -> {
            info(c, studyId);
            update(c, upsert(table, "study_id", q("key"), "value_json", "value_json"), studyId, key, json);
            return null;
        });
    }

    @Override
    public void deleteStudySystemAttr(long studyId, String key) {
        write(c -> {
            info(c, studyId);
            update(c, "DELETE FROM study_system_attributes WHERE study_id = ? AND " + q("key") + " = ?", studyId, key);
            return null;
        });
    }

    private static void checkKey(String key) {
        if (key.length() > 512) {
            throw new IllegalArgumentException("attribute key of " + key.length() + " characters; Optuna's schema allows 512");
        }
    }

    @Override
    public boolean compareAndSetStudySystemAttr(long studyId, String key, Optional<Object> expected, Object value) {
        checkKey(key);
        String json = Json.encode(Json.normalize(value));
        Object want = expected.map(Json::normalize).orElse(null);
        for (int attempt = 1; ; attempt++) {
            try {
                return compareAndSet(studyId, key, want, json);
            } catch (StorageException e) {
                // two inserters of an absent attribute: the loser's transaction failed; again, it sees the winner's row
                if (!(e.getCause() instanceof SQLException s && d.isUniqueViolation(s)) || attempt >= Database.MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private boolean compareAndSet(long studyId, String key, Object want, String json) {
        return write(c -> {
            info(c, studyId);
            String current = null;
            try (PreparedStatement ps = prepare(c, "SELECT value_json FROM study_system_attributes WHERE study_id = ? AND "
                    + q("key") + " = ?" + forUpdate(), studyId, key); ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    current = rs.getString(1);
                }
            }
            if (current == null) {
                if (want != null) {
                    return false;
                }
                update(c, "INSERT INTO study_system_attributes (study_id, " + q("key") + ", value_json) VALUES (?, ?, ?)",
                        studyId, key, json);
                return true;
            }
            if (want == null || !Objects.equals(Json.decode(current), want)) {
                return false;
            }
            update(c, "UPDATE study_system_attributes SET value_json = ? WHERE study_id = ? AND " + q("key") + " = ?",
                    json, studyId, key);
            return true;
        });
    }

    // ---------------------------------------------------------------- trial creation and state

    /** Locks the study's row for the rest of the transaction (SQLite: the write transaction is the lock). */
    private void lockStudy(Connection c, long studyId) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT study_id FROM studies WHERE study_id = ?" + forUpdate(), studyId);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw unknownStudy(studyId);
            }
        }
    }

    /** Under the study's lock: a new trial row numbered by the count of the study's trials, as Optuna numbers them. */
    private long[] insertTrial(Connection c, long studyId, TrialState state, Instant start, Instant complete)
            throws SQLException {
        int number;
        try (PreparedStatement ps = prepare(c, "SELECT COUNT(*) FROM trials WHERE study_id = ?", studyId);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            number = rs.getInt(1);
        }
        long id = insert(c, "INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) VALUES (?, ?, '"
                + state.name() + "', ?, ?)", "trial_id", number, studyId, start == null ? NULL_TIME : time(start),
                complete == null ? NULL_TIME : time(complete));
        return new long[] {id, number};
    }

    private static FrozenTrial running(long[] ids, Instant start, Map<String, Object> systemAttrs) {
        return new FrozenTrial((int) ids[1], ids[0], TrialState.RUNNING, List.of(), Map.of(), Map.of(), Map.of(),
                systemAttrs, new TreeMap<>(), Optional.of(start), Optional.empty(), Optional.empty());
    }

    @Override
    public FrozenTrial createTrial(long studyId) {
        Instant start = now();
        long[] ids = write(c -> {
            lockStudy(c, studyId);
            return insertTrial(c, studyId, TrialState.RUNNING, start, null);
        });
        return running(ids, start, Map.of());
    }

    /** The trial, its first heartbeat and system attributes in one transaction under the study's lock. */
    @Override
    public FrozenTrial createTrial(long studyId, TrialStart how) {
        Instant start = now();
        long[] ids = write(c -> {
            lockStudy(c, studyId);
            long[] inserted = insertTrial(c, studyId, TrialState.RUNNING, start, null);
            begin(c, inserted[0], how);
            return inserted;
        });
        return running(ids, start, how.systemAttrs().isEmpty() ? Map.of() : normalized(how.systemAttrs()));
    }

    /**
     * Under the study's lock: counts the budget, then claims the lowest-numbered WAITING trial (a
     * Python worker, which claims without that lock, may take one first: the conditional update
     * says so and the next is tried) or creates one; the first heartbeat and system attributes {@code how}
     * asks for in the same transaction.
     */
    @Override
    public Optional<FrozenTrial> startTrialWithin(long studyId, Set<TrialState> counted, int limit, TrialStart how) {
        Instant start = now();
        Object started = write(c -> {
            lockStudy(c, studyId);
            if (limit != Integer.MAX_VALUE && count(c, studyId, counted) >= limit) {
                return null;
            }
            List<Long> waiting = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT trial_id FROM trials WHERE study_id = ? AND state = 'WAITING'"
                    + " ORDER BY number", studyId); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    waiting.add(rs.getLong(1));
                }
            }
            for (long id : waiting) {
                if (update(c, "UPDATE trials SET state = 'RUNNING', datetime_start = ? WHERE trial_id = ? AND state = 'WAITING'",
                        time(start), id) == 1) {
                    begin(c, id, how);
                    return trialHead(c, id);
                }
            }
            long[] ids = insertTrial(c, studyId, TrialState.RUNNING, start, null);
            begin(c, ids[0], how);
            return ids;
        });
        if (started == null) {
            return Optional.empty();
        }
        return Optional.of(started instanceof FrozenTrial claimed ? claimed : running((long[]) started, start,
                how.systemAttrs().isEmpty() ? Map.of() : normalized(how.systemAttrs())));
    }

    @Override
    public Optional<FrozenTrial> startTrialWithin(long studyId, Set<TrialState> counted, int limit, boolean beat) {
        return startTrialWithin(studyId, counted, limit, TrialStart.beat(beat));
    }

    /** In the transaction that started a trial: its first heartbeat and system attributes, as {@code how} asks. */
    private void begin(Connection c, long trialId, TrialStart how) throws SQLException {
        if (how.beat()) {
            beat(c, trialId);
        }
        for (Map.Entry<String, Object> e : how.systemAttrs().entrySet()) {
            checkKey(e.getKey());
            setTrialAttr(c, "trial_system_attributes", trialId, e.getKey(), e.getValue());
        }
    }

    /** Attributes as a read gives them back (normalised JSON values). */
    private static Map<String, Object> normalized(Map<String, Object> attrs) {
        Map<String, Object> out = new LinkedHashMap<>();
        attrs.forEach((k, v) -> out.put(k, Json.normalize(v)));
        return out;
    }

    @Override
    public FrozenTrial createTrial(long studyId, FrozenTrial template) {
        StudyInfo s = info(studyId);
        StorageChecks.checkTemplate(s.name(), s.directions().size(), template);
        Instant now = now();
        return write(c -> {
            lockStudy(c, studyId);
            long id = insertTemplate(c, studyId, template, now);
            return readTrials(c, List.of(id)).get(0);
        });
    }

    private long insertTemplate(Connection c, long studyId, FrozenTrial template, Instant now) throws SQLException {
        TrialState state = template.state();
        // a template's own times (an imported trial's) are kept, to the precision of Optuna's columns
        Instant start = state == TrialState.WAITING ? null
                : template.datetimeStart().map(t -> t.truncatedTo(d.optunaTimeUnit())).orElse(now);
        Instant complete = !state.isFinished() ? null
                : template.datetimeComplete().map(t -> t.truncatedTo(d.optunaTimeUnit())).orElse(now);
        long id = insertTrial(c, studyId, state, start, complete)[0];
        for (Map.Entry<String, Object> e : template.params().entrySet()) {
            Distribution dist = template.distributions().get(e.getKey());
            insertParam(c, id, e.getKey(), dist.toInternal(e.getValue()), dist);
        }
        insertValues(c, id, template.values());
        for (Map.Entry<Integer, Double> e : template.intermediateValues().entrySet()) {
            setStep(c, id, e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Object> e : template.userAttrs().entrySet()) {
            setTrialAttr(c, "trial_user_attributes", id, e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Object> e : template.systemAttrs().entrySet()) {
            setTrialAttr(c, "trial_system_attributes", id, e.getKey(), e.getValue());
        }
        if (state == TrialState.FAIL && template.failureReason().isPresent()) {
            setTrialAttr(c, "trial_system_attributes", id, FAIL_REASON, template.failureReason().get());
        }
        return id;
    }

    private void insertParam(Connection c, long trialId, String name, double internal, Distribution dist) throws SQLException {
        update(c, "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES (?, ?, ?, ?)",
                trialId, name, internal, dist.toJson());
    }

    private void insertValues(Connection c, long trialId, List<Double> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            double v = values.get(i);
            String type = v == Double.POSITIVE_INFINITY ? "INF_POS" : v == Double.NEGATIVE_INFINITY ? "INF_NEG" : "FINITE";
            update(c, "INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (?, ?, ?, '" + type + "')",
                    trialId, i, Double.isFinite(v) ? (Object) v : NULL_DOUBLE);
        }
    }

    private void setStep(Connection c, long trialId, int step, double v) throws SQLException {
        String type = Double.isNaN(v) ? "NAN" : v == Double.POSITIVE_INFINITY ? "INF_POS"
                : v == Double.NEGATIVE_INFINITY ? "INF_NEG" : "FINITE";
        // the type is a parameter of the statement, cast where the column is an enum type of its own
        String sql = upsert("trial_intermediate_values", "trial_id", "step", "intermediate_value, intermediate_value_type",
                "intermediate_value, intermediate_value_type").replace("VALUES (?, ?, ?, ?)",
                "VALUES (?, ?, ?, " + d.enumParameter("trialintermediatevaluetype") + ")");
        update(c, sql, trialId, step, Double.isFinite(v) ? (Object) v : NULL_DOUBLE, type);
    }

    private void setTrialAttr(Connection c, String table, long trialId, String key, Object value) throws SQLException {
        update(c, upsert(table, "trial_id", q("key"), "value_json", "value_json"), trialId, key,
                Json.encode(Json.normalize(value)));
    }

    @Override
    public boolean claimWaitingTrial(long trialId) {
        Object start = time(now());
        return write(c -> {
            if (update(c, "UPDATE trials SET state = 'RUNNING', datetime_start = ? WHERE trial_id = ? AND state = 'WAITING'",
                    start, trialId) == 1) {
                return true;
            }
            stateOf(c, trialId, false);
            return false;
        });
    }

    /**
     * The trial's state, its row locked for the rest of the transaction.
     *
     * @throws IllegalArgumentException if there is no such trial
     */
    private TrialState stateOf(Connection c, long trialId, boolean lock) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT state FROM trials WHERE trial_id = ?" + (lock ? forUpdate() : ""),
                trialId); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw unknownTrial(trialId);
            }
            return TrialState.valueOf(rs.getString(1));
        }
    }

    /** Locks the trial and checks that it may be written ({@code what} names the write for the message). */
    private void requireWritable(Connection c, long trialId, String what, boolean allowWaiting) throws SQLException {
        TrialState state = stateOf(c, trialId, true);
        if (state == TrialState.RUNNING || (allowWaiting && state == TrialState.WAITING)) {
            return;
        }
        throw new IllegalStateException("cannot " + what + " of " + describe(c, trialId) + ": it is " + state
                + (state.isFinished() ? " and finished trials never change" : ""));
    }

    private String describe(Connection c, long trialId) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT t.number, s.study_name FROM trials t JOIN studies s"
                + " ON s.study_id = t.study_id WHERE t.trial_id = ?", trialId); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? "trial " + rs.getInt(1) + " of study '" + rs.getString(2) + "'" : "trial id " + trialId;
        }
    }

    @Override
    public void setTrialParam(long trialId, String name, double internalValue, Distribution distribution) {
        if (!distribution.containsInternal(internalValue)) {
            throw new IllegalArgumentException("parameter '" + name + "': internal value " + internalValue
                    + " is not in " + distribution);
        }
        distribution.toExternal(internalValue);
        write(c -> {
            requireWritable(c, trialId, "set parameter '" + name + "'", false);
            try (PreparedStatement ps = prepare(c, "SELECT COUNT(*) FROM trial_params WHERE trial_id = ? AND param_name = ?",
                    trialId, name); ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) > 0) {
                    throw new IllegalStateException("cannot set parameter '" + name + "' of " + describe(c, trialId)
                            + ": it has that already (parameters are set once)");
                }
            }
            insertParam(c, trialId, name, internalValue, distribution);
            return null;
        });
    }

    @Override
    public void finishTrial(long trialId, TrialState state, List<Double> values, Optional<String> failureReason) {
        FrozenTrial head = read(c -> trialHead(c, trialId));
        StudyInfo s = info(studyOf(trialId));
        StorageChecks.checkFinish(s.name(), head.number(), s.directions().size(), state, values, failureReason);
        Object complete = time(now());
        write(c -> {
            requireWritable(c, trialId, "set the state to " + state, false);
            update(c, "UPDATE trials SET state = '" + state.name() + "', datetime_complete = ? WHERE trial_id = ?",
                    complete, trialId);
            insertValues(c, trialId, values);
            if (failureReason.isPresent()) {
                setTrialAttr(c, "trial_system_attributes", trialId, FAIL_REASON, failureReason.get());
            }
            return null;
        });
    }

    private long studyOf(long trialId) {
        return read(c -> {
            try (PreparedStatement ps = prepare(c, "SELECT study_id FROM trials WHERE trial_id = ?", trialId);
                 ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw unknownTrial(trialId);
                }
                return rs.getLong(1);
            }
        });
    }

    private FrozenTrial trialHead(Connection c, long trialId) throws SQLException {
        List<FrozenTrial> t = readTrials(c, List.of(trialId));
        if (t.isEmpty()) {
            throw unknownTrial(trialId);
        }
        return t.get(0);
    }

    @Override
    public void setTrialIntermediateValue(long trialId, int step, double value) {
        write(c -> {
            requireWritable(c, trialId, "report step " + step, false);
            setStep(c, trialId, step, value);
            return null;
        });
    }

    @Override
    public void setTrialUserAttr(long trialId, String key, Object value) {
        writeTrialAttr("trial_user_attributes", "set user attribute '" + key + "'", trialId, key, value);
    }

    @Override
    public void setTrialSystemAttr(long trialId, String key, Object value) {
        writeTrialAttr("trial_system_attributes", "set system attribute '" + key + "'", trialId, key, value);
    }

    private void writeTrialAttr(String table, String what, long trialId, String key, Object value) {
        checkKey(key);
        write(c -> {
            requireWritable(c, trialId, what, true);
            setTrialAttr(c, table, trialId, key, value);
            return null;
        });
    }

    // ---------------------------------------------------------------- reads

    private static final String TRIAL_COLS = "trial_id, number, state, datetime_start, datetime_complete, study_id";

    /** The trials with the given ids, by number (unknown ids are left out). */
    private List<FrozenTrial> readTrials(Connection c, Collection<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<Long> list = new ArrayList<>(ids);
        List<FrozenTrial> out = new ArrayList<>();
        for (int from = 0; from < list.size(); from += 500) {
            List<Long> part = list.subList(from, Math.min(list.size(), from + 500));
            out.addAll(select(c, "SELECT " + TRIAL_COLS + " FROM trials WHERE trial_id IN (" + marks(part.size()) + ")",
                    part.toArray(), "trial_id IN (" + marks(part.size()) + ")", part.toArray()));
        }
        out.sort(java.util.Comparator.comparingInt(FrozenTrial::number));
        return out;
    }

    /** The trials a query selects, with their params, values, intermediate values and attributes; by number. */
    private List<FrozenTrial> select(Connection c, String sql, Object[] args, String childWhere, Object[] childArgs)
            throws SQLException {
        Map<Long, Object[]> heads = new LinkedHashMap<>();
        try (PreparedStatement ps = prepare(c, sql + " ORDER BY number, trial_id", args)) {
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    heads.put(rs.getLong(1), new Object[] {rs.getInt(2), TrialState.valueOf(rs.getString(3)), instant(rs, 4),
                            instant(rs, 5), rs.getLong(6)});
                }
            }
        }
        if (heads.isEmpty()) {
            return List.of();
        }
        Map<Long, Map<String, Object>> params = new HashMap<>();
        Map<Long, Map<String, Distribution>> dists = new HashMap<>();
        try (PreparedStatement ps = prepare(c, "SELECT trial_id, param_name, param_value, distribution_json FROM trial_params"
                + " WHERE " + childWhere + " ORDER BY param_id", childArgs); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong(1);
                Distribution dist;
                try {
                    dist = distributions.computeIfAbsent(rs.getString(4), OptunaStorage::distribution);
                } catch (IllegalArgumentException e) {
                    Object[] h = heads.get(id);
                    String study = h == null ? "?" : info(c, (Long) h[4]).name();
                    throw new UnreadableStudyException("study '" + study + "', trial " + (h == null ? "?" : h[0]) + ": parameter '"
                            + rs.getString(2) + "' has a distribution nntune cannot read (" + e.getMessage() + ")", e);
                }
                params.computeIfAbsent(id, k -> new LinkedHashMap<>()).put(rs.getString(2), dist.toExternal(rs.getDouble(3)));
                dists.computeIfAbsent(id, k -> new LinkedHashMap<>()).put(rs.getString(2), dist);
            }
        }
        Map<Long, List<Double>> values = new HashMap<>();
        try (PreparedStatement ps = prepare(c, "SELECT trial_id, value, value_type FROM trial_values WHERE " + childWhere
                + " ORDER BY objective", childArgs); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                values.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(number(rs.getDouble(2), rs.getString(3)));
            }
        }
        Map<Long, TreeMap<Integer, Double>> steps = new HashMap<>();
        try (PreparedStatement ps = prepare(c, "SELECT trial_id, step, intermediate_value, intermediate_value_type FROM"
                + " trial_intermediate_values WHERE " + childWhere, childArgs); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                steps.computeIfAbsent(rs.getLong(1), k -> new TreeMap<>()).put(rs.getInt(2), number(rs.getDouble(3), rs.getString(4)));
            }
        }
        Map<Long, Map<String, Object>> user = trialAttrs(c, "trial_user_attributes", childWhere, childArgs);
        Map<Long, Map<String, Object>> system = trialAttrs(c, "trial_system_attributes", childWhere, childArgs);
        List<FrozenTrial> out = new ArrayList<>(heads.size());
        for (Map.Entry<Long, Object[]> e : heads.entrySet()) {
            long id = e.getKey();
            Object[] h = e.getValue();
            TrialState state = (TrialState) h[1];
            Map<String, Object> sys = system.getOrDefault(id, Map.of());
            Optional<String> reason = Optional.empty();
            if (sys.containsKey(FAIL_REASON)) {
                sys = new LinkedHashMap<>(sys);
                Object r = sys.remove(FAIL_REASON);
                reason = state == TrialState.FAIL ? Optional.of(String.valueOf(r)) : Optional.empty();
            }
            @SuppressWarnings("unchecked")
            Optional<Instant> start = (Optional<Instant>) h[2];
            @SuppressWarnings("unchecked")
            Optional<Instant> complete = (Optional<Instant>) h[3];
            out.add(new FrozenTrial((Integer) h[0], id, state, values.getOrDefault(id, List.of()),
                    params.getOrDefault(id, Map.of()), dists.getOrDefault(id, Map.of()), user.getOrDefault(id, Map.of()), sys,
                    steps.getOrDefault(id, new TreeMap<>()), state == TrialState.WAITING ? Optional.empty() : start,
                    complete, reason));
        }
        return out;
    }

    /**
     * A distribution from Optuna's JSON: as nntune's, except that Optuna writes a float distribution
     * without a step as {@code "step": null} (nntune leaves the key out); a {@code None} among a
     * categorical's choices is {@link org.nntune.tune.space.JsonNull}, written back as {@code null}.
     * Optuna 2's distributions, which a database upgraded from Optuna 2 still holds, are read as the
     * Optuna 3 distributions they became ({@code UniformDistribution} as a {@code FloatDistribution},
     * {@code DiscreteUniformDistribution}'s {@code q} as its step, …); nntune writes the new names.
     */
    static Distribution distribution(String optunaJson) {
        Object parsed = Json.decode(optunaJson);
        if (parsed instanceof Map<?, ?> m && m.get("name") instanceof String name && m.get("attributes") instanceof Map<?, ?> a) {
            Map<String, Object> modern = switch (name) {
                case "UniformDistribution" -> floats(a, false, null);
                case "LogUniformDistribution" -> floats(a, true, null);
                case "DiscreteUniformDistribution" -> floats(a, false, a.get("q"));
                case "IntUniformDistribution" -> ints(a, false, a.containsKey("step") ? a.get("step") : 1L);
                case "IntLogUniformDistribution" -> ints(a, true, 1L); // its step was deprecated, and is 1
                default -> null;
            };
            if (modern != null) {
                return Distribution.fromDecoded(modern, optunaJson);
            }
        }
        return Distribution.fromDecoded(parsed, optunaJson);
    }

    private static Map<String, Object> floats(Map<?, ?> legacy, boolean log, Object step) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("low", legacy.get("low"));
        attrs.put("high", legacy.get("high"));
        attrs.put("log", log);
        if (step != null) {
            attrs.put("step", step);
        }
        return Map.of("name", "FloatDistribution", "attributes", attrs);
    }

    private static Map<String, Object> ints(Map<?, ?> legacy, boolean log, Object step) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("low", legacy.get("low"));
        attrs.put("high", legacy.get("high"));
        attrs.put("log", log);
        attrs.put("step", step);
        return Map.of("name", "IntDistribution", "attributes", attrs);
    }

    /**
     * An attribute value from its JSON text; Python's {@code None} (an attribute set to None, or a list
     * holding it) is {@link org.nntune.tune.space.JsonNull}. Text that is not JSON at all is kept as text.
     */
    private static Object attribute(String json) {
        try {
            return Json.decode(json);
        } catch (IllegalArgumentException e) {
            return json;
        }
    }

    private static double number(double v, String type) {
        return switch (type) {
            case "INF_POS" -> Double.POSITIVE_INFINITY;
            case "INF_NEG" -> Double.NEGATIVE_INFINITY;
            case "NAN" -> Double.NaN;
            default -> v;
        };
    }

    private Map<Long, Map<String, Object>> trialAttrs(Connection c, String table, String where, Object[] args)
            throws SQLException {
        Map<Long, Map<String, Object>> out = new HashMap<>();
        try (PreparedStatement ps = prepare(c, "SELECT trial_id, " + q("key") + ", value_json FROM " + table + " WHERE "
                + where + " ORDER BY " + q("key"), args); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getLong(1), k -> new LinkedHashMap<>()).put(rs.getString(2), attribute(rs.getString(3)));
            }
        }
        return out;
    }

    private static String stateList(Set<TrialState> states) {
        StringBuilder sb = new StringBuilder();
        for (TrialState s : states) {
            sb.append(sb.length() == 0 ? "'" : ", '").append(s.name()).append('\'');
        }
        return sb.toString();
    }

    @Override
    public FrozenTrial getTrial(long trialId) {
        return read(c -> trialHead(c, trialId));
    }

    @Override
    public List<FrozenTrial> getAllTrials(long studyId, Set<TrialState> states) {
        return read(c -> {
            info(c, studyId);
            if (states.isEmpty()) {
                return List.of();
            }
            String filter = " AND state IN (" + stateList(states) + ")";
            return select(c, "SELECT " + TRIAL_COLS + " FROM trials WHERE study_id = ?" + filter, new Object[] {studyId},
                    "trial_id IN (SELECT trial_id FROM trials WHERE study_id = ?" + filter + ")", new Object[] {studyId});
        });
    }

    @Override
    public int countTrials(long studyId, Set<TrialState> states) {
        return read(c -> {
            info(c, studyId);
            return count(c, studyId, states);
        });
    }

    private int count(Connection c, long studyId, Set<TrialState> states) throws SQLException {
        if (states.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = prepare(c, "SELECT COUNT(*) FROM trials WHERE study_id = ? AND state IN ("
                + stateList(states) + ")", studyId); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Override
    public TrialChanges getTrialsChangedSince(long studyId, long cursor) {
        if (cursor < 0) {
            throw new IllegalArgumentException("cursor " + cursor + " was not given out by this storage (cursors are >= 0)");
        }
        Snapshot before;
        synchronized (snapshots) {
            before = cursor == 0 ? null : snapshots.get(cursor);
        }
        if (before != null && before.studyId() != studyId) {
            before = null;
        }
        Snapshot since = before;
        List<FrozenTrial> read = read(c -> {
            info(c, studyId);
            if (since == null) {
                return select(c, "SELECT " + TRIAL_COLS + " FROM trials WHERE study_id = ?", new Object[] {studyId},
                        "trial_id IN (SELECT trial_id FROM trials WHERE study_id = ?)", new Object[] {studyId});
            }
            List<Long> again = new ArrayList<>(since.unfinished().keySet());
            String where = "study_id = ? AND (trial_id > ? OR state IN ('RUNNING', 'WAITING')"
                    + (again.isEmpty() ? "" : " OR trial_id IN (" + marks(again.size()) + ")") + ")";
            List<Object> args = new ArrayList<>(List.of(studyId, since.maxTrialId()));
            args.addAll(again);
            return select(c, "SELECT " + TRIAL_COLS + " FROM trials WHERE " + where, args.toArray(),
                    "trial_id IN (SELECT trial_id FROM trials WHERE " + where + ")", args.toArray());
        });
        long maxId = since == null ? 0 : since.maxTrialId();
        Map<Long, FrozenTrial> unfinished = new HashMap<>();
        List<FrozenTrial> changed = new ArrayList<>();
        for (FrozenTrial t : read) {
            maxId = Math.max(maxId, t.trialId());
            if (UNFINISHED.contains(t.state())) {
                unfinished.put(t.trialId(), t);
            }
            if (since == null || !t.equals(since.unfinished().get(t.trialId()))) {
                changed.add(t);
            }
        }
        long next = cursors.incrementAndGet();
        synchronized (snapshots) {
            snapshots.put(next, new Snapshot(studyId, maxId, unfinished));
        }
        return new TrialChanges(changed, next);
    }

    @Override
    public Optional<FrozenTrial> getBestTrial(long studyId) {
        StudyInfo s = info(studyId);
        if (s.directions().size() != 1) {
            throw new IllegalStateException("study '" + s.name() + "' has " + s.directions().size()
                    + " objectives, so there is no single best trial; look at the Pareto front instead");
        }
        boolean min = s.directions().get(0) == StudyDirection.MINIMIZE;
        String order = "CASE v.value_type WHEN '" + (min ? "INF_NEG" : "INF_POS") + "' THEN 0 WHEN 'FINITE' THEN 1 ELSE 2 END, v.value"
                + (min ? "" : " DESC") + ", t.number";
        return read(c -> {
            Long best = null;
            try (PreparedStatement ps = prepare(c, "SELECT t.trial_id FROM trials t JOIN trial_values v ON v.trial_id = t.trial_id"
                    + " AND v.objective = 0 WHERE t.study_id = ? AND t.state = 'COMPLETE' ORDER BY " + order + " LIMIT 1", studyId);
                 ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    best = rs.getLong(1);
                }
            }
            return best == null ? Optional.<FrozenTrial>empty() : Optional.of(trialHead(c, best));
        });
    }

    // ---------------------------------------------------------------- heartbeats

    @Override
    public void recordHeartbeat(long trialId) {
        write(c -> {
            requireWritable(c, trialId, "record a heartbeat", false);
            beat(c, trialId);
            return null;
        });
    }

    /** Stamps the trial's heartbeat with the database's clock, as Optuna's record_heartbeat does. */
    private void beat(Connection c, long trialId) throws SQLException {
        String sql = d.upsert("INTO trial_heartbeats (trial_id, heartbeat) VALUES (?, " + dbNow() + ")", "trial_id",
                "heartbeat");
        update(c, sql, trialId);
    }

    @Override
    public List<Long> failStaleTrials(long studyId, Duration grace) {
        List<Long> candidates = read(c -> {
            info(c, studyId);
            return staleTrials(c, studyId, grace, null);
        });
        List<Long> failed = new ArrayList<>();
        for (long trialId : candidates) {
            boolean won = write(c -> {
                if (staleTrials(c, studyId, grace, trialId).isEmpty() || stateOf(c, trialId, true) != TrialState.RUNNING) {
                    return false; // it beat or finished in the meantime, or another worker failed it
                }
                String reason = STALE_REASON_PREFIX + "no heartbeat within " + grace + " (database clock); the worker is presumed dead";
                update(c, "UPDATE trials SET state = 'FAIL', datetime_complete = ? WHERE trial_id = ?", time(now()), trialId);
                setTrialAttr(c, "trial_system_attributes", trialId, FAIL_REASON, reason);
                retryIfWanted(c, studyId, trialId);
                return true;
            });
            if (won) {
                failed.add(trialId);
            }
        }
        return failed;
    }

    @Override
    public List<Integer> liveTrialNumbers(long studyId, Duration grace) {
        return read(c -> {
            info(c, studyId);
            LocalDateTime now;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + dbNow()); ResultSet rs = ps.executeQuery()) {
                rs.next();
                now = localTime(rs, 1).orElseThrow();
            }
            LocalDateTime limit = now.minus(grace);
            List<Integer> out = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT t.number, h.heartbeat FROM trials t JOIN trial_heartbeats h ON"
                    + " h.trial_id = t.trial_id WHERE t.study_id = ? AND t.state = 'RUNNING' ORDER BY t.number", studyId);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!localTime(rs, 2).orElseThrow().isBefore(limit)) {
                        out.add(rs.getInt(1));
                    }
                }
            }
            return out;
        });
    }

    /** RUNNING trials of the study (or just {@code onlyTrial}) whose last heartbeat is older than {@code grace}. */
    private List<Long> staleTrials(Connection c, long studyId, Duration grace, Long onlyTrial) throws SQLException {
        LocalDateTime now;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + dbNow()); ResultSet rs = ps.executeQuery()) {
            rs.next();
            now = localTime(rs, 1).orElseThrow();
        }
        LocalDateTime limit = now.minus(grace);
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, "SELECT t.trial_id, h.heartbeat FROM trials t JOIN trial_heartbeats h ON"
                + " h.trial_id = t.trial_id WHERE t.study_id = ? AND t.state = 'RUNNING'"
                + (onlyTrial == null ? "" : " AND t.trial_id = " + onlyTrial.longValue()), studyId);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (localTime(rs, 2).orElseThrow().isBefore(limit)) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    /** Within the transaction that failed a stale trial: queues it again if the study's retry policy says so. */
    private void retryIfWanted(Connection c, long studyId, long failedTrialId) throws SQLException {
        Optional<RetryPolicy> policy = RetryPolicy.fromAttrs(attrs(c, "study_system_attributes", "study_id", studyId));
        if (policy.isEmpty()) {
            return;
        }
        Optional<Map<String, Object>> retry = policy.get().retryAttrs(trialHead(c, failedTrialId));
        if (retry.isPresent()) {
            lockStudy(c, studyId);
            insertTemplate(c, studyId, new FrozenTrial(-1, -1, TrialState.WAITING, List.of(), Map.of(), Map.of(), Map.of(),
                    retry.get(), new TreeMap<>(), Optional.empty(), Optional.empty(), Optional.empty()), now());
        }
    }

    private static IllegalArgumentException unknownStudy(long studyId) {
        return new IllegalArgumentException("no study with id " + studyId + " in this storage");
    }

    private static IllegalArgumentException unknownTrial(long trialId) {
        return new IllegalArgumentException("no trial with id " + trialId + " in this storage");
    }
}
