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
}
