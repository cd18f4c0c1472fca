package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.StudyDirection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Passwords kept out of storage URLs: masked in messages, stripped from what is stored, found in the environment or a password file. */
class PasswordSourcesTest {

    @Test
    void masksAndStripsEveryFormOfPassword() {
        String text = "storage: postgresql://alice:p@ss:w0rd@db:5433/t?sslmode=require\n"
                + "other: jdbc:postgresql://db/t?user=bob&password=hunter2&currentSchema=s and mysql://root:x@h/db";
        assertThat(StorageUrl.mask(text)).doesNotContain("p@ss:w0rd", "hunter2", "root:x@")
                .contains("postgresql://alice:***@db:5433/t?sslmode=require", "user=bob&password=***&currentSchema=s",
                        "mysql://root:***@h/db");
        assertThat(StorageUrl.stripPasswords(text)).doesNotContain("p@ss", "w0rd", "hunter2", "password", "***")
                .contains("postgresql://alice@db:5433/t?sslmode=require", "jdbc:postgresql://db/t?user=bob&currentSchema=s",
                        "mysql://root@h/db");
        assertThat(StorageUrl.stripPasswords("jdbc:postgresql://h/t?password=a")).isEqualTo("jdbc:postgresql://h/t");
        assertThat(StorageUrl.stripPasswords("jdbc:postgresql://h/t?a=1&password=a")).isEqualTo("jdbc:postgresql://h/t?a=1");
        assertThat(StorageUrl.mask("sqlite:/tmp/a.db")).isEqualTo("sqlite:/tmp/a.db");
    }

    @Test
    void passwordFromTheEnvironmentAsLibpqAndTheMysqlClientRead() {
        Map<String, String> env = Map.of("PGPASSWORD", "from-env", "MYSQL_PWD", "maria-env", "HOME", "/nonexistent");
        assertThat(StorageUrl.parse("postgresql://u@h/db", env::get).properties()).containsEntry("password", "from-env");
        assertThat(StorageUrl.parse("mysql://u@h/db", env::get).properties()).containsEntry("password", "maria-env");
        // a password in the URL wins
        assertThat(StorageUrl.parse("postgresql://u:given@h/db", env::get).properties()).containsEntry("password", "given");
        assertThat(StorageUrl.parse("postgresql://u@h/db", Map.of("HOME", "/nonexistent")::get).properties())
                .doesNotContainKey("password");
    }

    @Test
    void passwordFileInPgpassFormatFirstMatchingLineWins(@TempDir Path dir) throws Exception {
        Path pass = dir.resolve("pgpass");
        Files.writeString(pass, """
                # host:port:database:user:password
                other:5432:db:u:wrong
                h:5433:*:u:port-5433
                h:*:db:u:pa\\:ss:with:colons
                *:*:*:*:fallback
                """);
        Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> env = Map.of("PGPASSFILE", pass.toString());
        assertThat(StorageUrl.parse("postgresql://u@h/db", env::get).properties()).containsEntry("password", "pa:ss:with:colons");
        assertThat(StorageUrl.parse("postgresql://u@h:5433/x", env::get).properties()).containsEntry("password", "port-5433");
        assertThat(StorageUrl.parse("postgresql://v@elsewhere/db", env::get).properties()).containsEntry("password", "fallback");

        Path home = dir.resolve("home");
        Files.createDirectories(home);
        Files.writeString(home.resolve(".mypass"), "h:3306:db:root:maria-file\n");
        Files.setPosixFilePermissions(home.resolve(".mypass"), PosixFilePermissions.fromString("rw-------"));
        assertThat(StorageUrl.parse("mariadb://root@h/db", Map.of("HOME", home.toString())::get).properties())
                .containsEntry("password", "maria-file");

        Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> StorageUrl.parse("postgresql://u@h/db", env::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chmod 600 " + pass);
    }

    @Test
    void theStoredDefinitionAndItsCopyHoldNoPassword() {
        Storage a = new InMemoryStorage();
        long id = a.createStudy("s", List.of(StudyDirection.MINIMIZE));
        StudyProvenance.recordDefinition(a, id, Map.of("text", "storage: postgresql://u:topsecret@h/db\n",
                "nested", List.of("mysql://r:topsecret@h/x")));
        assertThat(a.getStudySystemAttrs(id).toString()).doesNotContain("topsecret").contains("postgresql://u@h/db");

        // a definition stored by an older nntune, password and all, loses it on the way to another storage
        a.setStudySystemAttr(id, StudyProvenance.DEFINITION, Map.of("text", "storage: postgresql://u:topsecret@h/db"));
        Storage b = new InMemoryStorage();
        long copy = StudyCopier.copy("s", a, b);
        assertThat(b.getStudySystemAttrs(copy).toString()).doesNotContain("topsecret").contains("postgresql://u@h/db");
    }
}
