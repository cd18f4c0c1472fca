package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workers killed with SIGKILL ({@link Process#destroyForcibly()}): the dead worker's trial turns FAIL
 * once its heartbeat is older than the grace, is retried with the same parameters, and every other
 * result stays intact; an SQLite file whose writer was killed in the middle of writing opens and the
 * study resumes.
 */
class CrashTest {
    @TempDir
    Path dir;

    private static final int HANG_AT = 4;

    @Test
    void aKilledWorkersTrialFailsAndIsRetriedOnSqlite() throws Exception {
        killMidTrialAndResume("sqlite:" + dir.resolve("crash.db"));
    }

    @Test
    void aKilledWorkersTrialFailsAndIsRetriedOnPostgres() throws Exception {
        TestDatabases.withPgSchema("nntune_crash", this::killMidTrialAndResume);
    }

    private void killMidTrialAndResume(String url) throws Exception {
        Path marker = dir.resolve("hanging");
        String name = "crash";
        try (Storage s = Storages.open(url)) {
            long id = s.createStudy(name, List.of(StudyDirection.MINIMIZE));
            StudyProvenance.recordDefinition(s, id, Map.of("hang_at", HANG_AT, "marker", marker.toString(), "sleep_ms", 60));
            new RetryPolicy(1).storeIn(s, id);
        }
        try (WorkerProcesses procs = new WorkerProcesses(dir)) {
            Process doomed = procs.start(url, name, TestFactories.Random.class, "--heartbeat-ms", "200", "--trials", "40");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(marker)) {
                if (!doomed.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("the worker never reached trial " + HANG_AT + ":\n" + procs.logsText());
                }
                Thread.sleep(20);
            }
            // Study beats for its running trials every interval; give the hanging trial time for its first beat
            // (a trial that never beat is never failed as stale)
            Thread.sleep(600);
            doomed.destroyForcibly(); // kill -9 in the middle of trial HANG_AT
            assertThat(doomed.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        FrozenTrial dead;
        try (Storage s = Storages.open(url)) {
            long id = s.getStudyId(name);
            dead = s.getAllTrials(id).get(HANG_AT);
            assertThat(dead.state()).as("nobody has noticed yet").isEqualTo(TrialState.RUNNING);
            assertThat(dead.params()).containsKeys("x", "y");
        }
        int reported;
        try (WorkerProcesses procs = new WorkerProcesses(Files.createDirectories(dir.resolve("second")))) {
            procs.start(url, name, TestFactories.Random.class, "--heartbeat-ms", "200", "--trials", "40");
            reported = procs.awaitAll(180);
        }
        try (Storage s = Storages.open(url)) {
            long id = s.getStudyId(name);
            List<FrozenTrial> all = s.getAllTrials(id);
            FrozenTrial failed = all.get(HANG_AT);
            assertThat(failed.state()).isEqualTo(TrialState.FAIL);
            assertThat(failed.failureReason()).hasValueSatisfying(r -> assertThat(r).contains("heartbeat"));
            assertThat(failed.params()).isEqualTo(dead.params());
            List<FrozenTrial> retries = all.stream()
                    .filter(t -> Long.valueOf(HANG_AT).equals(t.systemAttrs().get(RetryPolicy.FAILED_TRIAL))).toList();
            assertThat(retries).as("one retry of trial " + HANG_AT).singleElement().satisfies(r -> {
                assertThat(r.state()).isEqualTo(TrialState.COMPLETE);
                assertThat(r.params()).isEqualTo(dead.params());
                assertThat(r.value()).isEqualTo(TestFactories.value((Double) r.params().get("x"), (Long) r.params().get("y")));
            });
            assertThat(all).filteredOn(t -> t.number() != HANG_AT).allSatisfy(t -> {
                assertThat(t.state()).isEqualTo(TrialState.COMPLETE);
                assertThat(t.value()).isEqualTo(TestFactories.value((Double) t.params().get("x"), (Long) t.params().get("y")));
                assertThat(t.intermediateValues()).containsEntry(0, (Double) t.params().get("x"));
            });
            assertThat(all.subList(0, HANG_AT)).as("the dead worker's results are kept").hasSize(HANG_AT);
            assertThat(s.countTrials(id, EnumSet.of(TrialState.RUNNING, TrialState.WAITING))).isZero();
            assertThat(reported).isEqualTo(all.size() - HANG_AT - 1);
        }
    }

    @Test
    void anSqliteStudyKilledMidWriteOpensAndResumes() throws Exception {
        String url = "sqlite:" + dir.resolve("midwrite.db");
        String name = "midwrite";
        try (Storage s = Storages.open(url)) {
            s.createStudy(name, List.of(StudyDirection.MINIMIZE));
        }
        try (WorkerProcesses procs = new WorkerProcesses(dir)) {
            // cheap trials: the worker writes all the time, so the kill lands in or between writes
            Process p = procs.start(url, name, TestFactories.Random.class, "--heartbeat-ms", "100", "--trials", "100000");
            try (Storage s = Storages.open(url)) {
                long id = s.getStudyId(name);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (s.countTrials(id, EnumSet.of(TrialState.COMPLETE)) < 150) {
                    if (!p.isAlive() || System.nanoTime() > deadline) {
                        throw new AssertionError("the worker did not get going:\n" + procs.logsText());
                    }
                    Thread.sleep(10);
                }
            }
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("midwrite.db"));
             PreparedStatement ps = c.prepareStatement("PRAGMA integrity_check"); ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("ok");
        }
        int before;
        try (Storage s = Storages.open(url)) {
            long id = s.getStudyId(name);
            List<FrozenTrial> all = s.getAllTrials(id);
            before = all.size();
            // the trial being written when the worker died is still RUNNING (or FAIL if it was failed as stale
            // meanwhile); no trial is half-written: every COMPLETE one has all its parameters and its value
            assertThat(all).filteredOn(t -> t.state() != TrialState.COMPLETE).hasSizeLessThanOrEqualTo(1);
            assertThat(all).filteredOn(t -> t.state() == TrialState.COMPLETE).allSatisfy(t ->
                    assertThat(t.value()).isEqualTo(TestFactories.value((Double) t.params().get("x"), (Long) t.params().get("y"))));
        }
        try (WorkerProcesses procs = new WorkerProcesses(dir)) {
            procs.start(url, name, TestFactories.Random.class, "--heartbeat-ms", "100", "--trials", String.valueOf(before + 20));
            procs.awaitAll(120);
        }
        try (Storage s = Storages.open(url)) {
            long id = s.getStudyId(name);
            List<FrozenTrial> all = s.getAllTrials(id);
            assertThat(all).hasSizeGreaterThanOrEqualTo(before + 20);
            assertThat(all.subList(before, all.size())).allSatisfy(t -> assertThat(t.state()).isEqualTo(TrialState.COMPLETE));
        }
    }
}
