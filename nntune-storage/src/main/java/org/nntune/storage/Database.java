package org.nntune.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.nntune.tune.storage.StudyAlreadyExistsException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Collections;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * A pool of connections to one database and the transactions run on it, shared by nntune's own
 * tables ({@link JdbcStorage}) and Optuna's ({@link OptunaStorage}): opening the pool (retrying the
 * race of workers opening one new SQLite file), running work in a transaction that is retried when it
 * loses a lock race (busy, deadlock, serialisation failure) and, if asked, on a new connection when the
 * connection was lost; and the small statement helpers (bind, update, insert with generated id).
 */
final class Database implements AutoCloseable {
    /** System.Logger like the rest of nntune (HikariCP and the drivers log through SLF4J; README "Use as a library"). */
    private static final System.Logger LOG = System.getLogger(Database.class.getName());
    static final int MAX_ATTEMPTS = 200;
    /** Times one call opens a new connection after losing one (waits 0.1, 0.2, 0.4 … 3.2 s: ~6 s, a server restart). */
    static final int MAX_RECONNECTS = 6;
    /**
     * Set while a call runs again after its connection was lost: the first attempt may have been
     * applied (its commit sent, the answer lost), so a conditional write that now matches no row
     * checks whether the row already holds what it meant to write before calling it a refusal.
     */
    private static final ThreadLocal<Boolean> AFTER_LOST_CONNECTION = ThreadLocal.withInitial(() -> false);

    /** Typed SQL NULLs (PostgreSQL wants to know the type of a NULL parameter). */
    record Null(int sqlType) {}

    static final Null NULL_DOUBLE = new Null(Types.DOUBLE);
    static final Null NULL_LONG = new Null(Types.BIGINT);
    static final Null NULL_TIME = new Null(Types.TIMESTAMP);

