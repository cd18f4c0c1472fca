package org.nntune.storage;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which database errors a transaction is retried after. */
class DialectTest {

    private static SQLException sqlite(int code, String message) {
        return new SQLException(message, null, code);
    }

    @Test
    void sqliteLockRacesAreTransientAndOtherErrorsAreNot() {
        assertThat(Dialect.SQLITE.isTransient(sqlite(5, "[SQLITE_BUSY] The database file is locked"))).isTrue();
        assertThat(Dialect.SQLITE.isTransient(sqlite(517, "[SQLITE_BUSY_SNAPSHOT]"))).isTrue();
        assertThat(Dialect.SQLITE.isTransient(sqlite(6, "[SQLITE_LOCKED]"))).isTrue();
        assertThat(Dialect.SQLITE.isTransient(sqlite(5898, "[SQLITE_IOERR_DELETE_NOENT]"))).isTrue();
        // WAL's locking race lost many times in a row (seen in SchemaTest's concurrent schema creation)
        assertThat(Dialect.SQLITE.isTransient(sqlite(15,
                "[SQLITE_PROTOCOL] NOT USED. Database lock protocol error (locking protocol)"))).isTrue();
        assertThat(Dialect.SQLITE.isTransient(new SQLException("wrapped",
                sqlite(15, "[SQLITE_PROTOCOL] locking protocol")))).isTrue();
        assertThat(Dialect.SQLITE.isTransient(sqlite(19, "[SQLITE_CONSTRAINT] UNIQUE constraint failed"))).isFalse();
        assertThat(Dialect.SQLITE.isTransient(sqlite(1, "[SQLITE_ERROR] no such table: trials"))).isFalse();
    }

    /** The drivers are optional dependencies: each dialect names its driver's coordinates, with the version built with. */
    @Test
    void eachDialectNamesItsDriversMavenCoordinates() {
        assertThat(Dialect.SQLITE.driverCoordinates()).matches("org\\.xerial:sqlite-jdbc:\\d+(\\.\\d+)+");
        assertThat(Dialect.POSTGRESQL.driverCoordinates()).matches("org\\.postgresql:postgresql:\\d+(\\.\\d+)+");
        assertThat(Dialect.MARIADB.driverCoordinates()).matches("org\\.mariadb\\.jdbc:mariadb-java-client:\\d+(\\.\\d+)+");
        for (Dialect d : Dialect.values()) {
            d.requireDriver(StorageUrl.parse(d == Dialect.SQLITE ? "sqlite:/tmp/x.db" : d == Dialect.POSTGRESQL
                    ? "postgresql://localhost/x" : "mysql://localhost/x")); // on this module's test class path: no error
        }
    }

    /** A storage whose driver is missing says which dependency to add, not HikariCP's "Failed to load driver class". */
    @Test
    void aMissingDriverIsNamedWithTheDependencyToAdd() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Dialect.requireDriver(StorageUrl.parse("postgresql://db/studies"),
                        "org.nntune.storage.NoSuchDriver", "org.example:no-such-driver:1.0"))
                .isInstanceOf(StorageException.class)
                .hasMessage("cannot open the storage 'postgresql://db/studies': its JDBC driver org.nntune.storage.NoSuchDriver is"
                        + " not on the class or module path; add the dependency org.example:no-such-driver:1.0 to your build (nntune-storage"
                        + " declares its drivers optional, so that an application carries only the ones its storage URLs use)");
    }

    @Test
    void anFstatErrorIsRetriedOnlyWhenOpening() {
        SQLException fstat = sqlite(1802, "[SQLITE_IOERR_FSTAT] I/O error in the VFS layer while trying to invoke fstat()"
                + " (disk I/O error)");
        assertThat(Dialect.SQLITE.isOpenRace(fstat)).isTrue();
        assertThat(Dialect.SQLITE.isOpenRace(new SQLException("Failed to initialize pool", fstat))).isTrue();
        assertThat(Dialect.SQLITE.isTransient(fstat)).as("in a transaction it is a real I/O error").isFalse();
        assertThat(Dialect.SQLITE.isOpenRace(sqlite(5, "[SQLITE_BUSY]"))).isTrue();
        assertThat(Dialect.SQLITE.isOpenRace(sqlite(1, "[SQLITE_ERROR] no such table: trials"))).isFalse();
        assertThat(Dialect.SQLITE.isOpenRace(sqlite(10, "[SQLITE_IOERR] disk I/O error"))).isFalse();
        assertThat(Dialect.POSTGRESQL.isOpenRace(new SQLException("x", "08001", 1802))).isFalse();
    }

    private static java.util.Properties network(String url) {
        StorageUrl parsed = StorageUrl.parse(url);
        java.util.Properties props = new java.util.Properties();
        props.putAll(parsed.properties());
        parsed.dialect().configureNetwork(props, parsed);
        return props;
    }

    @Test
    void serversGetANetworkTimeoutAndKeepAliveUnlessTheUrlSetsThem() {
        int ms = StorageUrl.socketTimeoutMs();
        // PostgreSQL's driver counts seconds, MariaDB's milliseconds
        assertThat(network("postgresql://u@h/db")).containsEntry("socketTimeout", String.valueOf((ms + 999) / 1000))
                .containsEntry("tcpKeepAlive", "true");
        assertThat(network("mysql://u@h/db")).containsEntry("socketTimeout", String.valueOf(ms))
                .containsEntry("tcpKeepAlive", "true");
        // the user's word wins: a driver property of the URL, or a parameter of a jdbc: URL (left to the driver)
        assertThat(network("postgresql://u@h/db?socketTimeout=600&tcpKeepAlive=false"))
                .containsEntry("socketTimeout", "600").containsEntry("tcpKeepAlive", "false");
        assertThat(network("jdbc:mariadb://h/db?user=u&sockettimeout=0")).doesNotContainKey("socketTimeout")
                .containsEntry("tcpKeepAlive", "true");
        assertThat(network("sqlite:/tmp/x.db")).isEmpty();
    }
}
