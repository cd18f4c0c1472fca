package org.nntune.storage;

import com.zaxxer.hikari.HikariConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * Every difference between the supported databases, so that the storages' code reads the same for
 * all three: drivers and session settings, column types, the database clock, string functions, the
 * forms of inserts that ignore or update an existing row, generated ids, what the database's SQL
 * can do in one statement ({@code UPDATE … RETURNING}, data-modifying {@code WITH}), how write
 * transactions and schema migrations take their locks, and which errors are transient (worth
 * retrying the whole transaction), lost connections or unique-key violations.
 */
public enum Dialect {
    /** SQLite through xerial sqlite-jdbc: the embedded default. */
    SQLITE,
    /** PostgreSQL through pgjdbc. */
    POSTGRESQL,
    /** MySQL and MariaDB through MariaDB Connector/J. */
    MARIADB;

    /** @return the JDBC driver's class */
    String driverClass() {
        return switch (this) {
            case SQLITE -> "org.sqlite.JDBC";
            case POSTGRESQL -> "org.postgresql.Driver";
            case MARIADB -> "org.mariadb.jdbc.Driver";
        };
    }

    /**
     * Fails when this dialect's JDBC driver is not on the class or module path: nntune-storage
     * declares the three drivers optional, so an application adds the ones its URLs need.
     *
     * @throws StorageException naming the driver's Maven coordinates to add
     */
    void requireDriver(StorageUrl url) {
        requireDriver(url, driverClass(), driverCoordinates());
    }

    /** {@link #requireDriver(StorageUrl)} for the driver class {@code name}, found in {@code coordinates}. */
    static void requireDriver(StorageUrl url, String name, String coordinates) {
        for (ClassLoader loader : new ClassLoader[] {Dialect.class.getClassLoader(), Thread.currentThread().getContextClassLoader()}) {
            try {
                Class.forName(name, false, loader);
                return;
            } catch (ClassNotFoundException | LinkageError e) {
                // not with this loader: try the next, as HikariCP does
            }
        }
        throw new StorageException("cannot open the storage '" + url + "': its JDBC driver " + name + " is not on the class"
                + " or module path; add the dependency " + coordinates + " to your build (nntune-storage declares its"
                + " drivers optional, so that an application carries only the ones its storage URLs use)", null);
    }