    /** Work on a connection, inside the transaction {@link #read}, {@link #write} or {@link #single} runs. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private enum Mode {
        /** reads: autocommit statements (committed at the end where the pool does not autocommit) */
        READ,
        /** a transaction of several statements */
        WRITE,
        /** one statement that is its own transaction (autocommit where the pool autocommits) */
        SINGLE
    }

    final StorageUrl url;
    final Dialect dialect;
    private final HikariDataSource pool;
    /** what the messages call this storage ("storage", "Optuna storage") */
    private final String label;
    /** how many times one call may open a new connection after losing one */
    private final int maxReconnects;

    /**
     * Opens the pool.
     *
     * @param poolName the pool's name before the dialect's
     * @param label what the messages call this storage
     * @param maxReconnects how many times a call may run again on a new connection after losing one (0: never;
     *     only for callers whose writes check, after a lost connection, whether they were applied)
     * @param session the dialect's settings of the sessions (see {@link Dialect#configureSessions})
     */
    Database(StorageUrl url, String poolName, String label, int maxReconnects,
             BiConsumer<HikariConfig, java.util.Properties> session) {
        this.url = url;
        this.dialect = url.dialect();
        this.label = label;
        this.maxReconnects = maxReconnects;
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName + "-" + dialect.name().toLowerCase(Locale.ROOT));
        config.setJdbcUrl(url.jdbcUrl());
        dialect.requireDriver(url); // HikariCP's own "Failed to load driver class" names no dependency
        config.setDriverClassName(dialect.driverClass());
        java.util.Properties props = new java.util.Properties();
        props.putAll(url.properties());
        session.accept(config, props);
        dialect.configureNetwork(props, url);
        config.setDataSourceProperties(props);
        config.setMaximumPoolSize(url.poolSize());
        config.setMinimumIdle(Math.min(1, url.poolSize()));
        config.setConnectionTimeout(Math.max(30_000, url.busyTimeoutMs() + 5_000L));
        this.pool = openPool(config);
    }

    /**
     * Starts the connection pool. Workers that open one new SQLite file at the same moment race while each
     * connection switches the file to WAL: the loser sees SQLITE_BUSY, or SQLITE_IOERR_DELETE_NOENT when another
     * connection removed the rollback journal first (or SQLITE_IOERR_FSTAT, see {@link Dialect#isOpenRace}). Such a
     * start is retried (nothing has been written yet), as is a session the server ended while the pool made its
     * first connection (if this storage reconnects); any other failure is reported at once.
     */
    private HikariDataSource openPool(HikariConfig config) {
        for (int attempt = 1; ; attempt++) {
            try {
                return new HikariDataSource(config);
            } catch (RuntimeException e) {
                SQLException cause = firstSqlException(e);
                if (cause != null && (dialect.isOpenRace(cause)
                        || dialect.isConnectionLost(cause) && attempt <= maxReconnects) && attempt < MAX_ATTEMPTS) {
                    backoff(attempt);
                    continue;
                }
                // SQLite's "unable to open the database file" names no file: say which, and why
                String why = dialect == Dialect.SQLITE ? SqliteFiles.missingFolder(url,
                        label.startsWith("Optuna") ? OptunaStorage.PREFIX : "").or(() -> SqliteFiles.unwritableFolder(url))
                        .or(() -> SqliteFiles.readOnly(url, e)).orElse(rootMessage(e)) : rootMessage(e);
                throw new StorageException("cannot open the " + label + " '" + url + "': " + why, e);
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

    @Override
    public void close() {
        pool.close();
    }

    // ---------------------------------------------------------------- transactions

    /** Runs {@code work} in a transaction of several statements. */
    <T> T write(Work<T> work) {
        return inTransaction(work, Mode.WRITE);
    }

    /** Runs reads (autocommit statements where the pool autocommits). */
    <T> T read(Work<T> work) {
        return inTransaction(work, Mode.READ);
    }

    /** Runs one statement that is its own transaction (where the pool autocommits: one round trip). */
    <T> T single(Work<T> work) {
        return inTransaction(work, Mode.SINGLE);
    }

    /** Whether this call runs again after its connection was lost (its first attempt may have been applied). */
    static boolean afterLostConnection() {
        return AFTER_LOST_CONNECTION.get();
    }

    /**
     * Runs {@code work} on a pooled connection in the given mode, retrying lost races (busy, deadlock)
     * and lost connections: a transaction cut before its commit was rolled back by the server, so it
     * runs again on a new connection; one cut during its commit (or a one-statement write cut in
     * flight) may have been applied, and the writes that can tell (a trial's state and parameters)
     * check the row when they run again (see {@link #afterLostConnection}).
     */
    private <T> T inTransaction(Work<T> work, Mode mode) {
        boolean outer = !AFTER_LOST_CONNECTION.get();
        try {
            return attempts(work, mode);
        } finally {
            if (outer) {
                AFTER_LOST_CONNECTION.set(false);
            }
        }
    }

    private <T> T attempts(Work<T> work, Mode mode) {
        int reconnects = 0;
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection()) {
                // SQLite: BEGIN IMMEDIATE takes the write lock first; elsewhere a pool that autocommits stops for the
                // transaction's duration
                boolean begun = mode == Mode.WRITE && dialect.beginsWritesExplicitly();
                boolean autoCommitOff = mode == Mode.WRITE && !begun && c.getAutoCommit();
                if (begun) {
                    exec(c, "BEGIN IMMEDIATE");
                } else if (autoCommitOff) {
                    c.setAutoCommit(false);
                }
                try {
                    T result = work.run(c);
                    if (begun) {
                        exec(c, "COMMIT");
                    } else if (!c.getAutoCommit()) {
                        c.commit();
                    }
                    return result;
                } catch (SQLException | RuntimeException | Error e) {
                    rollbackQuietly(c, begun);
                    throw e;
                } finally {
                    if (autoCommitOff) {
                        restoreAutoCommit(c);
                    }
                }
            } catch (SQLException e) {
                if (dialect.isConnectionLost(e) && reconnects < maxReconnects) {
                    reconnects++;
                    LOG.log(System.Logger.Level.INFO, "{0} {1}: connection lost ({2}); running the transaction again on a new"
                            + " connection", label, url, rootMessage(e));
                    AFTER_LOST_CONNECTION.set(true);
                    sleep(100L << (reconnects - 1));
                    continue;
                }
                if (dialect.isTransient(e) && attempt < MAX_ATTEMPTS) {
                    if (attempt % 20 == 0) {
                        LOG.log(System.Logger.Level.INFO, "{0} {1}: transaction retried {2} times ({3})", label, url, attempt,
                                e.getMessage());
                    }
                    backoff(attempt);
                    continue;
                }
                // SQLite's "attempt to write a readonly database" names no file: say which, and why
                String why = isPoolTimeout(e) ? "no connection to the database within " + pool.getConnectionTimeout() / 1000
                        + " s (" + rootCause(e).getMessage() + ")"
                        : dialect == Dialect.SQLITE ? SqliteFiles.readOnly(url, e).orElse(rootMessage(e)) : rootMessage(e);
                throw new StorageException(label + " '" + url + "': " + why, e);
            }
        }
    }

    /** The pool's "Connection is not available, request timed out after …ms (total=0, active=0, …)": no connection could be had. */
    private static boolean isPoolTimeout(SQLException e) {
        return e instanceof java.sql.SQLTransientConnectionException && String.valueOf(e.getMessage()).contains("Connection is not available");
    }

    /** The deepest cause of {@code e} ({@code e} itself without one): its message is what went wrong, e.g. "Connection refused". */
    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
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

    private static void rollbackQuietly(Connection c, boolean begun) {
        try {
            if (begun) {
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

    /** Waits a random while, longer with each attempt (at most 0.2 s), before a lost race is run again. */
    static void backoff(int attempt) {
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

    static String rootMessage(Throwable e) {
        Throwable t = rootCause(e);
        // not "Failed to initialize pool: X (X)": the cause's words once
        return t == e || String.valueOf(e.getMessage()).contains(String.valueOf(t.getMessage())) ? String.valueOf(e.getMessage())
                : e.getMessage() + " (" + t.getMessage() + ")";
    }

    /**
     * Runs the insert of a new study in a write transaction; a unique-key violation on the study's name (a
     * study of that name created meanwhile, maybe by another worker) is a {@link StudyAlreadyExistsException}.
     *
     * @return the new study's id
     */
    long insertStudy(String name, Work<Long> insert) {
        try {
            return write(c -> {
                try {
                    return insert.run(c);
                } catch (SQLException e) {
                    if (dialect.isUniqueViolation(e)) {
                        throw new StudyAlreadyExistsException(name);
                    }
                    throw e;
                }
            });
        } catch (StorageException e) {
            if (e.getCause() instanceof SQLException s && dialect.isUniqueViolation(s)) {
                throw new StudyAlreadyExistsException(name);
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------- statements

    static void exec(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        }
    }

    /** @return a statement with its parameters bound (see {@link #bind}) */
    static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            bind(ps, args);
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
        return ps;
    }

    /** Binds Long, Integer, Double, Timestamp, String, a typed {@link Null} or null (an untyped NULL). */
    static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                ps.setNull(i + 1, Types.NULL);
            } else if (a instanceof Null n) {
                ps.setNull(i + 1, n.sqlType());
            } else if (a instanceof Long l) {
                ps.setLong(i + 1, l);
            } else if (a instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else if (a instanceof Double x) {
                ps.setDouble(i + 1, x);
            } else if (a instanceof Timestamp t) {
                ps.setTimestamp(i + 1, t);
            } else {
                ps.setString(i + 1, (String) a);
            }
        }
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    /** Inserts a row and returns its generated id (column {@code idColumn}). */
    long insert(Connection c, String sql, String idColumn, Object... args) throws SQLException {
        try (PreparedStatement ps = dialect.prepareInsert(c, sql, idColumn)) {
            bind(ps, args);
            ps.executeUpdate();
            return dialect.generatedId(c, ps);
        }
    }

    /** @return {@code ?, ?, …} with {@code n} marks */
    static String marks(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    static Object[] concat(Object[]... parts) {
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

    /** @return the first column of the first row, as a long, if there is a row */
    static OptionalLong queryOptionalLong(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
        }
    }

    /** @return the first column of the first row, as a long (the row must exist) */
    static long queryLong(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
