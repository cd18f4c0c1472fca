package org.nntune.spark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.study.FrozenTrial;
import org.nntune.tune.study.SystemAttrs;
import org.nntune.tune.study.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A study on a real Spark standalone cluster on this machine (a Master and two Workers of one core,
 * each its own JVM; this JVM is the driver, as {@code nntune tune --spark spark://…} makes it), on
 * PostgreSQL, with one Worker and its executor killed with SIGKILL in the middle of the study: the
 * lost executor's running trial goes stale by heartbeat, is failed and retried, Spark runs the lost
 * task again as one more worker, and the study ends with exactly its budget of COMPLETE trials.
 */
class StandaloneClusterTest {
    private static final int BUDGET = 6;

    @Test
    void aStudySurvivesTheLossOfAWorkerMachineWithExactlyItsBudget(@TempDir Path dir) throws Exception {
        Map<String, String> driverProps = Map.of(
                "spark.driver.host", "127.0.0.1",
                "spark.driver.bindAddress", "127.0.0.1",
                "spark.executor.memory", "512m",
                "spark.cores.max", "2",
                // start the tasks when both executors are there, so that each Worker runs one
                "spark.scheduler.minRegisteredResourcesRatio", "1.0",
                "spark.scheduler.maxRegisteredResourcesWaitingTime", "120s",
                "spark.ui.enabled", "false",
                // the executors start faster with the client compiler only (on a loaded 2-core machine, a minute less)
                "spark.executor.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
                // the executors' trials beat every 1.5 s, so a lost one is stale after 3 s
                "nntune.heartbeatMillis", "1500");
        try (SparkTestDatabase db = SparkTestDatabase.create(); StandaloneCluster cluster = StandaloneCluster.start(dir, 2)) {
            driverProps.forEach(System::setProperty);
            Path file = dir.resolve("cluster.yaml");
            // trials of about a second on a quiet machine (tens of seconds under load): long enough that the kill,
            // which follows a poll every 100 ms that sees both executors in a trial, lands inside one; with 40 epochs
            // (0.05 s a trial) a quiet machine finished the trial between the poll and the kill, and no trial went stale
            Files.writeString(file, Studies.grid("sparkcluster", BUDGET, 1000));
            CompletableFuture<Studies.Result> driver = CompletableFuture.supplyAsync(() -> Studies.nntune("tune", file.toString(),
                    "--spark", cluster.masterUrl(), "--workers", "2", "--storage", db.url(), "--progress", "plain"));

            awaitTwoRunningAfterOneComplete(db.url(), driver, cluster);
            cluster.killWorker(1);

            Studies.Result r;
            try {
                r = driver.get(240, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("the driver did not end within 240 s after the kill\n" + cluster.logTail(), e);
            }
            assertThat(r.code()).as(r.out() + r.err() + cluster.logTail()).isZero();
            assertThat(r.out()).contains("Spark: 2 workers on " + cluster.masterUrl()).contains("best-params.json");
            Studies.assertExactBudget(db.url(), "sparkcluster", BUDGET);
            List<FrozenTrial> all = Studies.trials(db.url(), "sparkcluster");
            List<FrozenTrial> failed = all.stream().filter(t -> t.state() == TrialState.FAIL).toList();
            // the killed executor was in the middle of a trial: it failed as stale, and its retry completed on the same point
            assertThat(failed).as(r.out()).isNotEmpty();
            assertThat(all).hasSize(BUDGET + failed.size());
            for (FrozenTrial f : failed) {
                assertThat(all).filteredOn(t -> f.number() == ((Number) t.systemAttrs().getOrDefault(SystemAttrs.FAILED_TRIAL, -1L)).intValue())
                        .singleElement().satisfies(retry -> {
                            assertThat(retry.state()).isEqualTo(TrialState.COMPLETE);
                            assertThat(retry.params()).containsAllEntriesOf(f.params());
                        });
            }
        } finally {
            driverProps.keySet().forEach(System::clearProperty);
        }
    }

    /** Waits until the study has a COMPLETE trial and both executors are in the middle of one. */
    private static void awaitTwoRunningAfterOneComplete(String url, CompletableFuture<Studies.Result> driver, StandaloneCluster cluster)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        try (Storage s = Storages.open(url)) {
            while (true) {
                if (driver.isDone()) {
                    Studies.Result r = driver.get();
                    throw new AssertionError("the driver ended before the kill: " + r.code() + "\n" + r.out() + r.err() + cluster.logTail());
                }
                assertThat(System.nanoTime()).as("no two trials running in time\n%s", cluster.logTail()).isLessThan(deadline);
                var id = s.findStudyId("sparkcluster");
                if (id.isPresent() && s.countTrials(id.getAsLong(), EnumSet.of(TrialState.COMPLETE)) >= 1
                        && s.countTrials(id.getAsLong(), EnumSet.of(TrialState.RUNNING)) == 2) {
                    return;
                }
                Thread.sleep(100);
            }
        }
    }
}
