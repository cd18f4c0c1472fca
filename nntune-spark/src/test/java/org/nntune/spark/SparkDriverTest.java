package org.nntune.spark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.cli.exit.ExitCode;
import org.nntune.cli.run.ClusterWorkers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the driver of {@code nntune tune --spark} ends when the cluster does not give it what it needs:
 * a machine whose own name does not resolve, a signal while the job runs, a cluster with no free
 * cores. The first two in a driver JVM of their own (a hosts file of its own; a SIGTERM), the last on
 * a real standalone Master with no Worker.
 */
class SparkDriverTest {

    @Test
    void aDriverWhoseOwnNameDoesNotResolveSaysSoInOneLine(@TempDir Path dir) throws Exception {
        try (SparkTestDatabase db = SparkTestDatabase.create()) {
            Path file = dir.resolve("grid.yaml");
            Files.writeString(file, Studies.grid("sparkhost", 2, 1));
            Path hosts = dir.resolve("hosts"); // this machine's name is not in it
            Files.writeString(hosts, "127.0.0.1 localhost\n");
            Driver d = Driver.start(dir, List.of("-Djdk.net.hosts.file=" + hosts), "tune", file.toString(), "--spark", "local[1]",
                    "--storage", db.url(), "--progress", "none");
            assertThat(d.process.waitFor(3, TimeUnit.MINUTES)).isTrue();
            String err = d.err();
            assertThat(d.process.exitValue()).as(d.out() + err).isEqualTo(ExitCode.OTHER);
            assertThat(err).doesNotContain("Exception in thread").doesNotContain("\tat ");
            assertThat(err.lines().filter(l -> l.startsWith("nntune: error: ")).toList()).singleElement().asString()
                    .contains("cannot start Spark with master local[1]: this machine's own name does not resolve")
                    .contains("SPARK_LOCAL_IP");
        }
    }

    @Test
    void aSigtermWhileTheJobRunsSaysTheRunWasInterruptedAsALocalRunDoes(@TempDir Path dir) throws Exception {
        try (SparkTestDatabase db = SparkTestDatabase.create()) {
            Path file = dir.resolve("grid.yaml");
            // trials of many seconds each, so that the SIGTERM comes while one runs (400 epochs took 0.3 s a trial on a quiet
            // machine, and the 12 had all finished before it)
            Files.writeString(file, Studies.grid("sparkterm", 12, 20_000));
            Driver d = Driver.start(dir, List.of(), "tune", file.toString(), "--spark", "local[1]", "--storage", db.url(),
                    "--progress", "plain");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!d.out().contains("Spark: 1 workers") && d.process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(d.out()).as(d.err()).contains("Spark: 1 workers");
            Thread.sleep(3000); // a trial running
            d.process.destroy(); // SIGTERM
            assertThat(d.process.waitFor(2, TimeUnit.MINUTES)).isTrue();
            String err = d.err();
            assertThat(d.process.exitValue()).as(d.out() + err).isEqualTo(143);
            assertThat(err).contains("nntune: interrupted; running trials were recorded as failed and queued to run again")
                    .contains("Resume with: ").doesNotContain("the Spark job failed");
        }
    }