    /** The driver's Maven coordinates, {@code groupId:artifactId:version}, as nntune is built with them. */
    String driverCoordinates() {
        java.util.Properties p = new java.util.Properties();
        try (java.io.InputStream in = Dialect.class.getResourceAsStream("jdbc-drivers.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (java.io.IOException e) {
            // the coordinates below without a version
        }
        return p.getProperty(name(), switch (this) {
            case SQLITE -> "org.xerial:sqlite-jdbc";
            case POSTGRESQL -> "org.postgresql:postgresql";
            case MARIADB -> "org.mariadb.jdbc:mariadb-java-client";
        });
    }

    /**
     * The session settings of nntune's own tables ({@link JdbcStorage}). SQLite: WAL with
     * {@code synchronous=NORMAL} and a busy timeout, autocommit (write transactions are {@code BEGIN
     * IMMEDIATE … COMMIT}); a file in a folder nntune may not write is opened read-only and immutable.
     * PostgreSQL: autocommit (reads and one-statement writes are one round trip each; transactions of
     * several statements switch it off for their duration), {@code synchronous_commit} off unless the URL
     * asks for it. MariaDB: READ COMMITTED, no autocommit.
     */
    void configureSessions(HikariConfig config, Properties props, StorageUrl url) {
        switch (this) {
            case SQLITE -> {
                if (openReadOnly(config, props, url)) {
                    return;
                }
                props.putIfAbsent("journal_mode", "WAL");
                props.putIfAbsent("synchronous", "NORMAL");
                props.putIfAbsent("busy_timeout", String.valueOf(url.busyTimeoutMs()));
                config.setAutoCommit(true); // write transactions are BEGIN IMMEDIATE … COMMIT
            }
            case POSTGRESQL -> {
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
    }

    /**
     * Gives the servers' connections a network timeout ({@link StorageUrl#socketTimeoutMs}) and TCP keep-alive, unless
     * the URL sets its own (a driver property, or a parameter of a {@code jdbc:} URL). Without them a statement in
     * flight when the network goes (packets dropped, a proxy that stops forwarding) waits for the kernel's
     * retransmissions, a quarter of an hour, or for ever behind a proxy that still acknowledges; with them it fails as
     * a lost connection ({@link #isConnectionLost}), so the call runs again on a new connection, or, the database
     * still out of reach, the run ends with the storage's error and the command that resumes. SQLite: nothing.
     */
    void configureNetwork(Properties props, StorageUrl url) {
        if (this == SQLITE) {
            return;
        }
        int ms = StorageUrl.socketTimeoutMs();
        // PostgreSQL's driver counts whole seconds (0 would be no timeout); MariaDB's milliseconds
        setUnlessGiven(props, url, "socketTimeout", this == POSTGRESQL ? String.valueOf(Math.max(1, (ms + 999) / 1000))
                : String.valueOf(ms));
        setUnlessGiven(props, url, "tcpKeepAlive", "true");
    }

    private static void setUnlessGiven(Properties props, StorageUrl url, String key, String value) {
        String jdbc = url.jdbcUrl().toLowerCase(Locale.ROOT);
        String lower = key.toLowerCase(Locale.ROOT);
        int q = jdbc.indexOf('?');
        boolean inUrl = q >= 0 && (jdbc.indexOf("?" + lower + "=", q) >= 0 || jdbc.indexOf("&" + lower + "=", q) >= 0);
        if (!inUrl && props.keySet().stream().noneMatch(k -> String.valueOf(k).equalsIgnoreCase(key))) {
            props.setProperty(key, value);
        }
    }

    /**
     * The session settings of Optuna's tables ({@link OptunaStorage}): SQLite in WAL with a busy timeout,
     * autocommit (writes are {@code BEGIN IMMEDIATE … COMMIT}); the servers READ COMMITTED, no autocommit.
     */
    void configureOptunaSessions(HikariConfig config, Properties props, StorageUrl url) {
        if (this == SQLITE) {
            if (openReadOnly(config, props, url)) {
                return;
            }
            props.putIfAbsent("journal_mode", "WAL");
            props.putIfAbsent("busy_timeout", String.valueOf(url.busyTimeoutMs()));
            config.setAutoCommit(true);
        } else {
            config.setAutoCommit(false);
            config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        }
    }

    /**
     * @return whether {@code url} is an SQLite database in a folder nntune may not write (an archive, a read-only
     *     mount), which it then opens read-only ({@link #configureSessions})
     */
    static boolean isSqliteInReadOnlyFolder(StorageUrl url) {
        Optional<Path> file = url.sqliteFile();
        return file.isPresent() && Files.isRegularFile(file.get()) && !Files.isWritable(file.get().toAbsolutePath().getParent());
    }

    /**
     * A database in a folder nntune may not write (an archive, a read-only mount): reading a WAL database needs its
     * -shm file, which cannot be created there, so it is opened read-only and immutable (nobody can write it there
     * either); any write fails with SQLITE_READONLY, which {@link SqliteFiles#readOnly} explains.
     *
     * @return whether the sessions were set up so (else nothing changed)
     */
    private static boolean openReadOnly(HikariConfig config, Properties props, StorageUrl url) {
        if (!isSqliteInReadOnlyFolder(url)) {
            return false;
        }
        config.setJdbcUrl("jdbc:sqlite:file:" + url.sqliteFile().orElseThrow().toUri().getRawPath() + "?immutable=1");
        props.put("open_mode", String.valueOf(0x01 | 0x40)); // SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
        config.setReadOnly(true); // the pool's default, or it resets the flag, which sqlite-jdbc refuses
        config.setAutoCommit(true);
        return true;
    }

    /** @return whether a write transaction starts with {@code BEGIN IMMEDIATE} (SQLite: takes the write lock at once) */
    boolean beginsWritesExplicitly() {
        return this == SQLITE;
    }

    /** @return whether the database is a file beside which nntune may keep other files (artifacts) */
    boolean isEmbedded() {
        return this == SQLITE;
    }

    /** @return whether {@code UPDATE … RETURNING} exists (SQLite 3.35+, PostgreSQL; not MySQL/MariaDB) */
    boolean hasUpdateReturning() {
        return this != MARIADB;
    }

    /**
     * @return whether a {@code WITH} may hold an {@code UPDATE … RETURNING} that the main statement reads
     *     (PostgreSQL), so that "lock the study row, then write the trial" is one statement, one round trip
     */
    boolean hasWritingCte() {
        return this == POSTGRESQL;
    }

    /** @return {@code insert} (an {@code INSERT INTO …} without its verb) made to do nothing when it hits a unique key */
    String insertIgnore(String into) {
        return switch (this) {
            case SQLITE -> "INSERT OR IGNORE " + into;
            case POSTGRESQL -> "INSERT " + into + " ON CONFLICT DO NOTHING";
            case MARIADB -> "INSERT IGNORE " + into;
        };
    }

    /**
     * @return {@code insert} (an {@code INSERT INTO …} without its verb) that, when it hits the unique key
     *     {@code conflictColumns}, sets {@code setColumns} of the existing row to the new row's
     */
    String upsert(String into, String conflictColumns, String... setColumns) {
        StringBuilder set = new StringBuilder();
        for (String col : setColumns) {
            set.append(set.length() == 0 ? "" : ", ").append(col).append(" = ")
                    .append(this == MARIADB ? "VALUES(" + col + ")" : "excluded." + col);
        }
        return this == MARIADB ? "INSERT " + into + " ON DUPLICATE KEY UPDATE " + set
                : "INSERT " + into + " ON CONFLICT (" + conflictColumns + ") DO UPDATE SET " + set;
    }

    /** @return an insert statement that gives its generated id back ({@link #generatedId}) */
    PreparedStatement prepareInsert(Connection c, String sql, String idColumn) throws SQLException {
        return switch (this) {
            case SQLITE -> c.prepareStatement(sql);
            case POSTGRESQL -> c.prepareStatement(sql, new String[] {idColumn});
            case MARIADB -> c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS);
        };
    }

    /** @return the id generated by an insert made with {@link #prepareInsert}, once it ran */
    long generatedId(Connection c, PreparedStatement insert) throws SQLException {
        if (this == SQLITE) {
            try (PreparedStatement q = c.prepareStatement("SELECT last_insert_rowid()"); ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
        try (ResultSet rs = insert.getGeneratedKeys()) {
            if (!rs.next()) {
                throw new SQLException("the database returned no generated id");
            }
            return rs.getLong(1);
        }
    }

    /** @return a CREATE INDEX that does nothing if the index exists (MySQL has no IF NOT EXISTS: see {@link #isDuplicateIndex}) */
    String createIndex(String name, String on) {
        return "CREATE INDEX " + (this == MARIADB ? "" : "IF NOT EXISTS ") + name + " ON " + on;
    }

    /** @return whether a CREATE INDEX failed only because the index exists (MySQL, left by an interrupted migration) */
    boolean isDuplicateIndex(SQLException e) {
        return this == MARIADB && e.getErrorCode() == 1061;
    }

    /**
     * Takes the database-wide lock under which the schema is migrated (SQLite: the write transaction;
     * PostgreSQL: a transaction-level advisory lock; MySQL, whose DDL commits implicitly: a named lock).
     */
    void lockSchema(Connection c) throws SQLException {
        switch (this) {
            case SQLITE -> Database.exec(c, "BEGIN IMMEDIATE");
            case POSTGRESQL -> {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    ps.setLong(1, 0x6e6e74756e65L); // "nntune"
                    ps.executeQuery().close();
                }
            }
            case MARIADB -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK('nntune_schema', 120)");
                     ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getInt(1) != 1) {
                        throw new SQLException("could not take the lock nntune_schema within 120 s");
                    }
                }
            }
        }
    }

