package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A password planted in a storage URL (the study file's {@code storage:} key and the command line)
 * appears in no output of any command, in no file nntune writes and nowhere in the databases,
 * including the SQLite copy. The PostgreSQL test server trusts local connections, so any password opens it.
 */
class SecretsTest {
    private static final String SECRET = "Pl4ntedSecr3t";

    private final StringBuilder shown = new StringBuilder();

    private CliTest.Result run(String... args) {
        CliTest.Result r = CliTest.run(args);
        shown.append(String.join(" ", args).replace(SECRET, "<given>")).append('\n').append(r.out()).append(r.err());
        return r;
    }

    @Test
    void aPlantedPasswordIsNeverPrintedNorStored(@TempDir Path dir) throws Exception {
        CliProcesses.assumePostgres();
        String schema = CliProcesses.createSchema();
        String back = CliProcesses.createSchema();
        try {
            plantAndLook(dir, schema, back);
        } finally {
            CliProcesses.dropSchema(schema);
            CliProcesses.dropSchema(back);
        }
    }

    private void plantAndLook(Path dir, String schema, String back) throws Exception {
        String url = "postgresql://postgres:" + SECRET + "@127.0.0.1:5432/test?currentSchema=" + schema;
        String jdbcUrl = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=" + SECRET + "&currentSchema=" + schema;
        Path file = dir.resolve("secret.yaml");
        Files.writeString(file, PostgresWorkersTest.TINY.formatted("secret", 2) + "storage: \"" + url + "\"\n");

        CliTest.Result tune = run("tune", file.toString(), "--progress", "plain");
        assertThat(tune.code()).as(tune.err()).isZero();
        assertThat(tune.out()).contains("storage postgresql://postgres:***@127.0.0.1");
        assertThat(run("studies", "--storage", url).code()).isZero();
        assertThat(run("trials", "secret", "--storage", jdbcUrl).code()).isZero();
        assertThat(run("best", file.toString()).code()).isZero();
        assertThat(run("trials", "nosuch", "--storage", url).code()).isEqualTo(ExitCode.STORAGE);
        CliTest.Result unreachable = run("studies", "--storage", "postgresql://postgres:" + SECRET + "@127.0.0.1:1/test");
        assertThat(unreachable.code()).isEqualTo(ExitCode.STORAGE);
        assertThat(unreachable.err()).contains("cannot open storage postgresql://postgres:***@127.0.0.1:1/test");

        String sqlite = "sqlite:" + dir.resolve("copy.db");
        CliTest.Result copy = run("copy", "secret", "--from", url, "--to", sqlite);
        assertThat(copy.code()).as(copy.err()).isZero();
        String backUrl = "postgresql://postgres:" + SECRET + "@127.0.0.1:5432/test?currentSchema=" + back;
        assertThat(run("copy", "secret", "--from", sqlite, "--to", backUrl).code()).isZero();
        assertThat(run("copy", "secret", "--from", sqlite, "--to", backUrl).code()).isEqualTo(ExitCode.STORAGE);
        CliTest.Result worker = run("worker", "secret", "--storage", backUrl, "--progress", "none");
        assertThat(worker.code()).as(worker.err()).isZero();
        assertThat(run("delete", "secret", "--storage", backUrl, "--yes").code()).isZero();

        assertThat(shown.toString()).doesNotContain(SECRET).contains("***");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.equals(file)).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(SECRET);
            }
        }
        assertThat(dump(schema)).contains("study_definition").contains("postgresql://postgres@127.0.0.1")
                .doesNotContain(SECRET);
        assertThat(dump(back)).as("the copy, after the worker ran and the study was deleted").doesNotContain(SECRET);
    }

    /** Every row of every table of a schema as text. */
    private static String dump(String schema) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        StringBuilder all = new StringBuilder();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", p)) {
            List<String> tables = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT table_name FROM information_schema.tables WHERE table_schema = ?")) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
            }
            for (String t : tables) {
                try (PreparedStatement ps = c.prepareStatement("SELECT x::text FROM " + schema + ".\"" + t + "\" x");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        all.append(rs.getString(1)).append('\n');
                    }
                }
            }
        }
        return all.toString();
    }
}
