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

    // ---------------------------------------------------------------- what a worker cannot know

    /** A worker on a study made through the Java API: no stored budget, no stored sampler, both said at start. */
    @Test
    void aWorkerWithoutBudgetOrTimeoutAndWithoutTheStudysSamplerSaysSo() throws Exception {
        String url = "sqlite:" + dir.resolve("java.db");
        try (Storage s = Storages.open(url)) {
            org.nntune.tune.study.Study.builder("java").storage(s).create()
                    .optimize(t -> t.suggestFloat("x", 0, 1), 3);
        }
        StudyWorker.ObjectiveFactory lambda = def -> t -> t.suggestFloat("x", 0, 1);
        assertThat(StudyWorker.overridesSampler(lambda)).isFalse();
        assertThat(StudyWorker.overridesSampler(new TestFactories.Grid())).isTrue();
        int[] ran = new int[1]; // a trial may start within the 1 ms: it counts towards the budget of 6 below
        List<String> logged = capture(() -> assertThat(ran[0] = StudyWorker.builder(url, "java").objectiveFactory(lambda)
                .timeout(Duration.ofMillis(1)).build().run()).isLessThanOrEqualTo(1));
        assertThat(logged).containsExactly("worker on study 'java': the study stores no definition (it was made through"
                + " the Java API) and the objective factory does not choose a sampler, so this worker samples at random"
                + " (RandomSampler), whatever sampler the study's other workers use; override"
                + " ObjectiveFactory.sampler(definition) to sample as they do (e.g. new TpeSampler())");
        // a factory that chooses the sampler, and a budget: nothing to say
        StudyWorker.ObjectiveFactory tpe = new StudyWorker.ObjectiveFactory() {
            @Override
            public org.nntune.tune.study.Objective objective(Map<String, Object> definition) {
                return t -> t.suggestFloat("x", 0, 1);
            }

            @Override
            public org.nntune.tune.sampler.Sampler sampler(Map<String, Object> definition) {
                return org.nntune.tune.sampler.Sampler.standard();
            }
        };
        List<String> quiet = capture(() -> assertThat(StudyWorker.builder(url, "java").objectiveFactory(tpe).nTrials(6)
                .build().run()).isEqualTo(3 - ran[0]));
        assertThat(quiet).isEmpty();
        // no budget and no timeout: the worker runs until it is stopped (here: its thread interrupted)
        List<String> unbounded = new java.util.ArrayList<>();
        Thread worker = new Thread(() -> {
            try {
                unbounded.addAll(capture(() -> {
                    try {
                        StudyWorker.builder(url, "java").objectiveFactory(tpe).build().run();
                    } catch (java.util.concurrent.CancellationException stopped) {
                        // how an interrupted run ends
                    }
                }));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        worker.start();
        try (Storage s = Storages.open(url)) {
            long id = s.getStudyId("java");
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (s.countTrials(id, java.util.EnumSet.allOf(TrialState.class)) < 10 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(s.countTrials(id, java.util.EnumSet.allOf(TrialState.class))).as("runs past the 6 of before")
                    .isGreaterThanOrEqualTo(10);
        }
        worker.interrupt();
        worker.join(30_000);
        assertThat(unbounded).first().isEqualTo("worker on study 'java': no budget and no timeout, so it runs trials until"
                + " it is stopped (or a grid sampler is exhausted); a study keeps no budget of its own: give the worker"
                + " StudyWorker.builder(…).nTrials(n) (the study's total) or .timeout(…)");
    }

    /** What a capture runs. */
    private interface Body {
        void run() throws Exception;
    }

    /** The WARNING (and louder) messages {@link StudyWorker} logs while {@code run} runs. */
    private static List<String> capture(Body run) throws Exception {
        org.nntune.tune.study.CapturedLog captured = new org.nntune.tune.study.CapturedLog(System.Logger.Level.WARNING);
        System.Logger before = StudyWorker.log;
        StudyWorker.log = captured;
        try {
            run.run();
        } finally {
            StudyWorker.log = before;
        }
        return captured.messages();
    }
}