    /** Commits ({@code ok}) or rolls back the migration and releases {@link #lockSchema}'s lock. */
    void unlockSchema(Connection c, boolean ok, boolean autoCommit) throws SQLException {
        switch (this) {
            case SQLITE -> Database.exec(c, ok ? "COMMIT" : "ROLLBACK");
            case POSTGRESQL -> {
                if (ok) {
                    c.commit();
                } else {
                    c.rollback();
                }
                c.setAutoCommit(autoCommit);
            }
            case MARIADB -> {
                if (!c.getAutoCommit()) {
                    if (ok) {
                        c.commit();
                    } else {
                        c.rollback();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT RELEASE_LOCK('nntune_schema')")) {
                    ps.executeQuery().close();
                }
                if (!c.getAutoCommit()) {
                    c.commit();
                }
            }
        }
    }

    // ---------------------------------------------------------------- Optuna's tables (OptunaStorage)

    private static final java.time.format.DateTimeFormatter OPTUNA_SQLITE_READ = new java.time.format.DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss").optionalStart()
            .appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 0, 9, true)
            .optionalEnd().toFormatter(java.util.Locale.ROOT);
    private static final java.time.format.DateTimeFormatter OPTUNA_SQLITE_WRITE =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS", java.util.Locale.ROOT);