    @Test
    void aTimeoutEndsAStudyWhoseClusterStartsNoTaskAndTheDriverSaysWhatItWaitsFor(@TempDir Path dir) throws Exception {
        SparkTestDatabase.assumePostgres();
        Duration notice = SparkWorkers.waitNotice;
        SparkWorkers.waitNotice = Duration.ofSeconds(2);
        try (SparkTestDatabase db = SparkTestDatabase.create(); StandaloneCluster none = StandaloneCluster.start(dir, 0)) {
            Path file = dir.resolve("grid.yaml");
            Files.writeString(file, Studies.grid("sparknocores", 2, 1));
            long t0 = System.nanoTime();
            Studies.Result r = Studies.nntune("tune", file.toString(), "--spark", none.masterUrl(), "--workers", "2", "--timeout", "8s",
                    "--storage", db.url(), "--progress", "none");
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.OTHER);
            assertThat(r.out()).contains("waiting for the cluster to start the job's tasks: 0 of 2 started, 2s");
            assertThat(r.err()).contains("nntune: error: no Spark executor took a task within 8s (--timeout): the cluster at "
                    + none.masterUrl() + " has no free cores");
            assertThat(took).isLessThan(Duration.ofSeconds(90));
            try (org.nntune.tune.storage.Storage s = org.nntune.storage.Storages.open(db.url())) {
                // no trial ran: the study the run created is not left behind empty
                assertThat(s.findStudyId("sparknocores")).isEmpty();
            }
        } finally {
            SparkWorkers.waitNotice = notice;
        }
    }

    @Test
    void aMasterNobodyListensAtIsNamedAtOnce(@TempDir Path dir) throws Exception {
        try (SparkTestDatabase db = SparkTestDatabase.create()) {
            Path file = dir.resolve("grid.yaml");
            Files.writeString(file, Studies.grid("sparknomaster", 2, 1));
            String master = "spark://127.0.0.1:" + StandaloneCluster.freePort(); // nothing listens there
            long t0 = System.nanoTime();
            Studies.Result r = Studies.nntune("tune", file.toString(), "--spark", master, "--workers", "2", "--storage", db.url(),
                    "--progress", "none");
            assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.OTHER);
            assertThat(r.err()).contains("nntune: error: no Spark master answered at " + master + " (127.0.0.1:")
                    .contains("check the URL and that the master runs");
            assertThat(r.out()).doesNotContain("Spark: 2 workers");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        }
        assertThat(SparkWorkers.unreachableMaster("local[2]")).isEmpty();
        assertThat(SparkWorkers.unreachableMaster("spark//127.0.0.1:7077")).isEmpty(); // Spark's own words for it
        assertThat(SparkWorkers.unreachableMaster("spark://no-such-host.invalid:7077")).hasValueSatisfying(
                m -> assertThat(m).contains("no-such-host.invalid:7077: unknown host"));
    }

    @Test
    void workersCapTheCoresTheApplicationTakesUnlessTheUserSetsThem() {
        ClusterWorkers.Job job = new ClusterWorkers.Job("local[2]", Optional.of(2), Path.of("/s.yaml"), "", "s",
                "postgresql://u@h/db", Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(SparkWorkers.conf(job).get("spark.cores.max")).isEqualTo("2");
        ClusterWorkers.Job twoCoresEach = new ClusterWorkers.Job("local[2]", Optional.of(3), Path.of("/s.yaml"), "", "s",
                "postgresql://u@h/db", Optional.of(2), Optional.empty(), Optional.empty());
        assertThat(SparkWorkers.conf(twoCoresEach).get("spark.cores.max")).isEqualTo("6");
        ClusterWorkers.Job asManyAsCores = new ClusterWorkers.Job("local[2]", Optional.empty(), Path.of("/s.yaml"), "", "s",
                "postgresql://u@h/db", Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(SparkWorkers.conf(asManyAsCores).contains("spark.cores.max")).isFalse();
        for (String[] users : new String[][] {{"spark.cores.max", "5"}, {"spark.speculation", "true"}}) {
            System.setProperty(users[0], users[1]);
            try {
                assertThat(SparkWorkers.conf(job).get("spark.cores.max", "unset")).isEqualTo(users[0].equals("spark.cores.max") ? "5" : "unset");
            } finally {
                System.clearProperty(users[0]);
            }
        }
    }

    @Test
    void elapsedTimesReadAsTheProgressShowsThem() {
        assertThat(SparkWorkers.elapsed(Duration.ofSeconds(0))).isEqualTo("0s");
        assertThat(SparkWorkers.elapsed(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(SparkWorkers.elapsed(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(SparkWorkers.elapsed(Duration.ofSeconds(3600 + 300))).isEqualTo("1h5m");
        assertThat(SparkWorkers.waiting(0, 2, Duration.ofSeconds(90)))
                .isEqualTo("waiting for the cluster to start the job's tasks: 0 of 2 started, 1m30s");
    }

    /** {@code nntune ARGS} in a JVM of its own (the test class path, Spark's JDK options), output to files. */
    record Driver(Process process, Path outFile, Path errFile) {
        static Driver start(Path dir, List<String> jvmArgs, String... args) throws Exception {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(StandaloneCluster.sparkJvmFlags());
            cmd.addAll(jvmArgs);
            cmd.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "org.nntune.cli.Main"));
            cmd.addAll(List.of(args));
            Path out = dir.resolve("driver.out");
            Path err = dir.resolve("driver.err");
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().remove("SPARK_LOCAL_IP");
            pb.environment().remove("SPARK_LOCAL_HOSTNAME");
            return new Driver(pb.start(), out, err);
        }

        String out() throws java.io.IOException {
            return Files.readString(outFile);
        }

        String err() throws java.io.IOException {
            return Files.readString(errFile);
        }
    }
}
