package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StudyWorkerTest {
    @TempDir
    Path dir;

    private String study(String name) {
        String url = "sqlite:" + dir.resolve("w.db");
        try (Storage s = Storages.open(url)) {
            long id = s.createStudy(name, List.of(StudyDirection.MINIMIZE));
            StudyProvenance.recordDefinition(s, id, Map.of("sleep_ms", 0));
        }
        return url;
    }

    @Test
    void joinsByUrlAndNameRunsTheStoredDefinitionAndRecordsTheFingerprint() throws Exception {
        String url = study("w");
        int ran = StudyWorker.builder(url, "w").objectiveFactory(new TestFactories.Random()).nTrials(12)
                .heartbeat(Duration.ofSeconds(5)).dataFingerprint("sha256:aa").build().run();
        assertThat(ran).isEqualTo(12);
        try (Storage s = Storages.open(url)) {
            long id = s.getStudyId("w");
            assertThat(s.getAllTrials(id)).hasSize(12).allSatisfy(t -> {
                assertThat(t.state()).isEqualTo(TrialState.COMPLETE);
                assertThat(t.value()).isEqualTo(TestFactories.value((Double) t.params().get("x"), (Long) t.params().get("y")));
            });
            assertThat(StudyProvenance.dataFingerprint(s, id)).hasValue("sha256:aa");
        }
        // a second worker resumes the study up to a larger budget
        assertThat(StudyWorker.builder(url, "w").objectiveFactory(new TestFactories.Random()).nTrials(20).build().run())
                .isEqualTo(8);
    }

    @Test
    void refusesOtherDataAndUnknownStudies() throws Exception {
        String url = study("f");
        try (Storage s = Storages.open(url)) {
            StudyProvenance.recordDataFingerprint(s, s.getStudyId("f"), "sha256:aa");
        }
        assertThatThrownBy(() -> StudyWorker.builder(url, "f").objectiveFactory(new TestFactories.Random())
                .dataFingerprint("sha256:bb").build().run())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("sha256:aa").hasMessageContaining("sha256:bb");
        assertThatThrownBy(() -> StudyWorker.builder(url, "nope").objectiveFactory(new TestFactories.Random()).build().run())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no study named 'nope'")
                .hasMessageContaining("create it first");
        assertThatThrownBy(() -> StudyWorker.builder(url, "f").build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("objectiveFactory");
        assertThatThrownBy(() -> StudyWorker.builder(url, "f").nTrials(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StudyWorker.builder(url, "f").heartbeat(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void commandLineExitCodes() {
        String url = study("c");
        String factory = TestFactories.Random.class.getName();
        assertThat(StudyWorker.runMain(new String[] {url, "c", factory, "--trials", "3"})).isZero();
        assertThat(StudyWorker.runMain(new String[] {url, "c", factory, "--trials", "3", "--fingerprint", "x"})).isZero();
        assertThat(StudyWorker.runMain(new String[] {url, "c", factory, "--trials", "3", "--fingerprint", "y"})).isEqualTo(3);
        assertThat(StudyWorker.runMain(new String[] {url, "missing", factory})).isEqualTo(2);
        assertThat(StudyWorker.runMain(new String[] {url, "c"})).isEqualTo(2);
        assertThat(StudyWorker.runMain(new String[] {url, "c", factory, "--trials", "many"})).isEqualTo(2);
        assertThat(StudyWorker.runMain(new String[] {url, "c", factory, "--bogus", "1"})).isEqualTo(2);
        assertThat(StudyWorker.runMain(new String[] {url, "c", "no.such.Factory"})).isEqualTo(2);
        assertThat(StudyWorker.runMain(new String[] {url, "c", String.class.getName()})).isEqualTo(2);
        assertThat(StudyWorker.runMain(new String[] {"bogus://x", "c", factory})).isEqualTo(2);
        try (Storage s = Storages.open(url)) {
            List<FrozenTrial> all = s.getAllTrials(s.getStudyId("c"));
            assertThat(all).hasSize(3);
        }
    }
}