    /** @return an identifier quoted (for column names that are keywords, such as Optuna's {@code key}) */
    String quote(String identifier) {
        return this == MARIADB ? "`" + identifier + "`" : "\"" + identifier + "\"";
    }

    /** @return what makes a SELECT lock its rows until commit (SQLite: nothing; its write transaction is the lock) */
    String forUpdate() {
        return this == SQLITE ? "" : " FOR UPDATE";
    }

    /** @return the precision of Optuna's date-time columns (MariaDB's DATETIME: seconds) */
    java.time.temporal.ChronoUnit optunaTimeUnit() {
        return this == MARIADB ? java.time.temporal.ChronoUnit.SECONDS : java.time.temporal.ChronoUnit.MICROS;
    }

    /** @return a naive local date-time as Optuna writes it: SQLAlchemy's text form on SQLite, a TIMESTAMP elsewhere */
    Object optunaTime(java.time.LocalDateTime local) {
        return this == SQLITE ? local.format(OPTUNA_SQLITE_WRITE) : java.sql.Timestamp.valueOf(local);
    }

    /** @return a naive local date-time column of Optuna's tables, if not NULL */
    java.util.Optional<java.time.LocalDateTime> readOptunaTime(ResultSet rs, int col) throws SQLException {
        if (this == SQLITE) {
            String s = rs.getString(col);
            return s == null ? java.util.Optional.empty()
                    : java.util.Optional.of(java.time.LocalDateTime.parse(s.replace('T', ' '), OPTUNA_SQLITE_READ));
        }
        java.sql.Timestamp ts = rs.getTimestamp(col);
        return ts == null ? java.util.Optional.empty() : java.util.Optional.of(ts.toLocalDateTime());
    }

    /** @return the database clock as Optuna's heartbeats use it, a naive date-time (SQLite's is UTC; the others' the session's zone) */
    String optunaClock() {
        return switch (this) {
            case SQLITE -> "strftime('%Y-%m-%d %H:%M:%f', 'now')";
            case POSTGRESQL -> "LOCALTIMESTAMP";
            case MARIADB -> "NOW()";
        };
    }

    /** @return a parameter mark for a value of the enum type {@code type} (PostgreSQL's are types of their own; a cast) */
    String enumParameter(String type) {
        return this == POSTGRESQL ? "CAST(? AS " + type + ")" : "?";
    }

    /** @return the type of an auto-generated 64-bit primary key column, with its constraint */
    String idColumn() {
        return switch (this) {
            case SQLITE -> "INTEGER PRIMARY KEY AUTOINCREMENT";
            case POSTGRESQL -> "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
            case MARIADB -> "BIGINT AUTO_INCREMENT PRIMARY KEY";
        };
    }

    /** @return the type of unbounded text */
    String text() {
        return this == MARIADB ? "LONGTEXT" : "TEXT";
    }

    /** @return the type of a column of bytes (large enough for a network checkpoint) */
    String blob() {
        return switch (this) {
            case SQLITE -> "BLOB";
            case POSTGRESQL -> "BYTEA";
            case MARIADB -> "LONGBLOB";
        };
    }

    /** @return the type of a double column */
    String real() {
        return switch (this) {
            case SQLITE -> "REAL";
            case POSTGRESQL -> "DOUBLE PRECISION";
            case MARIADB -> "DOUBLE";
        };
    }

    /** @return what ends a CREATE TABLE statement */
    String tableSuffix() {
        return this == MARIADB ? " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin" : "";
    }

    /** @return an SQL expression of the database's clock in microseconds since the epoch (a BIGINT) */
    String nowMicros() {
        return switch (this) {
            case SQLITE -> "CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)";
            case POSTGRESQL -> "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)";
            case MARIADB -> "CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS SIGNED)";
        };
    }

    /** @return {@code column || ?} (the column with the parameter appended) */
    String append(String column) {
        return this == MARIADB ? "CONCAT(" + column + ", ?)" : column + " || ?";
    }

