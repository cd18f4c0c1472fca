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
}
