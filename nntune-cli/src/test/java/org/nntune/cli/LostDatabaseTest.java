package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database that stays out of reach (the network to it cut for good, here by closing a TCP proxy
 * in front of PostgreSQL): {@code tune} ends with exit code 4 and one line saying that every
 * finished trial is stored and which command resumes; once the database answers again, that command
 * finishes the study with the trials it had kept. (A short cut is survived: {@link LostConnectionTest}.)
 */
class LostDatabaseTest {

    /**
     * Forwards 127.0.0.1:port to a database server (PostgreSQL unless told) until closed; closing cuts every connection
     * at once, {@link #stall} holds every byte from then on (old and new connections alike) with the connections open,
     * as a network that drops the packets does, until {@link #resume} forwards again, what was held first;
     * {@link #stallOpenConnections} holds only the connections open now.
     */
    static final class Proxy implements AutoCloseable {
        final ServerSocket server;
        final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private volatile boolean stalled;
        /** the sockets whose bytes are held (the connections open at {@link #stallOpenConnections}) */
        private final java.util.Set<Socket> held = java.util.concurrent.ConcurrentHashMap.newKeySet();

        Proxy(int port) throws IOException {
            this(port, 5432);
        }

        Proxy(int port, int databasePort) throws IOException {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket client = server.accept();
                        Socket db = new Socket(InetAddress.getLoopbackAddress(), databasePort);
                        sockets.add(client);
                        sockets.add(db);
                        pipe(client, db);
                        pipe(db, client);
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "proxy-accept");
            accept.setDaemon(true);
            accept.start();
        }

        private void pipe(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        while (stalled || held.contains(from)) {
                            Thread.sleep(20); // held, never dropped or reset: the peer only hears silence
                        }
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException | InterruptedException cut) {
                    // the other side or the test closed it
                } finally {
                    try {
                        from.close();
                        to.close();
                    } catch (IOException ignored) {
                        // closing is all that is left
                    }
                }
            }, "proxy-pipe");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        /** Stops forwarding anything, and keeps every connection open, until {@link #resume}. */
        void stall() {
            stalled = true;
        }

        /** Forwards again on every connection, the bytes held first. */
        void resume() {
            stalled = false;
            held.clear();
        }

        /** Stops forwarding on the connections open now, for good, and keeps them open; new ones are forwarded. */
        void stallOpenConnections() {
            held.addAll(sockets);
        }

        @Override
        public void close() throws IOException {
            stalled = false;
            held.clear();
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void aDatabaseOutOfReachEndsTheRunWithTheResumeCommandAndLosesNoTrial(@TempDir Path dir) throws Exception {
        CliProcesses.assumePostgres();
        String schema = CliProcesses.createSchema();
        Path file = dir.resolve("away.yaml");
        Files.writeString(file, PostgresWorkersTest.TINY.formatted("away", 400).replace("epochs: 8", "epochs: 30"));
        try (CliProcesses jvms = new CliProcesses(dir)) {
            int port;
            String url;
            CliProcesses.Cli run;
            int before;
            try (Proxy proxy = new Proxy(0)) {
                port = proxy.port();
                // busy_timeout_ms shortens the wait for a connection to its floor (30 s)
                url = CliProcesses.pgUrl(schema).replace(":5432/", ":" + port + "/") + "&busy_timeout_ms=1000";
                run = jvms.start("tune", file.toString(), "--storage", url, "--progress", "plain");
                long deadline = System.nanoTime() + 120_000_000_000L;
                before = 0;
                while (before < 3 && System.nanoTime() < deadline && run.process().isAlive()) {
                    Thread.sleep(200);
                    before = complete(schema).size();
                }
                assertThat(before).as("trials before the cut\n%s\n%s", run.outText(), run.errText()).isGreaterThanOrEqualTo(3);
            } // the proxy is closed: the database is out of reach for good
            int code = run.await(240);
            String err = run.errText();
            assertThat(code).as("%s\n%s", run.outText(), err).isEqualTo(ExitCode.STORAGE);
            assertThat(err).contains("Every trial that finished is stored; when the database answers again, the same command"
                    + " resumes: nntune tune " + file + " --storage 'postgresql://postgres@127.0.0.1:" + port) // quoted: ? and & in it
                    .doesNotContain("\tat ", "Hikari", " WARN ")
                    // the pool's own words (its name, "request timed out after 30005ms (total=0, active=0, …)") are not the user's
                    .doesNotContain("Connection is not available", "total=0", "nntune-postgresql - ");
            assertThat(err).containsPattern("no connection to the database within 30 s \\(|connection lost|Connection refused");
            List<FrozenTrial> kept = complete(schema);
            assertThat(kept.size()).isGreaterThanOrEqualTo(before);
            // the database answers again, at the same address: the same command finishes the study
            try (Proxy again = new Proxy(port)) {
                CliTest.Result resumed = CliTest.run("tune", file.toString(), "--storage", url, "--trials", String.valueOf(kept.size() + 2),
                        "--progress", "none");
                assertThat(resumed.code()).as(resumed.out() + resumed.err()).isZero();
                assertThat(resumed.out()).contains("resuming: the study already has");
            }
            List<FrozenTrial> after = complete(schema);
            assertThat(after.stream().map(FrozenTrial::number).toList()).containsAll(kept.stream().map(FrozenTrial::number).toList());
            assertThat(after.size()).isGreaterThanOrEqualTo(kept.size() + 2);
        } finally {
            CliProcesses.dropSchema(schema);
        }
    }

    private static List<FrozenTrial> complete(String schema) {
        try (Storage s = Storages.open(CliProcesses.pgUrl(schema))) {
            java.util.OptionalLong id = s.findStudyId("away");
            return id.isEmpty() ? List.of()
                    : s.getAllTrials(id.getAsLong()).stream().filter(t -> t.state() == TrialState.COMPLETE).toList();
        }
    }
}