    /** @return an expression that is 0 when the parameter does not occur in {@code column} */
    String position(String column) {
        return switch (this) {
            case SQLITE -> "instr(" + column + ", ?)";
            case POSTGRESQL -> "strpos(" + column + ", ?)";
            case MARIADB -> "LOCATE(?, " + column + ")";
        };
    }

    /**
     * @return whether opening a connection failed in the race of several connections starting on one
     *     new SQLite file at once: a {@link #isTransient transient} error, or SQLITE_IOERR_FSTAT (1802),
     *     which SQLite reports when the file's companion (journal, -wal, -shm) it just looked at was
     *     replaced by another connection switching the file to WAL (seen in SchemaTest's concurrent
     *     schema creation on JDK 25). Only opening retries it: nothing has been written then, while the
     *     same code in a running transaction would be a real I/O error.
     */
    boolean isOpenRace(SQLException e) {
        if (isTransient(e)) {
            return true;
        }
        if (this != SQLITE) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && (s.getErrorCode() == 1802
                    || String.valueOf(s.getMessage()).contains("SQLITE_IOERR_FSTAT"))) {
                return true;
            }
        }
        return false;
    }

    /** @return whether a failed transaction was rolled back for a reason that may go away (lock, deadlock) */
    boolean isTransient(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                String state = s.getSQLState() == null ? "" : s.getSQLState();
                int code = s.getErrorCode();
                switch (this) {
                    case SQLITE -> {
                        // SQLITE_BUSY (5) and SQLITE_LOCKED (6) with their extended codes,
                        // SQLITE_IOERR_DELETE_NOENT (5898): two connections switching a new file to WAL both
                        // removed its rollback journal, and SQLITE_PROTOCOL (15): a connection lost
                        // WAL's locking race to the others many times in a row (SQLite's own advice:
                        // try again)
                        String msg = String.valueOf(s.getMessage());
                        if ((code & 0xff) == 5 || (code & 0xff) == 6 || code == 5898 || code == 15
                                || msg.contains("SQLITE_BUSY") || msg.contains("SQLITE_IOERR_DELETE_NOENT")
                                || msg.contains("SQLITE_PROTOCOL")) {
                            return true;
                        }
                    }
                    case POSTGRESQL -> {
                        if (state.equals("40001") || state.equals("40P01") || state.equals("55P03")) {
                            return true;
                        }
                    }
                    case MARIADB -> {
                        if (state.equals("40001") || code == 1213 || code == 1205) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /**
     * @return whether the connection to a database server was lost (the server closed it, was
     *     restarted, or an administrator ended the session: {@code pg_terminate_backend}, MariaDB's
     *     {@code KILL}): SQLState class 08 or a closed connection, PostgreSQL's 57P01–57P03 (admin or
     *     crash shutdown, cannot connect now), MariaDB's 1927 (connection killed), 2006 and 2013 (server
     *     gone, connection lost). SQLite has no connection to lose.
     */
    boolean isConnectionLost(SQLException e) {
        if (this == SQLITE) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return false; // nobody answers: no session was lost, and waiting would only delay the error
            }
            if (t instanceof java.net.SocketException || t instanceof java.io.EOFException) {
                return true;
            }
            if (t instanceof SQLException s) {
                String state = s.getSQLState() == null ? "" : s.getSQLState();
                int code = s.getErrorCode();
                // HikariCP's answer (without an SQLState) on a connection it closed after the driver reported it broken
                if (state.isEmpty() && "Connection is closed".equals(s.getMessage())) {
                    return true;
                }
                // 08001 and 08004: no connection could be made at all (refused, unknown host), not one lost
                if ((state.startsWith("08") && !state.equals("08001") && !state.equals("08004")) || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                        || (this == MARIADB && (code == 1927 || code == 2006 || code == 2013))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** @return whether the error is a unique-key violation */
    boolean isUniqueViolation(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                String state = s.getSQLState() == null ? "" : s.getSQLState();
                switch (this) {
                    case SQLITE -> {
                        if (s.getErrorCode() == 2067 || s.getErrorCode() == 1555
                                || String.valueOf(s.getMessage()).contains("UNIQUE constraint failed")) {
                            return true;
                        }
                    }
                    case POSTGRESQL -> {
                        if (state.equals("23505")) {
                            return true;
                        }
                    }
                    case MARIADB -> {
                        if (s.getErrorCode() == 1062) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }
}
