package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.population.MemberRound;
import org.nntune.tune.population.PbtOptions;
import org.nntune.tune.population.PopulationHistory;
import org.nntune.tune.population.PopulationObjective;
import org.nntune.tune.population.PopulationTraining;
import org.nntune.tune.population.Quadratic;
import org.nntune.tune.population.ScheduleStep;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Population-based training across worker processes: two JVMs on PostgreSQL share one population
 * (each round has each member exactly once), and a worker killed with SIGKILL in the middle of a
 * round leaves its member to be resumed by another process from its last checkpoint.
 */
class PopulationProcessesTest {
    @TempDir
    Path dir;

    private static int trained(String log) {
        Matcher m = Pattern.compile("pbt worker trained (\\d+) rounds").matcher(log);
        if (!m.find()) {
            throw new AssertionError("no 'pbt worker trained' line in:\n" + log);
        }
        return Integer.parseInt(m.group(1));
    }

    /** Every member's final value is what replaying its schedule on a fresh model gives: nothing was lost on the way. */
    private static void assertEveryMemberReplays(PopulationHistory h, PbtOptions o) throws Exception {
        Quadratic q = new Quadratic();
        for (MemberRound last : h.latest().values()) {
            List<MemberRound> ancestry = h.ancestry(last.member());
            int root = ancestry.get(ancestry.size() - 1).member();
            byte[] state = null;
            double value = Double.NaN;
            for (ScheduleStep step : h.schedule(last.member(), o)) {
                try (PopulationObjective.Member m = q.member(step.params(), Optional.ofNullable(state),
                        PopulationTraining.memberSeed(o.seed(), root))) {
                    for (int e = step.fromEpoch(); e < step.fromEpoch() + step.epochs(); e++) {
                        value = m.trainEpoch(e);
                    }
                    state = m.save();
                }
            }
            assertThat(value).as("member %d", last.member()).isEqualTo(last.value());
        }
    }

    private static void assertEachMemberOncePerRound(List<FrozenTrial> trials, int population, int rounds) {
        List<FrozenTrial> complete = trials.stream().filter(t -> t.state() == TrialState.COMPLETE).toList();
        assertThat(complete).hasSize(population * rounds);
        Set<String> units = new HashSet<>();
        for (FrozenTrial t : complete) {
            assertThat(units.add(t.systemAttrs().get("pbt.round") + "/" + t.systemAttrs().get("pbt.member")))
                    .as("trial %d repeats a (round, member)", t.number()).isTrue();
        }
        assertThat(trials).noneMatch(t -> t.state() == TrialState.RUNNING || t.state() == TrialState.WAITING);
    }

    @Test
    void twoProcessesOnPostgresShareOnePopulation() throws Exception {
        TestDatabases.withPgSchema("nntune_pbt", url -> {
            try (WorkerProcesses procs = new WorkerProcesses(dir)) {
                procs.startMain(PbtWorker.class, url, "shared", "4", "1", "6", "40");
                procs.startMain(PbtWorker.class, url, "shared", "4", "1", "6", "40");
                awaitAll(procs, 2);
                int first = trained(Files.readString(dir.resolve("worker-0.log")));
                int second = trained(Files.readString(dir.resolve("worker-1.log")));
                assertThat(first + second).isEqualTo(24);
                assertThat(first).as("both processes trained").isPositive();
                assertThat(second).as("both processes trained").isPositive();
            }
            try (JdbcStorage s = new JdbcStorage(url)) {
                PbtOptions o = PbtWorker.options(4, 1, 6);
                PopulationTraining pbt = PopulationTraining.createOrLoad(s, "shared", StudyDirection.MINIMIZE,
                        org.nntune.tune.population.PopulationTrainingTest.space(), o);
                assertEachMemberOncePerRound(s.getAllTrials(pbt.studyId()), 4, 6);
                PopulationHistory h = pbt.history();
                assertThat(h.lineage()).isNotEmpty();
                assertEveryMemberReplays(h, o);
                // the checkpoints left are the last round's, in the database's table
                assertThat(s.artifacts().list(pbt.studyId())).hasSize(4)
                        .allSatisfy((k, size) -> assertThat(k).startsWith("pbt/r5/"));
            }
        });
    }

    @Test
    void aKilledWorkersMemberResumesFromItsLastCheckpoint() throws Exception {
        String url = "sqlite:" + dir.resolve("pbt.db");
        Path marker = dir.resolve("hanging");
        try (WorkerProcesses procs = new WorkerProcesses(dir)) {
            Process doomed = procs.startMain(PbtWorker.class, url, "killed", "3", "1", "4", "0", marker.toString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(marker)) {
                if (!doomed.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("the worker never hung:\n" + procs.logsText());
                }
                Thread.sleep(20);
            }
            doomed.destroyForcibly(); // kill -9 in the middle of a round
            assertThat(doomed.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (WorkerProcesses procs = new WorkerProcesses(Files.createDirectories(dir.resolve("second")))) {
            procs.startMain(PbtWorker.class, url, "killed", "3", "1", "4", "0");
            awaitAll(procs, 1);
        }
        try (JdbcStorage s = new JdbcStorage(url)) {
            PbtOptions o = PbtWorker.options(3, 1, 4);
            PopulationTraining pbt = PopulationTraining.createOrLoad(s, "killed", StudyDirection.MINIMIZE,
                    org.nntune.tune.population.PopulationTrainingTest.space(), o);
            List<FrozenTrial> trials = s.getAllTrials(pbt.studyId());
            assertEachMemberOncePerRound(trials, 3, 4);
            List<FrozenTrial> failed = trials.stream().filter(t -> t.state() == TrialState.FAIL).toList();
            assertThat(failed).singleElement().satisfies(t -> {
                assertThat(t.failureReason().orElseThrow()).contains("heartbeat");
                assertThat(t.systemAttrs().get("pbt.round")).isEqualTo(1L);
            });
            FrozenTrial lost = failed.get(0);
            FrozenTrial redone = trials.stream().filter(t -> t.state() == TrialState.COMPLETE
                    && t.systemAttrs().get("pbt.round").equals(1L)
                    && t.systemAttrs().get("pbt.member").equals(lost.systemAttrs().get("pbt.member"))).findFirst()
                    .orElseThrow();
            assertThat(redone.systemAttrs().get("pbt.attempt")).isEqualTo(1L);
            assertThat(redone.params()).isEqualTo(lost.params());
            assertThat(redone.systemAttrs().get("pbt.donor")).isEqualTo(lost.systemAttrs().get("pbt.donor"));
            assertEveryMemberReplays(pbt.history(), o);
            // checkpoints in the folder beside the database; only the last round's are left
            assertThat(Files.isDirectory(dir.resolve("pbt.db.artifacts"))).isTrue();
            assertThat(s.artifacts().list(pbt.studyId())).hasSize(3)
                    .allSatisfy((k, size) -> assertThat(k).startsWith("pbt/r3/"));
        }
    }

    private static void awaitAll(WorkerProcesses procs, int n) throws Exception {
        // WorkerProcesses.awaitAll reads StudyWorker's summary line; these workers print their own
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (procs.anyAlive()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(n + " pbt workers did not finish:\n" + procs.logsText());
            }
            Thread.sleep(50);
        }
        String logs = procs.logsText();
        assertThat(Pattern.compile("pbt worker trained").matcher(logs).results().count()).as(logs).isEqualTo(n);
    }
}
