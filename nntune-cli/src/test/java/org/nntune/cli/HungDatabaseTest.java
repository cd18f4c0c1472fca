package org.nntune.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A network to the database that stops carrying anything while the connections stay open (packets dropped on a cut
 * link, a proxy that stops forwarding): no error ever comes, so only the driver's network timeout ends a statement in
 * flight. Without one, {@code tune} sat in a statement for minutes in silence, and SIGTERM then said the trials were
 * recorded while nothing was. Here the proxy in front of PostgreSQL stops forwarding ({@link LostDatabaseTest.Proxy#stall}),
 * and the timeout is shortened to 2 s with {@code -Dnntune.socketTimeoutMillis} (60 s by default). (A cut that refuses
 * or resets connections: {@link LostDatabaseTest}.)
 */
class HungDatabaseTest {

    /** What a test does to a {@code tune} whose network to the database has just gone silent. */
    private interface WhileSilent {
        void run(CliProcesses.Cli cli, Path file) throws Exception;
    }

    /** Starts {@code tune} through a proxy, stalls the proxy in the middle of a trial, then runs {@code then}. */
    private static void silentInATrial(Path dir, WhileSilent then) throws Exception {
        CliProcesses.assumePostgres();
        String schema = CliProcesses.createSchema();
        Path file = dir.resolve("slow.yaml");
        Files.writeString(file, InterruptTest.SLOW.replace("budget: {trials: 3}", "budget: {trials: 50}"));
        try (CliProcesses jvms = new CliProcesses(dir); LostDatabaseTest.Proxy proxy = new LostDatabaseTest.Proxy(0)) {
            // busy_timeout_ms shortens the wait for a new connection to its floor (30 s)
            String url = CliProcesses.pgUrl(schema).replace(":5432/", ":" + proxy.port() + "/") + "&busy_timeout_ms=1000";
            CliProcesses.Cli cli = jvms.startWith(List.of("-Dnntune.socketTimeoutMillis=2000", "-Dnntune.heartbeatMillis=1000"),
                    "tune", file.toString(), "--storage", url, "--progress", "plain");
            CliProcesses.awaitReportingTrial(cli, CliProcesses.pgUrl(schema), "slow");
            proxy.stall();
            then.run(cli, file);
        } finally {
            CliProcesses.dropSchema(schema);
        }
    }

    @Test
    void aNetworkThatGoesSilentEndsTheRunWithExitCode4AndTheResumeCommand(@TempDir Path dir) throws Exception {
        silentInATrial(dir, (cli, file) -> {
            int code = cli.await(150);
            String err = cli.errText();
            assertThat(code).as("%s\n%s", cli.outText(), err).isEqualTo(ExitCode.STORAGE);
            assertThat(err).contains("Every trial that finished is stored; when the database answers again, the same command"
                    + " resumes: nntune tune " + file).doesNotContain("\tat ");
        });
    }

    @Test
    void sigtermWhileTheNetworkIsSilentSaysItIsRecordingThenWhatItCouldNot(@TempDir Path dir) throws Exception {
        silentInATrial(dir, (cli, file) -> {
            Thread.sleep(500);
            cli.process().destroy();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!cli.errText().contains("nntune: interrupted; recording the running trials")) {
                assertThat(System.nanoTime()).as("nothing said at once:\n%s", cli.errText()).isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(cli.errText()).as("nothing recorded yet, nothing claimed").doesNotContain("trials were recorded");
            assertThat(cli.await(180)).isEqualTo(143);
            assertThat(cli.errText()).contains("nntune: the interruption could not record every running trial: ")
                    .contains("Every trial that finished is stored. Resume with: nntune tune " + file)
                    .doesNotContain("running trials were recorded as failed and queued");
        });
    }
}
