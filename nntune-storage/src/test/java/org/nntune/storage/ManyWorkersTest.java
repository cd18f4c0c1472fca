package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.sampler.GridSampler;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialChanges;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many worker processes (separate JVMs) on one study, each running {@link StudyWorker} with the grid
 * sampler over a cheap objective: every grid point is completed exactly once, no trial is lost or
 * duplicated, numbers have no gaps.
 */
class ManyWorkersTest {
    @TempDir
    Path dir;

    @Test
    void eightProcessesFinishTwoThousandGridPointsOnPostgres() throws Exception {
        TestDatabases.withPgSchema("nntune_workers", url -> runGrid(url, 8, 40, 50));
    }

    @Test
    void fourProcessesShareOneSqliteFile() throws Exception {
        runGrid("sqlite:" + dir.resolve("grid.db"), 4, 20, 20);
    }

    private void runGrid(String url, int workers, int nx, int ny) throws Exception {
        int points = nx * ny;
        String name = "grid-" + workers;
        try (Storage s = Storages.open(url)) {
            long id = s.createStudy(name, List.of(StudyDirection.MINIMIZE));
            StudyProvenance.recordDefinition(s, id, Map.of("nx", nx, "ny", ny));
        }
        int reported;
        Map<Integer, FrozenTrial> mirror = new HashMap<>();
        int reads = 0;
        try (WorkerProcesses procs = new WorkerProcesses(dir); Storage reader = Storages.open(url)) {
            for (int i = 0; i < workers; i++) {
                procs.start(url, name, TestFactories.Grid.class, "--heartbeat-ms", "2000");
            }
            // a reader (a dashboard, a report) follows the study while the workers write it
            long id = reader.getStudyId(name);
            long cursor = 0;
            while (procs.anyAlive()) {
                TrialChanges ch = reader.getTrialsChangedSince(id, cursor);
                ch.trials().forEach(t -> mirror.put(t.number(), t));
                cursor = ch.cursor();
                reads++;
                Thread.sleep(50);
            }
            reported = procs.awaitAll(240);
            reader.getTrialsChangedSince(id, cursor).trials().forEach(t -> mirror.put(t.number(), t));
        }
        try (Storage s = Storages.open(url)) {
            long id = s.getStudyId(name);
            List<FrozenTrial> all = s.getAllTrials(id);
            assertThat(reads).as("the reader read while the workers wrote").isGreaterThan(1);
            assertThat(mirror.values()).as("incremental reads across processes missed nothing")
                    .containsExactlyInAnyOrderElementsOf(all);
            for (int i = 0; i < all.size(); i++) {
                assertThat(all.get(i).number()).as("numbers without gaps").isEqualTo(i);
            }
            assertThat(all).as("nothing left running or waiting")
                    .noneMatch(t -> t.state() == TrialState.RUNNING || t.state() == TrialState.WAITING);
            List<FrozenTrial> complete = all.stream().filter(t -> t.state() == TrialState.COMPLETE).toList();
            Set<Long> points_ = new HashSet<>();
            for (FrozenTrial t : complete) {
                long p = (Long) t.systemAttrs().get(GridSampler.GRID_ID_ATTR);
                assertThat(points_.add(p)).as("grid point %d completed once", p).isTrue();
                long x = (Long) t.params().get("x");
                long y = (Long) t.params().get("y");
                assertThat(p).as("trial %d ran its own point", t.number()).isEqualTo(x * ny + y);
                assertThat(t.value()).isEqualTo(TestFactories.value(x, y));
            }
            assertThat(points_).as("every grid point completed").hasSize(points);
            // a trial that lost the race for the last free points fails with the sampler's reason before its
            // objective runs; nothing else fails
            List<FrozenTrial> lostRaces = all.stream().filter(t -> t.state() == TrialState.FAIL).toList();
            assertThat(lostRaces).allSatisfy(t -> assertThat(t.failureReason().orElse("")).contains("grid point"));
            assertThat(reported).as("the trials the workers say they ran are all stored")
                    .isEqualTo(all.size() - lostRaces.size());
        }
    }
}
