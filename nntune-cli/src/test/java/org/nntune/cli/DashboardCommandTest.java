package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.StudyDirection;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code nntune dashboard}: it serves the storage until stopped, and bad input is a clear message and exit code. */
class DashboardCommandTest {

    private static void assertFails(CliTest.Result r, int code, String... fragments) {
        assertThat(r.code()).as("exit code; out: %s err: %s", r.out(), r.err()).isEqualTo(code);
        assertThat(r.err()).contains(fragments).doesNotContain("\tat ");
    }

    private static String studyFile(Path dir, String name) throws Exception {
        String db = "sqlite:" + dir.resolve(name + ".db");
        try (Storage s = Storages.open(db)) {
            s.createStudy(name, List.of(StudyDirection.MAXIMIZE));
        }
        return db;
    }

    @Test
    void servesTheStorageReadOnlyUntilStopped(@TempDir Path dir) throws Exception {
        String db = studyFile(dir, "served");
        Files.writeString(dir.resolve("served.yaml"), "study: served\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        Thread serving = new Thread(() -> code.set(Main.run(new PrintWriter(out, true), new PrintWriter(err, true),
                "dashboard", dir.resolve("served.yaml").toString(), "--port", "0")));
        serving.start();
        try {
            Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/#/study/(\\d+)").matcher("");
            long until = System.currentTimeMillis() + 20_000;
            // the address line and the storage line after it are two writes: wait for both (a loaded machine splits them)
            while (!m.reset(out.toString()).find() || !out.toString().contains("read-only")) {
                assertThat(System.currentTimeMillis()).as("no address printed; out: %s err: %s", out, err).isLessThan(until);
                assertThat(serving.isAlive()).as("ended early; err: %s", err).isTrue();
                Thread.sleep(50);
            }
            assertThat(out.toString()).contains("read-only", db);
            String base = "http://127.0.0.1:" + m.group(1);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(base + "/api/studies")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.body()).contains("\"name\":\"served\"");
            HttpResponse<String> write = http.send(HttpRequest.newBuilder(URI.create(base + "/api/studies/" + m.group(2) + "/note"))
                    .header("X-Nntune-Write", "1").header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("text=hi")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(write.statusCode()).isEqualTo(403);
            assertThat(write.body()).contains("--allow-writes");
        } finally {
            serving.interrupt();
            serving.join(10_000);
        }
        assertThat(code.get()).isEqualTo(ExitCode.INTERRUPTED);
    }

    /**
     * The database stops answering under a running dashboard (a relay in front of PostgreSQL that stops forwarding,
     * its connections left open): each API request is answered within seconds with 503 and a plain message, not
     * after a minute with an internal error and a class name; once the database answers, so does the dashboard.
     */
    @Test
    void aDatabaseThatStopsAnsweringIsA503WithinSecondsAndTheDashboardRecovers(@TempDir Path dir) throws Exception {
        CliProcesses.assumePostgres();
        String schema = CliProcesses.createSchema();
        try (LostDatabaseTest.Proxy relay = new LostDatabaseTest.Proxy(0)) {
            String url = "postgresql://postgres@127.0.0.1:" + relay.port() + "/test?currentSchema=" + schema;
            try (Storage s = Storages.open(url)) {
                s.createStudy("relayed", List.of(StudyDirection.MAXIMIZE));
            }
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            Thread serving = new Thread(() -> Main.run(new PrintWriter(out, true), new PrintWriter(err, true),
                    "dashboard", "--storage", url, "--port", "0"));
            serving.start();
            try {
                Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/").matcher("");
                long until = System.currentTimeMillis() + 30_000;
                while (!m.reset(out.toString()).find()) {
                    assertThat(System.currentTimeMillis()).as("no address printed; out: %s err: %s", out, err).isLessThan(until);
                    assertThat(serving.isAlive()).as("ended early; err: %s", err).isTrue();
                    Thread.sleep(50);
                }
                URI studies = URI.create("http://127.0.0.1:" + m.group(1) + "/api/studies");
                HttpClient http = HttpClient.newHttpClient();
                assertThat(http.send(HttpRequest.newBuilder(studies).build(), HttpResponse.BodyHandlers.ofString()).body())
                        .contains("\"name\":\"relayed\"");

                relay.stall();
                long t0 = System.nanoTime();
                HttpResponse<String> away = http.send(HttpRequest.newBuilder(studies).build(), HttpResponse.BodyHandlers.ofString());
                long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
                assertThat(away.statusCode()).as(away.body()).isEqualTo(503);
                assertThat(away.body()).contains("database unreachable: the storage postgresql://postgres@127.0.0.1:" + relay.port()
                        + "/test", "did not answer within 5 s").doesNotContain("Exception", "org.nntune", "internal error");
                // five seconds of patience and some slack for a loaded machine, not the minute a connection is waited for
                assertThat(seconds).isLessThan(15);

                relay.resume();
                long back = System.currentTimeMillis() + 90_000;
                HttpResponse<String> again;
                do {
                    Thread.sleep(200);
                    again = http.send(HttpRequest.newBuilder(studies).build(), HttpResponse.BodyHandlers.ofString());
                } while (again.statusCode() != 200 && System.currentTimeMillis() < back);
                assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
                assertThat(again.body()).contains("\"name\":\"relayed\"");
            } finally {
                serving.interrupt();
                serving.join(10_000);
            }
        } finally {
            CliProcesses.dropSchema(schema);
        }
    }

    @Test
    void ctrlCInARealProcessStopsServingFreesThePortAndKeepsTheStudy(@TempDir Path dir) throws Exception {
        String db = studyFile(dir, "stopped");
        try (CliProcesses procs = new CliProcesses(dir)) {
            CliProcesses.Cli cli = procs.start("dashboard", "--storage", db, "--port", "0");
            Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/").matcher("");
            long until = System.currentTimeMillis() + 60_000;
            while (!m.reset(cli.outText()).find()) {
                assertThat(System.currentTimeMillis()).as("no address printed; err: %s", cli.errText()).isLessThan(until);
                assertThat(cli.process().isAlive()).as("ended early; err: %s", cli.errText()).isTrue();
                Thread.sleep(100);
            }
            int port = Integer.parseInt(m.group(1));
            HttpResponse<String> list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/studies")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(list.body()).contains("\"name\":\"stopped\"");
            // what Ctrl-C sends to the foreground process
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(cli.process().pid())).start();
            assertThat(kill.waitFor()).isZero();
            assertThat(cli.await(60)).as("exit code after SIGINT; err: %s", cli.errText()).isEqualTo(ExitCode.INTERRUPTED);
            assertThat(cli.errText()).doesNotContain("\tat ", "Exception");
            try (ServerSocket again = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                assertThat(again.getLocalPort()).as("the port is free again").isEqualTo(port);
            }
        }
        try (Storage s = Storages.open(db)) {
            assertThat(s.getAllStudies()).extracting(st -> st.name()).containsExactly("stopped");
        }
    }

    @Test
    void aPortInUseIsAUsageError(@TempDir Path dir) throws Exception {
        String db = studyFile(dir, "p");
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertFails(CliTest.run("dashboard", "--storage", db, "--port", Integer.toString(taken.getLocalPort())),
                    ExitCode.USAGE, "127.0.0.1:" + taken.getLocalPort(), "in use", "--port 0");
        }
        assertFails(CliTest.run("dashboard", "--storage", db, "--port", "70000"), ExitCode.USAGE, "port must be in 0..65535");
        assertFails(CliTest.run("dashboard", "--storage", db, "--host", "no-such-host.invalid", "--port", "0"),
                ExitCode.USAGE, "unknown host 'no-such-host.invalid'");
        // an address of another machine (TEST-NET-1, never assigned): the address is named, not the port
        assertFails(CliTest.run("dashboard", "--storage", db, "--host", "192.0.2.1", "--port", "0"),
                ExitCode.USAGE, "cannot serve on 192.0.2.1:0: the address is not one of this machine's");
    }

    @Test
    void badStoragesAreExitCode4(@TempDir Path dir) throws Exception {
        assertFails(CliTest.run("dashboard", "--storage", "oracle://db/x", "--port", "0"), ExitCode.STORAGE,
                "cannot open storage oracle://db/x");
        assertFails(CliTest.run("dashboard", "--storage", "postgresql://postgres@127.0.0.1:1/test", "--port", "0"),
                ExitCode.STORAGE, "cannot open storage postgresql://postgres@127.0.0.1:1/test");
        String db = studyFile(dir, "known");
        assertFails(CliTest.run("dashboard", "unknown", "--storage", db, "--port", "0"), ExitCode.STORAGE,
                "no study named 'unknown'", "known");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("known.db"));
             Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE nntune_schema_version SET version = 999");
        }
        assertFails(CliTest.run("dashboard", "--storage", db, "--port", "0"), ExitCode.STORAGE, "newer nntune");
        assertFails(CliTest.run("dashboard", "--port", "0"), ExitCode.USAGE, "no storage given");
    }
}
