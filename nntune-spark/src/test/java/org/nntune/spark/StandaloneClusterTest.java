package org.nntune.spark;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.storage.Storages;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Studies on a real Spark standalone cluster on this machine (a Master and two Workers of one core,
 * each its own JVM on a loopback address of its own; this JVM is the driver, as
 * {@code nntune tune --spark spark://…} makes it), on PostgreSQL. The cluster is started once for
 * the class (a minute on a loaded machine); the test that kills a Worker runs last.
 *
 * <p>Speculation: Spark launches a copy of a task it finds slow, here every worker task after 2 s;
 * each copy is one more worker of the study, which must still end with exactly its budget, each
 * grid point once. Executor loss: one Worker and its executor killed with SIGKILL in the middle of
 * the study: the lost executor's running trial goes stale by heartbeat, is failed and retried, Spark
 * runs the lost task again as one more worker, and the study ends with exactly its budget of
 * COMPLETE trials.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterTest {
    private static final int BUDGET = 6;

    @TempDir
    static Path clusterDir;
    private static StandaloneCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        SparkTestDatabase.assumePostgres();
        cluster = StandaloneCluster.start(clusterDir, 2);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** What every driver of these tests sets: the cluster's addresses, two executors of 512 MB, no web UI. */
    private static Map<String, String> driverProps(Map<String, String> more) {
        Map<String, String> props = new java.util.LinkedHashMap<>(Map.of(
                "spark.driver.host", "127.0.0.1",
                "spark.driver.bindAddress", "127.0.0.1",
                "spark.executor.memory", "512m",
                "spark.cores.max", "2",
                // start the tasks when both executors are there
                "spark.scheduler.minRegisteredResourcesRatio", "1.0",
                "spark.scheduler.maxRegisteredResourcesWaitingTime", "120s",
                "spark.ui.enabled", "false",
                // the executors start faster with the client compiler only (on a loaded 2-core machine, a minute less)
                "spark.executor.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"));
        props.putAll(more);
        return props;
    }

    @Test
    @Order(1)
    void speculativeCopiesOfAWorkerTaskKeepTheExactBudgetAndEachGridPointOnce(@TempDir Path dir) throws Exception {
        // aggressive speculation: every 100 ms Spark looks for slow tasks; with a single task (one per executor slot) a
        // task running longer than the threshold is slow, so the worker task gets a copy on the other Worker after 2 s
        // (multiplier, quantile and minimum runtime set low too, for stages with more tasks than an executor's slots)
        Map<String, String> props = driverProps(Map.of(
                "spark.speculation", "true",
                "spark.speculation.interval", "100ms",
                "spark.speculation.multiplier", "1.0",
                "spark.speculation.quantile", "0.1",
                "spark.speculation.minTaskRuntime", "100ms",
                "spark.speculation.task.duration.threshold", "2s",
                "spark.extraListeners", TaskAttempts.class.getName()));
        TaskAttempts.clear();
        int budget = 8;
        try (SparkTestDatabase db = SparkTestDatabase.create()) {
            props.forEach(System::setProperty);
            Path file = dir.resolve("speculation.yaml");
            // trials of about a second on a quiet machine: the study outlasts the 2 s before the copy and its start
            Files.writeString(file, Studies.grid("sparkspeculation", budget, 1000));
            Studies.Result r = Studies.nntune("tune", file.toString(), "--spark", cluster.masterUrl(), "--workers", "1",
                    "--storage", db.url(), "--progress", "plain");
            assertThat(r.code()).as(r.out() + r.err() + cluster.logTail()).isZero();
            assertThat(r.out()).contains("Spark: 1 workers on " + cluster.masterUrl()).contains(budget + " trials: " + budget + " complete");

            // Spark did launch a speculative copy of the worker task, on the other Worker's executor
            List<TaskAttempts.Attempt> started = TaskAttempts.started();
            assertThat(started).as("task attempts (ended: %s)", TaskAttempts.ended()).filteredOn(TaskAttempts.Attempt::speculative)
                    .singleElement().satisfies(copy -> {
                        TaskAttempts.Attempt first = started.stream().filter(a -> !a.speculative()).findFirst().orElseThrow();
                        assertThat(copy.index()).isEqualTo(first.index());
                        assertThat(copy.executor()).isNotEqualTo(first.executor());
                    });
            // and the copy worked on the study: the trials were run by two executor processes (a worker stamps HOST:PID/THREAD)
            List<FrozenTrial> all = Studies.trials(db.url(), "sparkspeculation");
            assertThat(all.stream().map(t -> String.valueOf(t.systemAttrs().get(SystemAttrs.WORKER)).replaceAll("/.*", ""))
                    .distinct().toList()).as("workers of the trials; attempts ended: %s", TaskAttempts.ended()).hasSize(2);
            // yet exactly the budget, numbered without gap, each grid point once, no failure
            Studies.assertExactBudget(db.url(), "sparkspeculation", budget);
            assertThat(all).hasSize(budget);
        } finally {
            props.keySet().forEach(System::clearProperty);
        }
    }

    @Test
    @Order(2)
    void aStudySurvivesTheLossOfAWorkerMachineWithExactlyItsBudget(@TempDir Path dir) throws Exception {
        Map<String, String> driverProps = driverProps(Map.of(
                // the executors' trials beat every 1.5 s, so a lost one is stale after 3 s
                "nntune.heartbeatMillis", "1500"));
        try (SparkTestDatabase db = SparkTestDatabase.create()) {
            driverProps.forEach(System::setProperty);
            Path file = dir.resolve("cluster.yaml");
            // trials of 1–3 s on a quiet machine (tens of seconds under load); the kill waits until both executors
            // are in the first half of a trial (see awaitTwoRunningAfterOneComplete). Before that wait, with a kill
            // as soon as both were in a trial, 40 epochs (0.05 s a trial) and then 1000 (0.3–1 s) each let a trial
            // end between the poll and the kill in CI, and no trial went stale
            Files.writeString(file, Studies.grid("sparkcluster", BUDGET, 3000));
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

    /**
     * Waits until the study has a COMPLETE trial and both executors are early in one: each RUNNING
     * trial has run less than half the shortest COMPLETE trial took, so the kill that follows lands
     * inside a trial rather than between two (the poll and the kill take milliseconds; a trial here
     * takes a second or more).
     */
    private static void awaitTwoRunningAfterOneComplete(String url, CompletableFuture<Studies.Result> driver, StandaloneCluster cluster)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        try (Storage s = Storages.open(url)) {
            while (true) {
                if (driver.isDone()) {
                    Studies.Result r = driver.get();
                    throw new AssertionError("the driver ended before the kill: " + r.code() + "\n" + r.out() + r.err() + cluster.logTail());
                }
                assertThat(System.nanoTime()).as("no two trials early in their run in time\n%s", cluster.logTail()).isLessThan(deadline);
                var id = s.findStudyId("sparkcluster");
                if (id.isPresent()) {
                    List<FrozenTrial> all = s.getAllTrials(id.getAsLong());
                    Instant now = Instant.now();
                    OptionalLong shortest = all.stream().filter(t -> t.state() == TrialState.COMPLETE)
                            .mapToLong(t -> Duration.between(t.datetimeStart().orElseThrow(),
                                    t.datetimeComplete().orElseThrow()).toMillis()).min();
                    List<FrozenTrial> running = all.stream().filter(t -> t.state() == TrialState.RUNNING).toList();
                    if (shortest.isPresent() && running.size() == 2 && running.stream().allMatch(t -> t.datetimeStart()
                            .map(start -> Duration.between(start, now).toMillis() < shortest.getAsLong() / 2)
                            .orElse(false))) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        }
    }
}
