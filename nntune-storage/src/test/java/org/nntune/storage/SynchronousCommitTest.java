package org.nntune.storage;

import org.junit.jupiter.api.Test;

import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What README's storage-URL paragraph and {@code --storage}'s help say: nntune's PostgreSQL sessions
 * commit with {@code synchronous_commit=off} unless the URL asks for {@code ?synchronous_commit=on}.
 */
class SynchronousCommitTest {

    private static String sessionSetting(String url) {
        StorageUrl u = StorageUrl.parse(url);
        try (Database db = new Database(u, "nntune", "storage", 0, (config, props) -> u.dialect().configureSessions(config, props, u))) {
            return db.read(c -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW synchronous_commit")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
        }
    }

    @Test
    void postgresqlSessionsCommitAsynchronouslyUnlessTheUrlAsksForSynchronousCommit() {
        TestDatabases.assumePostgres();
        assertThat(sessionSetting(TestDatabases.PG_URL)).isEqualTo("off");
        assertThat(sessionSetting(TestDatabases.PG_URL + "?synchronous_commit=on")).isEqualTo("on");
        assertThat(sessionSetting(TestDatabases.PG_URL + "?synchronous_commit=off")).isEqualTo("off");
    }
}
