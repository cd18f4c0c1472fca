package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StorageUrlTest {

    private static String cwd(String relative) {
        return Path.of(relative).toAbsolutePath().normalize().toString();
    }

    @Test
    void sqliteFormsIncludingOptunas() {
        assertThat(StorageUrl.parse("sqlite:study.db").jdbcUrl()).isEqualTo("jdbc:sqlite:" + cwd("study.db"));
        assertThat(StorageUrl.parse("sqlite:runs/study.db").jdbcUrl()).isEqualTo("jdbc:sqlite:" + cwd("runs/study.db"));
        assertThat(StorageUrl.parse("sqlite:/tmp/a.db").jdbcUrl()).isEqualTo("jdbc:sqlite:/tmp/a.db");
        // SQLAlchemy: three slashes and a relative path, four slashes for an absolute one
        assertThat(StorageUrl.parse("sqlite:///study.db").jdbcUrl()).isEqualTo("jdbc:sqlite:" + cwd("study.db"));
        assertThat(StorageUrl.parse("sqlite:////tmp/x.db").jdbcUrl()).isEqualTo("jdbc:sqlite:/tmp/x.db");
        StorageUrl u = StorageUrl.parse("sqlite:study.db?pool_size=3&busy_timeout_ms=500");
        assertThat(u.dialect()).isEqualTo(Dialect.SQLITE);
        assertThat(u.poolSize()).isEqualTo(3);
        assertThat(u.busyTimeoutMs()).isEqualTo(500);
        assertThat(u.properties()).isEmpty();
        assertThat(StorageUrl.parse("sqlite:a.db").poolSize()).isEqualTo(StorageUrl.DEFAULT_POOL_SIZE).isLessThanOrEqualTo(2);
    }

    @Test
    void postgresqlForms() {
        StorageUrl u = StorageUrl.parse("postgresql://alice:s%40cret@db.example.org:5433/tuning?sslmode=require&pool_size=4");
        assertThat(u.dialect()).isEqualTo(Dialect.POSTGRESQL);
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.org:5433/tuning");
        assertThat(u.properties()).containsEntry("user", "alice").containsEntry("password", "s@cret")
                .containsEntry("sslmode", "require").doesNotContainKey("pool_size");
        assertThat(u.poolSize()).isEqualTo(4);
        assertThat(u.synchronousCommit()).isFalse();
        assertThat(u.toString()).doesNotContain("s%40cret").contains("***");

        StorageUrl optuna = StorageUrl.parse("postgresql+psycopg2://postgres@127.0.0.1/test?synchronous_commit=on");
        assertThat(optuna.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test");
        assertThat(optuna.properties()).containsEntry("user", "postgres").doesNotContainKey("password");
        assertThat(optuna.synchronousCommit()).isTrue();
        assertThat(StorageUrl.parse("postgres://u@h/db").jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db");
        assertThat(StorageUrl.parse("postgresql:///db").jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/db");
    }

    @Test
    void mysqlAndMariaDbFormsGoToMariaDbConnectorJ() {
        StorageUrl u = StorageUrl.parse("mysql+pymysql://root@localhost/optuna");
        assertThat(u.dialect()).isEqualTo(Dialect.MARIADB);
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:mariadb://localhost:3306/optuna");
        assertThat(u.properties()).containsEntry("user", "root");
        assertThat(StorageUrl.parse("mysql://u:p@h:3307/d").jdbcUrl()).isEqualTo("jdbc:mariadb://h:3307/d");
        assertThat(StorageUrl.parse("mariadb://u@h/d").jdbcUrl()).isEqualTo("jdbc:mariadb://h:3306/d");
    }

    @Test
    void jdbcUrlsPassThrough() {
        assertThat(StorageUrl.parse("jdbc:postgresql://h/db?user=x").jdbcUrl()).isEqualTo("jdbc:postgresql://h/db?user=x");
        assertThat(StorageUrl.parse("jdbc:postgresql://h/db").dialect()).isEqualTo(Dialect.POSTGRESQL);
        assertThat(StorageUrl.parse("jdbc:sqlite:/tmp/a.db").dialect()).isEqualTo(Dialect.SQLITE);
        assertThat(StorageUrl.parse("jdbc:mariadb://h/db").dialect()).isEqualTo(Dialect.MARIADB);
        assertThat(StorageUrl.parse("jdbc:mysql://h/db").jdbcUrl()).isEqualTo("jdbc:mariadb://h/db");
        assertThat(StorageUrl.parse("jdbc:mysql://h/db?password=hunter2").toString()).doesNotContain("hunter2");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                                  | it is empty",
            "study.db                            | no scheme",
            "redis://localhost/0                 | scheme 'redis' is not supported",
            "postgresql://u@host                 | names no database",
            "postgresql://u@host/                | names no database",
            "postgresql://u@host:abc/db          | port 'abc' is not a number",
            "postgresql://u@host:70000/db        | outside 1..65535",
            "postgresql:host/db                  | expected '//'",
            "postgresql://@host/db               | user before '@' is empty",
            "mysql://u@h/a/b                     | contains '/'",
            "sqlite:                             | names no file",
            "sqlite://                           | use 'memory'",
            "sqlite://host/x.db                  | has no host",
            "sqlite::memory:                     | use 'memory'",
            "jdbc:sqlite::memory:                | use 'memory'",
            "jdbc:oracle:thin:@h:1521:x          | JDBC driver is not supported",
            "sqlite:x.db?pool_size=0             | pool_size must be in 1..64",
            "sqlite:x.db?pool_size=two           | pool_size must be an integer",
            "sqlite:x.db?busy_timeout_ms=-1      | busy_timeout_ms must be in",
            "postgresql://u@h/d?synchronous_commit=maybe | synchronous_commit must be 'on' or 'off'",
            "postgresql://u@h/d?sslmode          | not KEY=VALUE",
    })
    void badUrlsSayWhatAndWhatIsAllowed(String url, String why) {
        assertThatThrownBy(() -> StorageUrl.parse(url)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad storage URL '" + url + "'").hasMessageContaining(why)
                .hasMessageContaining("allowed forms").hasMessageContaining("sqlite:PATH")
                .hasMessageContaining("postgresql://USER");
    }

    @Test
    void badUrlMessagesHidePasswords() {
        assertThatThrownBy(() -> StorageUrl.parse("postgresql://alice:topsecret@host:99999/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("postgresql://alice:***@host:99999/db").hasMessageNotContaining("topsecret");
    }

    @Test
    void poolSizeCanBeChangedInJava() {
        assertThat(StorageUrl.parse("sqlite:a.db").withPoolSize(8).poolSize()).isEqualTo(8);
        assertThatThrownBy(() -> StorageUrl.parse("sqlite:a.db").withPoolSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..64");
    }

    @Test
    void storagesOpensMemoryAndDatabases(@org.junit.jupiter.api.io.TempDir Path dir) {
        try (Storage m = Storages.open("memory"); Storage m2 = Storages.open(" In-Memory ")) {
            assertThat(m).isInstanceOf(InMemoryStorage.class);
            assertThat(m2).isInstanceOf(InMemoryStorage.class);
        }
        try (Storage s = Storages.open("sqlite:" + dir.resolve("s.db"))) {
            assertThat(s).isInstanceOf(JdbcStorage.class);
            assertThat(s.getAllStudies()).isEmpty();
        }
        assertThatThrownBy(() -> Storages.open("memroy")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memroy").hasMessageContaining("allowed forms: memory");
    }

    @Test
    void unreachableServersAreStorageExceptionsNamingTheUrl() {
        // port 9 (discard) on localhost: nothing listens
        assertThatThrownBy(() -> new JdbcStorage("postgresql://nobody:pw@127.0.0.1:9/db?connectTimeout=2&pool_size=1"))
                .isInstanceOf(StorageException.class).hasMessageContaining("127.0.0.1:9").hasMessageNotContaining(":pw@");
    }

    @Test
    void sameStorageSeesThroughSpellings(@org.junit.jupiter.api.io.TempDir Path dir) {
        String abs = dir.resolve("a.db").toString();
        String rel = Path.of("").toAbsolutePath().relativize(dir.resolve("a.db")).toString();
        assertThat(Storages.sameStorage("sqlite:" + abs, "sqlite:" + rel)).isTrue();
        assertThat(Storages.sameStorage("sqlite:///" + rel, "sqlite:////" + abs)).isTrue();
        assertThat(Storages.sameStorage("optuna+sqlite:///" + rel, "optuna+sqlite:" + abs + "?optuna_revision=v3.2.0.a")).isTrue();
        assertThat(Storages.sameStorage("sqlite:" + abs, "optuna+sqlite:" + abs)).as("other tables").isFalse();
        assertThat(Storages.sameStorage("sqlite:" + abs, "sqlite:" + dir.resolve("b.db"))).isFalse();
        assertThat(Storages.sameStorage("memory", "memory")).isFalse();
        assertThat(Storages.sameStorage("postgresql://ann:pw@localhost/test", "postgres://bob@127.0.0.1:5432/test?pool_size=4")).isTrue();
        assertThat(Storages.sameStorage("postgresql://ann@localhost/test", "jdbc:postgresql://LOCALHOST/test")).isTrue();
        assertThat(Storages.sameStorage("postgresql://ann@localhost/test?currentSchema=s", "postgresql://ann@localhost/test")).isFalse();
        assertThat(Storages.sameStorage("postgresql://ann@localhost/test?currentSchema=public", "postgresql://ann@localhost/test")).isTrue();
        assertThat(Storages.sameStorage("postgresql://ann@localhost/test", "postgresql://ann@localhost/Test")).isFalse();
        assertThat(Storages.sameStorage("mysql://root@db.example:3306/x", "mariadb://root@DB.example/x")).isTrue();
        assertThat(Storages.sameStorage("mysql://root@db.example/x", "mysql://root@db.example:3307/x")).isFalse();
        assertThat(Storages.sameStorage("mysql://root@localhost/x", "postgresql://root@localhost/x")).isFalse();
    }
}
