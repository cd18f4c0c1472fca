package org.nntune.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.nntune.tune.space.Distribution;
import org.nntune.tune.space.Json;
import org.nntune.tune.storage.ArtifactStore;
import org.nntune.tune.storage.ArtifactStoreException;
import org.nntune.tune.storage.FolderArtifactStore;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.StorageChecks;
import org.nntune.tune.storage.StudyAlreadyExistsException;
import org.nntune.tune.storage.TrialChanges;
import org.nntune.tune.study.FrozenTrial;
import org.nntune.tune.study.StudyDirection;
import org.nntune.tune.study.StudySummary;
import org.nntune.tune.study.TrialState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@link Storage} in a relational database: SQLite (a file; the embedded default), PostgreSQL or
 * MySQL/MariaDB. Any number of {@code JdbcStorage} objects, in any number of processes on any number
 * of machines, may work on the same database at once; they coordinate only through it.
 *
 * <h2>How the contract is kept</h2>
 * <ul>
 *   <li><b>Transactions.</b> Every write is one database transaction (a trial's state, values and
 *       completion time change together), so a crash at any moment leaves the trial as it was before
 *       or after the write, never half-written. Transactions that lose a lock race (SQLite busy,
 *       deadlock, serialisation failure) are rolled back and retried.</li>
 *   <li><b>One lock per study.</b> Each write first bumps the study row's change counter
 *       ({@code change_seq}), which locks that row until commit: writes to one study are ordered, trial
 *       numbers come from the same row ({@code n_trials}) without gaps, and a trial row records the
 *       counter value of its last change. Conditional updates ({@code … WHERE state = 'WAITING'},
 *       {@code … WHERE state = 'RUNNING'}) report through their row count who won a claim or a
 *       stale-trial failure.</li>
 *   <li><b>Incremental reads</b> select the trials whose {@code changed_seq} exceeds the cursor through
 *       an index and return the study's counter as the next cursor, in one statement (one snapshot).</li>
 *   <li><b>Best trial</b>: COMPLETE trials of single-objective studies store their value turned to
 *       "smaller is better", and an index on (study, state, that value, number) answers in one seek.</li>
 *   <li><b>Heartbeats</b> are stamped with the database's clock, so workers with skewed clocks agree on
 *       what is stale. {@link #failStaleTrials} re-checks staleness in the conditional update, so a trial
 *       that beat in the meantime is left alone and each stale trial is failed by exactly one caller.
 *       If the study's system attribute {@value RetryPolicy#ATTR} asks for it, the stale trial is queued
 *       again (a WAITING trial with the same parameters) in the same transaction.</li>
 * </ul>
 *
 * <h2>Databases</h2>
 * SQLite runs in WAL mode (readers never wait for the writer) with {@code synchronous=NORMAL}, a busy
 * timeout and {@code BEGIN IMMEDIATE} write transactions, so several local worker processes share a
 * file without "database is locked" failures. PostgreSQL sessions use {@code synchronous_commit=off}
 * unless the URL says {@code synchronous_commit=on}: a commit returns before its WAL record reaches the
 * disk, so a crash of the database server (not of a worker) may lose the last fraction of a second of
 * commits, always whole transactions, never leaving half a trial. MariaDB/MySQL sessions use READ
 * COMMITTED. Connections come from a small HikariCP pool ({@value StorageUrl#DEFAULT_POOL_SIZE} by
 * default, {@code pool_size} in the URL); every statement with data is a prepared statement.
 */
public final class JdbcStorage implements Storage {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStorage.class);
    private static final int MAX_ATTEMPTS = 200;
    /** Times one call opens a new connection after losing one (waits 0.1, 0.2, 0.4 … 3.2 s: ~6 s, a server restart). */
    private static final int MAX_RECONNECTS = 6;
    /**
     * Set while a call runs again after its connection was lost: the first attempt may have been
     * applied (its commit sent, the answer lost), so a conditional write that now matches no row
     * checks whether the row already holds what it meant to write before calling it a refusal.
     */
    private static final ThreadLocal<Boolean> AFTER_LOST_CONNECTION = ThreadLocal.withInitial(() -> false);
    private static final String T_COLS = "t.trial_id, t.number, t.state, t.trial_values, t.params, t.dists,"
            + " t.user_attrs, t.system_attrs, t.intermediate, t.datetime_start, t.datetime_complete, t.failure_reason";

    private final StorageUrl url;
    private final Dialect d;
    private final HikariDataSource pool;
    /** study id → name and directions (both immutable) */
    private final Map<Long, StudyInfo> studies = new ConcurrentHashMap<>();
    /** trial id → its study and number (immutable), for the trials this object writes */
    private final Map<Long, TrialKey> trialKeys = new ConcurrentHashMap<>();
    /** the column formats of trial rows, and the distributions seen */
    private final TrialCodec codec = new TrialCodec();

    private record StudyInfo(String name, List<StudyDirection> directions) {}

    private record TrialKey(long studyId, int number) {}

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Opens (and on first use creates) the storage at a URL; see {@link StorageUrl} for the forms.
     *
     * @throws IllegalArgumentException if the URL is not valid
     * @throws IllegalStateException if the database was written by a newer nntune
     * @throws StorageException if the database cannot be reached
     */
    public JdbcStorage(String url) {
        this(StorageUrl.parse(url));
    }

    /** Opens the storage at a parsed URL. @see #JdbcStorage(String) */
    public JdbcStorage(StorageUrl url) {
        this.url = url;
        this.d = url.dialect();
        HikariConfig config = new HikariConfig();
        config.setPoolName("nntune-" + d.name().toLowerCase(java.util.Locale.ROOT));
        config.setJdbcUrl(url.jdbcUrl());
        config.setDriverClassName(switch (d) {
            case SQLITE -> "org.sqlite.JDBC";
            case POSTGRESQL -> "org.postgresql.Driver";
            case MARIADB -> "org.mariadb.jdbc.Driver";
        });
        Properties props = new Properties();
        props.putAll(url.properties());
        switch (d) {
            case SQLITE -> {
                java.nio.file.Path file = url.sqliteFile().orElseThrow();
                if (java.nio.file.Files.isRegularFile(file) && !java.nio.file.Files.isWritable(file.toAbsolutePath().getParent())) {
                    // a database in a folder nntune may not write (an archive, a read-only mount): reading a WAL
                    // database needs its -shm file, which cannot be created there, so it is opened read-only and
                    // immutable (nobody can write it there either); any write fails with SQLITE_READONLY
                    config.setJdbcUrl("jdbc:sqlite:file:" + file.toUri().getRawPath() + "?immutable=1");
                    props.put("open_mode", String.valueOf(0x01 | 0x40)); // SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
                    config.setReadOnly(true); // the pool's default, or it resets the flag, which sqlite-jdbc refuses
                    config.setAutoCommit(true);
                    break;
                }
                props.putIfAbsent("journal_mode", "WAL");
                props.putIfAbsent("synchronous", "NORMAL");
                props.putIfAbsent("busy_timeout", String.valueOf(url.busyTimeoutMs()));
                config.setAutoCommit(true); // write transactions are BEGIN IMMEDIATE … COMMIT
            }
            case POSTGRESQL -> {
                // reads and single-statement writes run in autocommit (one round trip each); transactions of
                // several statements switch it off for their duration
                config.setAutoCommit(true);
                // how nntune's sessions show in pg_stat_activity (a URL's ?ApplicationName=… names them otherwise)
                props.putIfAbsent("ApplicationName", "nntune");
                if (!url.synchronousCommit()) {
                    config.setConnectionInitSql("SET synchronous_commit TO OFF");
                }
            }
            case MARIADB -> {
                config.setAutoCommit(false);
                config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
            }
        }
        config.setDataSourceProperties(props);
        config.setMaximumPoolSize(url.poolSize());
        config.setMinimumIdle(Math.min(1, url.poolSize()));
        config.setConnectionTimeout(Math.max(30_000, url.busyTimeoutMs() + 5_000L));
        this.pool = openPool(config);
        try {
            read(c -> {
                Schema.migrate(c, d, url.display());
                return null;
            });
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * Starts the connection pool. Workers that open one new SQLite file at the same moment race while each
     * connection switches the file to WAL: the loser sees SQLITE_BUSY, or SQLITE_IOERR_DELETE_NOENT when another
     * connection removed the rollback journal first (or SQLITE_IOERR_FSTAT, see {@link Dialect#isOpenRace}). Such a
     * start is retried (nothing has been written yet);
     * any other failure is reported at once.
     */
    private HikariDataSource openPool(HikariConfig config) {
        for (int attempt = 1; ; attempt++) {
            try {
                return new HikariDataSource(config);
            } catch (RuntimeException e) {
                SQLException cause = firstSqlException(e);
                // a session ended by the server while the pool made its first connection: once more on a new one
                if (cause != null && (d.isOpenRace(cause) || d.isConnectionLost(cause) && attempt <= MAX_RECONNECTS)
                        && attempt < MAX_ATTEMPTS) {
                    backoff(attempt);
                    continue;
                }
                throw new StorageException("cannot open the storage '" + url + "': " + rootMessage(e), e);
            }
        }
    }

    private static SQLException firstSqlException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }

    /** @return the URL this storage was opened with (password masked in {@code toString}) */
    public StorageUrl url() {
        return url;
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "JdbcStorage[" + url + "]";
    }

    // ---------------------------------------------------------------- transactions

    private enum Mode {
        /** reads: autocommit statements (MariaDB: committed at the end) */
        READ,
        /** a transaction of several statements */
        WRITE,
        /** one statement that is its own transaction (PostgreSQL, autocommit) */
        SINGLE
    }

    private <T> T write(SqlWork<T> work) {
        return inTransactionRaw(work, Mode.WRITE);
    }

    private <T> T read(SqlWork<T> work) {
        return inTransactionRaw(work, Mode.READ);
    }

    private <T> T single(SqlWork<T> work) {
        return inTransactionRaw(work, Mode.SINGLE);
    }

    /**
     * Runs {@code work} on a pooled connection in the given mode, retrying lost races (busy, deadlock)
     * and lost connections: a transaction cut before its commit was rolled back by the server, so it
     * runs again on a new connection; one cut during its commit (or a one-statement write cut in
     * flight) may have been applied, and the writes that can tell (a trial's state and parameters)
     * check the row when they run again (see {@link #AFTER_LOST_CONNECTION}).
     */
    private <T> T inTransactionRaw(SqlWork<T> work, Mode mode) {
        boolean outer = !AFTER_LOST_CONNECTION.get();
        try {
            return attempts(work, mode);
        } finally {
            if (outer) {
                AFTER_LOST_CONNECTION.set(false);
            }
        }
    }

    private <T> T attempts(SqlWork<T> work, Mode mode) {
        int reconnects = 0;
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection()) {
                boolean sqliteTx = d == Dialect.SQLITE && mode == Mode.WRITE;
                boolean pgTx = d == Dialect.POSTGRESQL && mode == Mode.WRITE;
                if (sqliteTx) {
                    exec(c, "BEGIN IMMEDIATE");
                } else if (pgTx) {
                    c.setAutoCommit(false);
                }
                try {
                    T result = work.run(c);
                    if (sqliteTx) {
                        exec(c, "COMMIT");
                    } else if (!c.getAutoCommit()) {
                        c.commit();
                    }
                    return result;
                } catch (SQLException | RuntimeException | Error e) {
                    rollbackQuietly(c, sqliteTx);
                    throw e;
                } finally {
                    if (pgTx) {
                        restoreAutoCommit(c);
                    }
                }
            } catch (SQLException e) {
                if (d.isConnectionLost(e) && reconnects < MAX_RECONNECTS) {
                    reconnects++;
                    LOG.info("storage {}: connection lost ({}); running the transaction again on a new connection",
                            url, rootMessage(e));
                    AFTER_LOST_CONNECTION.set(true);
                    sleep(100L << (reconnects - 1));
                    continue;
                }
                if (d.isTransient(e) && attempt < MAX_ATTEMPTS) {
                    if (attempt % 20 == 0) {
                        LOG.info("storage {}: transaction retried {} times ({})", url, attempt, e.getMessage());
                    }
                    backoff(attempt);
                    continue;
                }
                throw new StorageException("storage '" + url + "': " + rootMessage(e), e);
            }
        }
    }

    /** Back to autocommit for the pool; on a connection lost meanwhile this fails, and the first error is the one that counts. */
    private static void restoreAutoCommit(Connection c) throws SQLException {
        if (c.isClosed()) {
            return;
        }
        try {
            c.setAutoCommit(true);
        } catch (SQLException e) {
            if (!c.isClosed()) {
                throw e;
            }
        }
    }

    private void rollbackQuietly(Connection c, boolean sqliteTx) {
        try {
            if (sqliteTx) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                } else {
                    exec(c, "ROLLBACK");
                }
            } else if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // the transaction is gone with the connection
        }
    }

    private static void backoff(int attempt) {
        long max = Math.min(200, 2L << Math.min(attempt, 7));
        sleep(ThreadLocalRandom.current().nextLong(1, max + 1));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting to retry a storage transaction", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            bind(ps, args);
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
        return ps;
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                ps.setNull(i + 1, Types.NULL);
            } else if (a instanceof Long l) {
                ps.setLong(i + 1, l);
            } else if (a instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else if (a instanceof Double x) {
                ps.setDouble(i + 1, x);
            } else if (a instanceof NullDouble) {
                ps.setNull(i + 1, Types.DOUBLE);
            } else if (a instanceof NullLong) {
                ps.setNull(i + 1, Types.BIGINT);
            } else {
                ps.setString(i + 1, (String) a);
            }
        }
    }

    /** Typed SQL NULLs (PostgreSQL wants to know the type of a NULL parameter). */
    private enum NullDouble { VALUE }

    private enum NullLong { VALUE }

    private static Object longOrNull(Long v) {
        return v == null ? NullLong.VALUE : v;
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    /**
     * Bumps the study's change counter, which locks its row until commit (all writes of a study take
     * this lock first, so they never deadlock on each other), and optionally counts a new trial.
     *
     * @return the new change counter and the number of trials after the bump
     * @throws IllegalArgumentException if there is no such study
     */
    private long[] lockStudy(Connection c, long studyId, int newTrials, Long startMicros) throws SQLException {
        String set = lockSet(newTrials, startMicros);
        Object[] args = lockArgs(studyId, startMicros);
        if (d == Dialect.MARIADB) {
            if (update(c, "UPDATE nntune_studies SET " + set + " WHERE study_id = ?", args) == 0) {
                throw unknownStudy(studyId);
            }
            try (PreparedStatement ps = prepare(c, "SELECT change_seq, n_trials FROM nntune_studies WHERE study_id = ?",
                    studyId); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
        try (PreparedStatement ps = prepare(c, "UPDATE nntune_studies SET " + set + " WHERE study_id = ?"
                + " RETURNING change_seq, n_trials", args); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw unknownStudy(studyId);
            }
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /** The SET clause of the study-row update every write starts with (see {@link #lockStudy}). */
    private static String lockSet(int newTrials, Long startMicros) {
        return "change_seq = change_seq + 1"
                + (newTrials > 0 ? ", n_trials = n_trials + " + newTrials : "")
                + (startMicros != null
                ? ", datetime_start = CASE WHEN datetime_start IS NULL OR datetime_start > ? THEN ? ELSE datetime_start END"
                : "");
    }

    /** The parameters of {@code UPDATE nntune_studies SET lockSet(...) WHERE study_id = ?}. */
    private static Object[] lockArgs(long studyId, Long startMicros) {
        return startMicros != null ? new Object[] {startMicros, startMicros, studyId} : new Object[] {studyId};
    }

    /**
     * PostgreSQL: the study-row update as a data-modifying CTE {@code s} (returning n_trials and
     * change_seq), so that "lock the study, then write the trial" is one statement, one round trip.
     */
    private static String lockCte(int newTrials, Long startMicros) {
        return lockCte(newTrials, startMicros, "");
    }

    /** {@link #lockCte(int, Long)} that locks (and so writes) only when {@code condition} (" AND …") holds too. */
    private static String lockCte(int newTrials, Long startMicros, String condition) {
        return "WITH s AS (UPDATE nntune_studies SET " + lockSet(newTrials, startMicros)
                + " WHERE study_id = ?" + condition + " RETURNING n_trials, change_seq) ";
    }

    private static Object[] concat(Object[]... parts) {
        int n = 0;
        for (Object[] p : parts) {
            n += p.length;
        }
        Object[] out = new Object[n];
        int i = 0;
        for (Object[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }

    private static IllegalArgumentException unknownStudy(long studyId) {
        return new IllegalArgumentException("no study with id " + studyId + " in this storage");
    }

    private static IllegalArgumentException unknownTrial(long trialId) {
        return new IllegalArgumentException("no trial with id " + trialId + " in this storage");
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    private static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    // ---------------------------------------------------------------- studies

    @Override
    public long createStudy(String name, List<StudyDirection> directions) {
        if (name.isBlank()) {
            throw new IllegalArgumentException("a study name must not be blank");
        }
        if (name.length() > 512) {
            throw new IllegalArgumentException("study name of " + name.length() + " characters; at most 512 are allowed");
        }
        if (directions.isEmpty()) {
            throw new IllegalArgumentException("study '" + name + "': at least one direction is needed");
        }
        String dirs = String.join(",", directions.stream().map(Enum::name).toList());
        try {
            long id = write(c -> {
                try (PreparedStatement ps = prepareInsert(c, "INSERT INTO nntune_studies (study_name, directions,"
                        + " user_attrs, system_attrs, n_trials, change_seq) VALUES (?, ?, '{}', '{}', 0, 0)", "study_id")) {
                    bind(ps, name, dirs);
                    ps.executeUpdate();
                    return generatedId(c, ps);
                } catch (SQLException e) {
                    if (d.isUniqueViolation(e)) {
                        throw new StudyAlreadyExistsException(name);
                    }
                    throw e;
                }
            });
            studies.put(id, new StudyInfo(name, List.copyOf(directions)));
            return id;
        } catch (StorageException e) {
            if (e.getCause() instanceof SQLException s && d.isUniqueViolation(s)) {
                throw new StudyAlreadyExistsException(name);
            }
            throw e;
        }
    }

    private PreparedStatement prepareInsert(Connection c, String sql, String idColumn) throws SQLException {
        return switch (d) {
            case SQLITE -> c.prepareStatement(sql);
            case POSTGRESQL -> c.prepareStatement(sql, new String[] {idColumn});
            case MARIADB -> c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS);
        };
    }

    private long generatedId(Connection c, PreparedStatement ps) throws SQLException {
        if (d == Dialect.SQLITE) {
            try (PreparedStatement q = c.prepareStatement("SELECT last_insert_rowid()"); ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
        try (ResultSet rs = ps.getGeneratedKeys()) {
            if (!rs.next()) {
                throw new SQLException("the database returned no generated id");
            }
            return rs.getLong(1);
        }
    }

    @Override
    public OptionalLong findStudyId(String name) {
        return read(c -> {
            try (PreparedStatement ps = prepare(c, "SELECT study_id FROM nntune_studies WHERE study_name = ?", name);
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        });
    }

    @Override
    public void deleteStudy(long studyId) {
        write(c -> {
            if (update(c, "DELETE FROM nntune_studies WHERE study_id = ?", studyId) == 0) {
                throw unknownStudy(studyId);
            }
            update(c, "DELETE FROM nntune_trials WHERE study_id = ?", studyId);
            update(c, "DELETE FROM nntune_study_attrs WHERE study_id = ?", studyId);
            update(c, "DELETE FROM nntune_artifacts WHERE study_id = ?", studyId);
            return null;
        });
        studies.remove(studyId);
        trialKeys.values().removeIf(k -> k.studyId == studyId);
        ArtifactStore a = artifacts.inUse();
        if (a != null && !(a instanceof TableArtifacts)) {
            a.deleteStudy(studyId);
        }
    }

    // ---------------------------------------------------------------- artifacts

    private final ArtifactSlot artifacts = new ArtifactSlot(this::defaultArtifacts);

    /** Unless a store was chosen: a folder beside an SQLite file, the table of a database server. */
    private ArtifactStore defaultArtifacts() {
        return d == Dialect.SQLITE ? new FolderArtifactStore(SqliteFiles.artifactFolder(url))
                : artifactTable(ArtifactStore.UNLIMITED);
    }

    /**
     * The artifact area of this storage's studies. Unless {@link #useArtifactStore} chose another: for
     * SQLite the folder {@code <database file>.artifacts} beside the file (checkpoints stay out of the
     * database and its WAL), for PostgreSQL and MariaDB the table {@code nntune_artifacts}, which every
     * worker on any machine reaches; no cap.
     */
    @Override
    public ArtifactStore artifacts() {
        return artifacts.get();
    }

    /**
     * Makes this storage keep artifacts in {@code store} (e.g. a {@link FolderArtifactStore} on a shared
     * disk, or a capped one); call it before the storage is used. Every worker of a study must use the same.
     *
     * @return this storage
     */
    public JdbcStorage useArtifactStore(ArtifactStore store) {
        artifacts.set(store);
        return this;
    }

    /** @return an artifact store in this database's table {@code nntune_artifacts}, holding at most {@code capBytes} per study */
    public ArtifactStore artifactTable(long capBytes) {
        return new TableArtifacts(capBytes);
    }

    /** Artifacts as rows of {@code nntune_artifacts}; a put is one transaction under the study's row lock. */
    private final class TableArtifacts implements ArtifactStore {
        private final long cap;

        TableArtifacts(long cap) {
            if (cap <= 0) {
                throw new IllegalArgumentException("artifact cap " + cap + " must be > 0 bytes");
            }
            this.cap = cap;
        }

        private <T> T run(String what, SqlWork<T> work, boolean write) {
            try {
                return write ? write(work) : read(work);
            } catch (StorageException e) {
                throw new ArtifactStoreException(ArtifactStoreException.Kind.UNAVAILABLE, what + " in " + url + ": "
                        + e.getMessage(), e);
            }
        }

        @Override
        public void put(long studyId, String key, byte[] bytes) {
            ArtifactStore.checkKey(key);
            run("cannot store artifact '" + key + "'", c -> {
                lockStudy(c, studyId, 0, null); // the cap is checked and kept under the study's lock
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
                ArtifactStore.checkCap(url.display(), cap, used, old, key, bytes.length);
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
            return "table nntune_artifacts of " + url;
        }
    }

    private static final String STUDY_COLS = "study_id, study_name, directions, n_trials, datetime_start";

    @Override
    public StudySummary getStudy(long studyId) {
        return read(c -> {
            StudySummary bare;
            try (PreparedStatement ps = prepare(c, "SELECT " + STUDY_COLS + " FROM nntune_studies WHERE study_id = ?",
                    studyId); ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw unknownStudy(studyId);
                }
                bare = summary(rs, Map.of(), Map.of());
            }
            Map<Long, List<Map<String, Object>>> attrs = studyAttrs(c, studyId);
            List<Map<String, Object>> a = attrs.getOrDefault(studyId, List.of(Map.of(), Map.of()));
            return new StudySummary(bare.studyId(), bare.name(), bare.directions(), a.get(0), a.get(1), bare.nTrials(),
                    bare.datetimeStart());
        });
    }

    @Override
    public List<StudySummary> getAllStudies() {
        return read(c -> {
            Map<Long, List<Map<String, Object>>> attrs = studyAttrs(c, null);
            List<StudySummary> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + STUDY_COLS + " FROM nntune_studies ORDER BY study_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<Map<String, Object>> a = attrs.getOrDefault(rs.getLong(1), List.of(Map.of(), Map.of()));
                    out.add(summary(rs, a.get(0), a.get(1)));
                }
            }
            return out;
        });
    }

    @Override
    public Map<String, Object> getStudyUserAttrs(long studyId) {
        return studyAttrs(studyId, 0);
    }

    @Override
    public Map<String, Object> getStudySystemAttrs(long studyId) {
        return studyAttrs(studyId, 1);
    }

    private Map<String, Object> studyAttrs(long studyId, int system) {
        return read(c -> {
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
            return java.util.Collections.unmodifiableMap(out);
        });
    }

    /** @return study id → [user attrs, system attrs], of one study or (null) all */
    private static Map<Long, List<Map<String, Object>>> studyAttrs(Connection c, Long studyId) throws SQLException {
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

    private StudySummary summary(ResultSet rs, Map<String, Object> user, Map<String, Object> system) throws SQLException {
        long id = rs.getLong(1);
        String name = rs.getString(2);
        List<StudyDirection> dirs = directions(rs.getString(3));
        studies.putIfAbsent(id, new StudyInfo(name, dirs));
        long start = rs.getLong(5);
        Optional<Instant> started = rs.wasNull() ? Optional.empty() : Optional.of(instant(start));
        return new StudySummary(id, name, dirs, user, system, rs.getInt(4), started);
    }

    private static List<StudyDirection> directions(String text) {
        List<StudyDirection> out = new ArrayList<>();
        for (String s : text.split(",")) {
            out.add(StudyDirection.valueOf(s));
        }
        return List.copyOf(out);
    }

    private StudyInfo info(long studyId) {
        StudyInfo s = studies.get(studyId);
        return s != null ? s : read(c -> info(c, studyId));
    }

    private StudyInfo info(Connection c, long studyId) throws SQLException {
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

    @Override
    public List<StudyDirection> getStudyDirections(long studyId) {
        return info(studyId).directions;
    }

    @Override
    public void setStudyUserAttr(long studyId, String key, Object value) {
        setStudyAttr(studyId, 0, key, value);
    }

    @Override
    public void setStudySystemAttr(long studyId, String key, Object value) {
        setStudyAttr(studyId, 1, key, value);
    }

    private static void checkAttrKey(String key) {
        if (key.length() > 255) {
            throw new IllegalArgumentException("study attribute key of " + key.length()
                    + " characters; at most 255 are allowed: " + key.substring(0, 40) + "…");
        }
    }

    /** {@code INSERT INTO nntune_study_attrs … SELECT … FROM nntune_studies WHERE study_id = ?}: no row for an unknown study */
    private static final String INSERT_ATTR = "INTO nntune_study_attrs (study_id, is_system, attr_key, value_json)"
            + " SELECT study_id, ?, ?, ? FROM nntune_studies WHERE study_id = ?";

    private void setStudyAttr(long studyId, int system, String key, Object value) {
        checkAttrKey(key);
        String json = Json.encode(Json.normalize(value));
        String sql = switch (d) {
            case SQLITE -> "INSERT " + INSERT_ATTR + " ON CONFLICT (study_id, is_system, attr_key)"
                    + " DO UPDATE SET value_json = excluded.value_json";
            case POSTGRESQL -> "INSERT " + INSERT_ATTR + " ON CONFLICT (study_id, is_system, attr_key)"
                    + " DO UPDATE SET value_json = EXCLUDED.value_json";
            case MARIADB -> "INSERT " + INSERT_ATTR + " ON DUPLICATE KEY UPDATE value_json = VALUES(value_json)";
        };
        single(c -> {
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
    @Override
    public boolean compareAndSetStudySystemAttr(long studyId, String key, Optional<Object> expected, Object value) {
        checkAttrKey(key);
        String json = Json.encode(Json.normalize(value));
        if (expected.isEmpty()) {
            String sql = switch (d) {
                case SQLITE -> "INSERT OR IGNORE " + INSERT_ATTR;
                case POSTGRESQL -> "INSERT " + INSERT_ATTR + " ON CONFLICT DO NOTHING";
                case MARIADB -> "INSERT IGNORE " + INSERT_ATTR;
            };
            return single(c -> {
                if (update(c, sql, 1, key, json, studyId) == 1) {
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
            Optional<String> seen = single(c -> {
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

    // ---------------------------------------------------------------- trial creation and state

    @Override
    public FrozenTrial createTrial(long studyId) {
        Instant start = now();
        long micros = micros(start);
        long[] ids = d == Dialect.POSTGRESQL ? insertRunningPg(studyId, micros, false) : write(c -> insertRunning(c, studyId, micros));
        if (ids == null) {
            throw unknownStudy(studyId);
        }
        return created(studyId, ids, start);
    }

    /**
     * PostgreSQL: locks the study, counts a new trial and inserts it RUNNING, in one statement; with
     * {@code unlessWaiting}, only when the study has no WAITING trial (checked under the lock).
     *
     * @return {trial id, number}, or null when nothing was inserted (no such study, or a WAITING trial)
     */
    private long[] insertRunningPg(long studyId, long micros, boolean unlessWaiting) {
        String cte = lockCte(1, micros, unlessWaiting
                ? " AND NOT EXISTS (SELECT 1 FROM nntune_trials w WHERE w.study_id = ? AND w.state = 'WAITING')" : "");
        Object[] lockArgs = unlessWaiting ? concat(lockArgs(studyId, micros), new Object[] {studyId}) : lockArgs(studyId, micros);
        String sql = cte + "INSERT INTO nntune_trials (study_id, number,"
                + " state, trial_values, min_value, params, dists, user_attrs, system_attrs, intermediate,"
                + " datetime_start, changed_seq) SELECT ?, s.n_trials - 1, 'RUNNING', '[]', NULL, '', '', '', '', '',"
                + " ?, s.change_seq FROM s RETURNING trial_id, number";
        Object[] args = concat(lockArgs, new Object[] {studyId, micros});
        return single(c -> {
            try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getInt(2)} : null;
            }
        });
    }

    /** Within a write: counts a new trial on the study's row (its lock) and inserts it RUNNING; {trial id, number}. */
    private long[] insertRunning(Connection c, long studyId, long micros) throws SQLException {
        long[] seq = lockStudy(c, studyId, 1, micros);
        int number = (int) seq[1] - 1;
        long trialId = insertTrial(c, studyId, number, TrialState.RUNNING, "[]", null, "", "", "", "", "",
                micros, null, null, seq[0]);
        return new long[] {trialId, number};
    }

    /** The trial {@link #insertRunning} (or PostgreSQL's one statement) created, remembered by id. */
    private FrozenTrial created(long studyId, long[] ids, Instant start) {
        trialKeys.put(ids[0], new TrialKey(studyId, (int) ids[1]));
        return new FrozenTrial((int) ids[1], ids[0], TrialState.RUNNING, List.of(), Map.of(), Map.of(), Map.of(),
                Map.of(), new TreeMap<>(), Optional.of(start), Optional.empty(), Optional.empty());
    }

    /**
     * One transaction: takes the study's row lock (as every write of the study does first), counts the
     * trials in the {@code counted} states under it and only then claims the first WAITING trial or
     * creates one (with its first heartbeat if asked), so workers in other processes, which wait for
     * the same lock, see this trial when they count.
     */
    @Override
    public Optional<FrozenTrial> startTrialWithin(long studyId, Set<TrialState> counted, int limit, boolean beat) {
        Instant start = now();
        long micros = micros(start);
        if (limit == Integer.MAX_VALUE && !beat) {
            // no budget to keep: create the trial unless one is queued. PostgreSQL: one statement, one round
            // trip (the ceiling of many workers is round trips: StorageCeiling); else count, then create
            if (d == Dialect.POSTGRESQL) {
                long[] ids = insertRunningPg(studyId, micros, true);
                if (ids != null) {
                    return Optional.of(created(studyId, ids, start));
                }
                // a WAITING trial to claim, or no such study: the general path says which
            } else if (countTrials(studyId, EnumSet.of(TrialState.WAITING)) == 0) {
                return Optional.of(createTrial(studyId));
            }
        }
        Object started = write(c -> {
            lockStudy(c, studyId, 0, null);
            if (limit != Integer.MAX_VALUE && countIn(c, studyId, counted) >= limit) {
                return null;
            }
            Long waiting = null;
            try (PreparedStatement ps = prepare(c, "SELECT trial_id FROM nntune_trials WHERE study_id = ?"
                    + " AND state = 'WAITING' ORDER BY number LIMIT 1", studyId); ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    waiting = rs.getLong(1);
                }
            }
            if (waiting == null) {
                long[] ids = insertRunning(c, studyId, micros);
                if (beat) {
                    update(c, "UPDATE nntune_trials SET heartbeat = " + d.nowMicros() + " WHERE trial_id = ?", ids[0]);
                }
                return ids;
            }
            long[] seq = lockStudy(c, studyId, 0, micros);
            update(c, "UPDATE nntune_trials SET state = 'RUNNING', datetime_start = ?, changed_seq = ?"
                    + (beat ? ", heartbeat = " + d.nowMicros() : "") + " WHERE trial_id = ? AND state = 'WAITING'",
                    micros, seq[0], waiting);
            return readTrial(c, waiting);
        });
        if (started == null) {
            return Optional.empty();
        }
        if (started instanceof FrozenTrial claimed) {
            trialKeys.put(claimed.trialId(), new TrialKey(studyId, claimed.number()));
            return Optional.of(claimed);
        }
        return Optional.of(created(studyId, (long[]) started, start));
    }

    private static final String INSERT_TRIAL = "INSERT INTO nntune_trials (study_id, number, state, trial_values,"
            + " min_value, params, dists, user_attrs, system_attrs, intermediate, datetime_start,"
            + " datetime_complete, failure_reason, changed_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private long insertTrial(Connection c, long studyId, int number, TrialState state, String values, Double minValue,
                             String params, String dists, String userAttrs, String systemAttrs, String intermediate,
                             Long start, Long complete, String failureReason, long seq) throws SQLException {
        try (PreparedStatement ps = prepareInsert(c, INSERT_TRIAL, "trial_id")) {
            bindRow(ps, studyId, number, state, values, minValue, params, dists, userAttrs, systemAttrs, intermediate,
                    start, complete, failureReason, seq);
            ps.executeUpdate();
            return generatedId(c, ps);
        }
    }

    private static void bindRow(PreparedStatement ps, long studyId, int number, TrialState state, String values,
                                Double minValue, String params, String dists, String userAttrs, String systemAttrs,
                                String intermediate, Long start, Long complete, String failureReason, long seq)
            throws SQLException {
        bind(ps, studyId, number, state.name(), values, minValue == null ? NullDouble.VALUE : minValue, params,
                dists, userAttrs, systemAttrs, intermediate, longOrNull(start), longOrNull(complete),
                failureReason, seq);
    }

    @Override
    public FrozenTrial createTrial(long studyId, FrozenTrial template) {
        StudyInfo s = info(studyId);
        Row r = row(s, template, micros(now()));
        FrozenTrial created = write(c -> {
            long[] seq = lockStudy(c, studyId, 1, r.start);
            long id = insertTrial(c, studyId, (int) seq[1] - 1, r.state, r.values, r.minValue, r.params, r.dists,
                    r.user, r.system, r.steps, r.start, r.complete, r.reason, seq[0]);
            return readTrial(c, id);
        });
        trialKeys.put(created.trialId(), new TrialKey(studyId, created.number()));
        return created;
    }

    /**
     * Creates many trials from templates (as {@link #createTrial(long, FrozenTrial)} does for one) in
     * one transaction, with consecutive numbers in list order: all or none. Far faster than one call
     * per trial for copies and imports (see {@link StudyCopier}).
     *
     * @throws IllegalArgumentException if a template is inconsistent (nothing is created then)
     */
    public void createTrials(long studyId, List<FrozenTrial> templates) {
        if (templates.isEmpty()) {
            info(studyId);
            return;
        }
        StudyInfo s = info(studyId);
        long now = micros(now());
        List<Row> rows = new ArrayList<>(templates.size());
        for (FrozenTrial t : templates) {
            rows.add(row(s, t, now));
        }
        Long start = rows.stream().anyMatch(r -> r.start != null) ? now : null;
        write(c -> {
            long[] seq = lockStudy(c, studyId, rows.size(), start);
            int first = (int) seq[1] - rows.size();
            try (PreparedStatement ps = c.prepareStatement(INSERT_TRIAL)) {
                for (int i = 0; i < rows.size(); i++) {
                    Row r = rows.get(i);
                    bindRow(ps, studyId, first + i, r.state, r.values, r.minValue, r.params, r.dists, r.user, r.system,
                            r.steps, r.start, r.complete, r.reason, seq[0]);
                    ps.addBatch();
                    if (i % 1000 == 999) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** A trial template turned into the columns of its row. */
    private record Row(TrialState state, String values, Double minValue, String params, String dists, String user,
                       String system, String steps, Long start, Long complete, String reason) {}

    private Row row(StudyInfo s, FrozenTrial template, long nowMicros) {
        StorageChecks.checkTemplate(s.name, s.directions.size(), template);
        TrialState state = template.state();
        StringBuilder params = new StringBuilder();
        StringBuilder dists = new StringBuilder();
        for (Map.Entry<String, Object> e : template.params().entrySet()) {
            Distribution dist = template.distributions().get(e.getKey());
            TrialCodec.append(params, e.getKey(), Json.encode(dist.toInternal(e.getValue())));
            TrialCodec.append(dists, e.getKey(), String.valueOf(distributionId(dist)));
        }
        StringBuilder steps = new StringBuilder();
        template.intermediateValues().forEach((step, v) -> TrialCodec.append(steps, String.valueOf(step), Json.encode(v)));
        return new Row(state, Json.encode(template.values()), minValue(s, state, template.values()), params.toString(),
                dists.toString(), TrialCodec.log(template.userAttrs()), TrialCodec.log(template.systemAttrs()), steps.toString(),
                state == TrialState.WAITING ? null : nowMicros, state.isFinished() ? nowMicros : null,
                state == TrialState.FAIL ? template.failureReason().orElse(null) : null);
    }

    private static Double minValue(StudyInfo s, TrialState state, List<Double> values) {
        return state == TrialState.COMPLETE && s.directions.size() == 1
                ? s.directions.get(0).toMinimized(values.get(0)) : null;
    }

    private TrialKey key(long trialId) {
        TrialKey k = trialKeys.get(trialId);
        if (k != null) {
            return k;
        }
        return read(c -> {
            try (PreparedStatement ps = prepare(c, "SELECT study_id, number FROM nntune_trials WHERE trial_id = ?", trialId);
                 ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw unknownTrial(trialId);
                }
                return putBounded(trialKeys, trialId, new TrialKey(rs.getLong(1), rs.getInt(2)), 100_000);
            }
        });
    }

    @Override
    public boolean claimWaitingTrial(long trialId) {
        TrialKey k = key(trialId);
        long start = micros(now());
        if (d == Dialect.POSTGRESQL) {
            return single(c -> update(c, lockCte(0, start) + "UPDATE nntune_trials SET state = 'RUNNING', datetime_start = ?,"
                    + " changed_seq = (SELECT change_seq FROM s) WHERE trial_id = ? AND state = 'WAITING'",
                    concat(lockArgs(k.studyId, start), new Object[] {start, trialId})) == 1);
        }
        return write(c -> {
            long[] seq = lockStudy(c, k.studyId, 0, start);
            return update(c, "UPDATE nntune_trials SET state = 'RUNNING', datetime_start = ?, changed_seq = ?"
                    + " WHERE trial_id = ? AND state = 'WAITING'", start, seq[0], trialId) == 1;
        });
    }

    /**
     * Runs a conditional update of a trial under its study's lock; when it matches no row, finds out
     * why and throws (rolling the transaction back).
     */
    private void writeTrial(long trialId, String what, boolean allowWaiting, String set, Object[] setArgs,
                            String extraCondition, Object[] extraArgs) {
        writeTrial(trialId, what, allowWaiting, set, setArgs, extraCondition, extraArgs, t -> false);
    }

    /**
     * {@link #writeTrial(long, String, boolean, String, Object[], String, Object[])} whose refusal, when it
     * runs again after a lost connection, is no refusal if the trial already holds the write ({@code applied}).
     */
    private void writeTrial(long trialId, String what, boolean allowWaiting, String set, Object[] setArgs,
                            String extraCondition, Object[] extraArgs, java.util.function.Predicate<FrozenTrial> applied) {
        TrialKey k = key(trialId);
        String where = " WHERE trial_id = ? AND state " + (allowWaiting ? "IN ('RUNNING', 'WAITING')" : "= 'RUNNING'")
                + extraCondition;
        if (d == Dialect.POSTGRESQL) {
            single(c -> {
                if (update(c, lockCte(0, null) + "UPDATE nntune_trials SET " + set
                        + ", changed_seq = (SELECT change_seq FROM s)" + where,
                        concat(lockArgs(k.studyId, null), setArgs, new Object[] {trialId}, extraArgs)) == 0
                        && !appliedBefore(c, trialId, applied)) {
                    throw refusal(c, trialId, what);
                }
                return null;
            });
            return;
        }
        write(c -> {
            long[] seq = lockStudy(c, k.studyId, 0, null);
            if (update(c, "UPDATE nntune_trials SET " + set + ", changed_seq = ?" + where,
                    concat(setArgs, new Object[] {seq[0], trialId}, extraArgs)) == 0 && !appliedBefore(c, trialId, applied)) {
                throw refusal(c, trialId, what);
            }
            return null;
        });
    }

    /** Whether this call runs again after a lost connection and its first attempt was applied already. */
    private boolean appliedBefore(Connection c, long trialId, java.util.function.Predicate<FrozenTrial> applied)
            throws SQLException {
        return AFTER_LOST_CONNECTION.get() && applied.test(readTrial(c, trialId));
    }

    /** The exception for a write that matched no row: unknown trial, or one in the wrong state. */
    private RuntimeException refusal(Connection c, long trialId, String what) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT t.state, t.number, s.study_name FROM nntune_trials t"
                + " JOIN nntune_studies s ON s.study_id = t.study_id WHERE t.trial_id = ?", trialId);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return unknownTrial(trialId);
            }
            TrialState state = TrialState.valueOf(rs.getString(1));
            String where = "trial " + rs.getInt(2) + " of study '" + rs.getString(3) + "'";
            if (state == TrialState.RUNNING) {
                return new IllegalStateException("cannot " + what + " of " + where + ": it has that already ("
                        + "parameters are set once)");
            }
            return new IllegalStateException("cannot " + what + " of " + where + ": it is " + state
                    + (state.isFinished() ? " and finished trials never change" : ""));
        }
    }

    @Override
    public void setTrialParam(long trialId, String name, double internalValue, Distribution distribution) {
        if (!distribution.containsInternal(internalValue)) {
            throw new IllegalArgumentException("parameter '" + name + "': internal value " + internalValue
                    + " is not in " + distribution);
        }
        distribution.toExternal(internalValue); // checks it as well
        String keyText = Json.encode(name);
        writeTrial(trialId, "set parameter '" + name + "'", false,
                "params = " + d.append("params") + ", dists = " + d.append("dists"),
                new Object[] {TrialCodec.entry(name, Json.encode(internalValue)),
                        TrialCodec.entry(name, String.valueOf(distributionId(distribution)))},
                " AND " + d.position("params") + " = 0", new Object[] {"," + keyText + ":"},
                t -> t.distributions().containsKey(name)
                        && java.util.Objects.equals(t.params().get(name), distribution.toExternal(internalValue)));
    }

    @Override
    public void finishTrial(long trialId, TrialState state, List<Double> values, Optional<String> failureReason) {
        TrialKey k = key(trialId);
        StudyInfo s = info(k.studyId);
        StorageChecks.checkFinish(s.name, k.number, s.directions.size(), state, values, failureReason);
        Double minValue = minValue(s, state, values);
        writeTrial(trialId, "set the state to " + state, false,
                "state = ?, trial_values = ?, min_value = ?, failure_reason = ?, datetime_complete = ?, heartbeat = NULL",
                new Object[] {state.name(), Json.encode(values), minValue == null ? NullDouble.VALUE : minValue,
                        failureReason.orElse(null), micros(now())}, "", new Object[0],
                t -> t.state() == state && t.values().equals(values));
        trialKeys.remove(trialId);
    }

    @Override
    public void setTrialIntermediateValue(long trialId, int step, double value) {
        writeTrial(trialId, "report step " + step, false, "intermediate = " + d.append("intermediate"),
                new Object[] {TrialCodec.entry(String.valueOf(step), Json.encode(value))}, "", new Object[0]);
    }

    @Override
    public void setTrialUserAttr(long trialId, String key, Object value) {
        writeTrial(trialId, "set user attribute '" + key + "'", true, "user_attrs = " + d.append("user_attrs"),
                new Object[] {TrialCodec.entry(key, Json.encode(value))}, "", new Object[0]);
    }

    @Override
    public void setTrialSystemAttr(long trialId, String key, Object value) {
        writeTrial(trialId, "set system attribute '" + key + "'", true, "system_attrs = " + d.append("system_attrs"),
                new Object[] {TrialCodec.entry(key, Json.encode(value))}, "", new Object[0]);
    }

    // ---------------------------------------------------------------- reads

    private FrozenTrial readTrial(Connection c, long trialId) throws SQLException {
        List<TrialCodec.Raw> raw = new ArrayList<>(1);
        try (PreparedStatement ps = prepare(c, "SELECT " + T_COLS + " FROM nntune_trials t WHERE t.trial_id = ?", trialId);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw unknownTrial(trialId);
            }
            raw.add(TrialCodec.read(rs, 1));
        }
        return decode(c, raw).get(0);
    }

    /** Decodes rows read with their result set closed, loading the distributions they refer to first. */
    private List<FrozenTrial> decode(Connection c, List<TrialCodec.Raw> raw) throws SQLException {
        Set<Long> missing = codec.missing(raw);
        if (!missing.isEmpty()) {
            List<Long> ids = new ArrayList<>(missing);
            for (int from = 0; from < ids.size(); from += 500) {
                List<Long> part = ids.subList(from, Math.min(ids.size(), from + 500));
                try (PreparedStatement ps = prepare(c, "SELECT dist_id, json FROM nntune_distributions WHERE dist_id IN ("
                        + marks(part.size()) + ")", part.toArray()); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        codec.remember(rs.getLong(1), Distribution.fromJson(rs.getString(2)));
                    }
                }
            }
        }
        List<FrozenTrial> out = new ArrayList<>(raw.size());
        for (TrialCodec.Raw r : raw) {
            out.add(codec.decode(r));
        }
        return out;
    }

    /**
     * @return the id of a distribution in {@code nntune_distributions}, adding it if it is new (each
     *     distinct distribution is stored once; trial rows refer to it by id)
     */
    private long distributionId(Distribution dist) {
        Long known = codec.idOf(dist);
        if (known != null) {
            return known;
        }
        String json = dist.toJson();
        String hash = sha256(json);
        String insert = switch (d) {
            case SQLITE -> "INSERT OR IGNORE INTO nntune_distributions (json_hash, json) VALUES (?, ?)";
            case POSTGRESQL -> "INSERT INTO nntune_distributions (json_hash, json) VALUES (?, ?) ON CONFLICT (json_hash) DO NOTHING";
            case MARIADB -> "INSERT IGNORE INTO nntune_distributions (json_hash, json) VALUES (?, ?)";
        };
        long id = write(c -> {
            update(c, insert, hash, json);
            try (PreparedStatement ps = prepare(c, "SELECT dist_id FROM nntune_distributions WHERE json_hash = ?", hash);
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        codec.remember(id, dist);
        return id;
    }

    private static String sha256(String text) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Puts into a cache that is emptied when it grows past {@code limit} entries; @return the value */
    private static <K, V> V putBounded(Map<K, V> cache, K key, V value, int limit) {
        if (cache.size() > limit) {
            cache.clear();
        }
        cache.put(key, value);
        return value;
    }

    @Override
    public FrozenTrial getTrial(long trialId) {
        return read(c -> readTrial(c, trialId));
    }

    @Override
    public List<FrozenTrial> getAllTrials(long studyId, Set<TrialState> states) {
        return read(c -> {
            List<FrozenTrial> out = new ArrayList<>();
            if (states.isEmpty()) {
                info(c, studyId);
                return out;
            }
            boolean all = states.containsAll(EnumSet.allOf(TrialState.class));
            String sql = "SELECT s.study_id, " + T_COLS + " FROM nntune_studies s LEFT JOIN nntune_trials t"
                    + " ON t.study_id = s.study_id" + (all ? "" : " AND t.state IN (" + marks(states.size()) + ")")
                    + " WHERE s.study_id = ? ORDER BY t.number";
            List<Object> args = new ArrayList<>();
            if (!all) {
                states.forEach(st -> args.add(st.name()));
            }
            args.add(studyId);
            readTrials(c, sql, args.toArray(), studyId, out);
            return out;
        });
    }

    /** Runs a "study LEFT JOIN trials" query; @return the first column of the first row (e.g. the change counter) */
    private long readTrials(Connection c, String sql, Object[] args, long studyId, List<FrozenTrial> out)
            throws SQLException {
        List<TrialCodec.Raw> raw = new ArrayList<>();
        long first;
        try (PreparedStatement ps = prepare(c, sql, args)) {
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw unknownStudy(studyId);
                }
                first = rs.getLong(1);
                do {
                    rs.getLong(2);
                    if (!rs.wasNull()) {
                        raw.add(TrialCodec.read(rs, 2));
                    }
                } while (rs.next());
            }
        }
        out.addAll(decode(c, raw));
        return first;
    }

    private static String marks(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    @Override
    public int countTrials(long studyId, Set<TrialState> states) {
        if (states.isEmpty()) {
            info(studyId);
            return 0;
        }
        return read(c -> countIn(c, studyId, states));
    }

    /** The study's trials in the given states (at least one state), on this connection. */
    private int countIn(Connection c, long studyId, Set<TrialState> states) throws SQLException {
        if (states.isEmpty()) {
            return 0;
        }
        List<Object> args = new ArrayList<>();
        states.forEach(st -> args.add(st.name()));
        args.add(studyId);
        try (PreparedStatement ps = prepare(c, "SELECT (SELECT COUNT(*) FROM nntune_trials t WHERE t.study_id = s.study_id"
                + " AND t.state IN (" + marks(states.size()) + ")) FROM nntune_studies s WHERE s.study_id = ?",
                args.toArray()); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw unknownStudy(studyId);
            }
            return rs.getInt(1);
        }
    }

    @Override
    public TrialChanges getTrialsChangedSince(long studyId, long cursor) {
        if (cursor < 0) {
            throw new IllegalArgumentException("cursor " + cursor + " was not given out by this storage (cursors are >= 0)");
        }
        return read(c -> {
            List<FrozenTrial> out = new ArrayList<>();
            long next = readTrials(c, "SELECT s.change_seq, " + T_COLS + " FROM nntune_studies s LEFT JOIN nntune_trials t"
                    + " ON t.study_id = s.study_id AND t.changed_seq > ? WHERE s.study_id = ? ORDER BY t.number",
                    new Object[] {cursor, studyId}, studyId, out);
            return new TrialChanges(out, Math.max(next, cursor));
        });
    }

    @Override
    public Optional<FrozenTrial> getBestTrial(long studyId) {
        StudyInfo s = info(studyId);
        if (s.directions.size() != 1) {
            throw new IllegalStateException("study '" + s.name + "' has " + s.directions.size()
                    + " objectives, so there is no single best trial; look at the Pareto front instead");
        }
        return read(c -> {
            List<FrozenTrial> out = new ArrayList<>();
            readTrials(c, "SELECT s.study_id, " + T_COLS + " FROM nntune_studies s LEFT JOIN nntune_trials t"
                    + " ON t.trial_id = (SELECT b.trial_id FROM nntune_trials b WHERE b.study_id = ? AND b.state = 'COMPLETE'"
                    + " ORDER BY b.min_value, b.number LIMIT 1) WHERE s.study_id = ?",
                    new Object[] {studyId, studyId}, studyId, out);
            return out.isEmpty() ? Optional.empty() : Optional.of(out.get(0));
        });
    }

    // ---------------------------------------------------------------- heartbeats

    @Override
    public void recordHeartbeat(long trialId) {
        read(c -> {
            if (update(c, "UPDATE nntune_trials SET heartbeat = " + d.nowMicros()
                    + " WHERE trial_id = ? AND state = 'RUNNING'", trialId) == 0) {
                throw refusal(c, trialId, "record a heartbeat");
            }
            return null;
        });
    }

    @Override
    public List<Long> failStaleTrials(long studyId, Duration grace) {
        long graceMicros = grace.toNanos() / 1000;
        List<long[]> candidates = read(c -> {
            List<long[]> out = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT trial_id, heartbeat FROM nntune_trials WHERE study_id = ?"
                    + " AND state = 'RUNNING' AND heartbeat IS NOT NULL AND heartbeat < " + d.nowMicros() + " - ?",
                    studyId, graceMicros); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
            if (out.isEmpty()) {
                info(c, studyId); // an unknown study is an error, not "nothing stale"
            }
            return out;
        });
        List<Long> failed = new ArrayList<>();
        for (long[] cand : candidates) {
            long trialId = cand[0];
            boolean won = write(c -> {
                long[] seq = lockStudy(c, studyId, 0, null);
                String reason = "stale: no heartbeat since " + instant(cand[1]) + " (database clock; grace " + grace
                        + "); the worker is presumed dead";
                int n = update(c, "UPDATE nntune_trials SET state = 'FAIL', failure_reason = ?, datetime_complete = ?,"
                        + " changed_seq = ? WHERE trial_id = ? AND state = 'RUNNING' AND heartbeat < " + d.nowMicros() + " - ?",
                        reason, micros(now()), seq[0], trialId, graceMicros);
                if (n == 1) {
                    retryIfWanted(c, studyId, trialId);
                }
                return n == 1;
            });
            if (won) {
                failed.add(trialId);
                trialKeys.remove(trialId);
            }
        }
        return failed;
    }

    /** Within the transaction that failed a stale trial: queues it again if the study's retry policy says so. */
    private void retryIfWanted(Connection c, long studyId, long failedTrialId) throws SQLException {
        Map<String, Object> attrs = new LinkedHashMap<>();
        try (PreparedStatement ps = prepare(c, "SELECT value_json FROM nntune_study_attrs WHERE study_id = ?"
                + " AND is_system = 1 AND attr_key = ?", studyId, RetryPolicy.ATTR); ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                attrs.put(RetryPolicy.ATTR, Json.decode(rs.getString(1)));
            }
        }
        Optional<RetryPolicy> policy = RetryPolicy.fromAttrs(attrs);
        if (policy.isEmpty()) {
            return;
        }
        FrozenTrial failed = readTrial(c, failedTrialId);
        Optional<Map<String, Object>> retryAttrs = policy.get().retryAttrs(failed);
        if (retryAttrs.isEmpty()) {
            return;
        }
        long[] seq = lockStudy(c, studyId, 1, null);
        insertTrial(c, studyId, (int) seq[1] - 1, TrialState.WAITING, "[]", null, "", "", "",
                TrialCodec.log(retryAttrs.get()), "", null, null, null, seq[0]);
    }
}
