package org.nntune.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nntune.tune.run.Heartbeats;
import org.nntune.tune.run.InFlightTrials;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.space.CategoricalDistribution;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.study.OptimizeOptions;
import org.nntune.tune.study.Study;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialState;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {
    @TempDir
    Path dir;

    private static final Duration STALE_NOW = Duration.ofSeconds(-60);

    private static long runningWithBeat(JdbcStorage s, long study, double x) {
        long t = s.createTrial(study).trialId();
        s.setTrialParam(t, "x", x, FloatDistribution.uniform(0, 1));
        s.setTrialParam(t, "c", 1, CategoricalDistribution.of("a", "b"));
        s.recordHeartbeat(t);
        return t;
    }

    @Test
    void staleTrialsAreRetriedWithTheSameParamsUpToTheLimit() {
        try (JdbcStorage s = new JdbcStorage("sqlite:" + dir.resolve("r.db"))) {
            long study = s.createStudy("r", List.of(StudyDirection.MINIMIZE));
            new RetryPolicy(2).storeIn(s, study);
            assertThat(RetryPolicy.of(s, study)).hasValue(new RetryPolicy(2));
            long first = runningWithBeat(s, study, 0.25);
            assertThat(s.failStaleTrials(study, STALE_NOW)).containsExactly(first);
            List<FrozenTrial> waiting = s.getAllTrials(study, EnumSet.of(TrialState.WAITING));
            assertThat(waiting).singleElement().satisfies(w -> {
                assertThat(w.systemAttrs()).containsEntry(RetryPolicy.FIXED_PARAMS, Map.of("x", 0.25, "c", "b"))
                        .containsEntry(RetryPolicy.FAILED_TRIAL, 0L).containsEntry(RetryPolicy.RETRY_HISTORY, List.of(0L));
                assertThat(w.params()).isEmpty();
            });
            // the retry dies too: retried again, with the whole history
            FrozenTrial retry = waiting.get(0);
            assertThat(s.claimWaitingTrial(retry.trialId())).isTrue();
            s.setTrialSystemAttr(retry.trialId(), "note", "claimed");
            s.setTrialParam(retry.trialId(), "x", 0.25, FloatDistribution.uniform(0, 1));
            s.recordHeartbeat(retry.trialId());
            assertThat(s.failStaleTrials(study, STALE_NOW)).containsExactly(retry.trialId());
            FrozenTrial second = s.getAllTrials(study, EnumSet.of(TrialState.WAITING)).get(0);
            assertThat(second.systemAttrs()).containsEntry(RetryPolicy.FAILED_TRIAL, 0L)
                    .containsEntry(RetryPolicy.RETRY_HISTORY, List.of(0L, (long) retry.number()))
                    .containsEntry(RetryPolicy.FIXED_PARAMS, Map.of("x", 0.25, "c", "b"));
            // the third death exceeds max_retries = 2
            assertThat(s.claimWaitingTrial(second.trialId())).isTrue();
            s.recordHeartbeat(second.trialId());
            assertThat(s.failStaleTrials(study, STALE_NOW)).containsExactly(second.trialId());
            assertThat(s.countTrials(study, EnumSet.of(TrialState.WAITING))).isZero();
            assertThat(s.countTrials(study, EnumSet.of(TrialState.FAIL))).isEqualTo(3);
        }
    }

    @Test
    void withoutAPolicyNothingIsRetried() {
        try (JdbcStorage s = new JdbcStorage("sqlite:" + dir.resolve("n.db"))) {
            long study = s.createStudy("n", List.of(StudyDirection.MINIMIZE));
            long t = runningWithBeat(s, study, 0.5);
            assertThat(s.failStaleTrials(study, STALE_NOW)).containsExactly(t);
            assertThat(s.countTrials(study, EnumSet.of(TrialState.WAITING))).isZero();
        }
    }

    @Test
    void badPoliciesAreRejected() {
        assertThatThrownBy(() -> new RetryPolicy(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> RetryPolicy.fromAttrs(Map.of(RetryPolicy.ATTR, "yes")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_retries");
    }

    @Test
    void heartbeatsStampTheTrialsInFlightOnly() throws Exception {
        try (JdbcStorage s = new JdbcStorage("sqlite:" + dir.resolve("h.db"))) {
            assertThat(Heartbeats.grace(Duration.ofHours(1))).isEqualTo(Duration.ofHours(2));
            long study = s.createStudy("h", List.of(StudyDirection.MINIMIZE));
            long tracked = s.createTrial(study).trialId();
            long silent = s.createTrial(study).trialId();
            InFlightTrials inFlight = new InFlightTrials();
            inFlight.put(tracked, Thread.currentThread());
            try (Heartbeats beats = Heartbeats.start(Executors.newSingleThreadScheduledExecutor(), Duration.ofHours(1),
                    inFlight, s::recordHeartbeat)) {
                // the first tick is at once; a trial is failed only if it ever beat: the tracked one did, the silent one did not
                long deadline = System.nanoTime() + 10_000_000_000L;
                List<Long> failed = s.failStaleTrials(study, STALE_NOW);
                while (failed.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                    failed = s.failStaleTrials(study, STALE_NOW);
                }
                assertThat(failed).containsExactly(tracked);
                assertThat(s.getTrial(silent).state()).isEqualTo(TrialState.RUNNING);
            }
        }
        assertThatThrownBy(() -> Heartbeats.start(null, Duration.ZERO, new InFlightTrials(), id -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
    }

    @Test
    void aStudyAtItsBudgetWaitsForADeadWorkersTrialAndRunsItsRetry() {
        try (JdbcStorage s = new JdbcStorage("sqlite:" + dir.resolve("w.db"))) {
            Study study = Study.builder("w").storage(s).sampler(new RandomSampler(3)).create();
            new RetryPolicy(1).storeIn(s, study.studyId());
            long dead = runningWithBeat(s, study.studyId(), 0.75); // its worker was killed just now
            study.optimize(t -> t.suggestFloat("x", 0, 1), OptimizeOptions.trials(3).withHeartbeat(Duration.ofMillis(100)));

            List<FrozenTrial> trials = study.trials();
            assertThat(trials).extracting(FrozenTrial::state).containsExactly(TrialState.FAIL, TrialState.COMPLETE,
                    TrialState.COMPLETE, TrialState.COMPLETE);
            assertThat(trials.get(0).trialId()).isEqualTo(dead);
            // the dead trial goes stale after the grace; on a loaded machine that can happen before the
            // fresh trials are done, so the retry's place among them is not fixed, only that there is one
            List<FrozenTrial> retries = trials.stream()
                    .filter(t -> t.systemAttrs().containsKey(RetryPolicy.FAILED_TRIAL)).toList();
            assertThat(retries).hasSize(1);
            FrozenTrial retry = retries.get(0);
            assertThat(retry.systemAttrs()).containsEntry(RetryPolicy.FAILED_TRIAL, 0L);
            assertThat(retry.params()).containsEntry("x", 0.75);
            assertThat(retry.value()).isEqualTo(0.75);
        }
    }

    /**
     * An interrupted attempt (Ctrl-C, SIGTERM) is queued again, and its retry, killed (its heartbeat stops), is queued
     * again too under {@code max_retries: 1}: the interruption did not use up the one retry a dead worker's trial
     * gets. The next death does, so the chain ends.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"sqlite:", "optuna+sqlite:///"})
    void anInterruptionDoesNotUseUpTheRetryOfATrialWhoseWorkerDies(String scheme) throws Exception {
        try (org.nntune.tune.storage.Storage s = Storages.open(scheme + dir.resolve("i.db"))) {
            Study study = Study.builder("i").storage(s).sampler(new RandomSampler(3)).create();
            long id = study.studyId();
            new RetryPolicy(1).storeIn(s, id);
            java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
            Thread worker = new Thread(() -> {
                try {
                    study.optimize(t -> {
                        double x = t.suggestFloat("x", 0, 1);
                        running.countDown();
                        Thread.sleep(60_000);
                        return x;
                    }, OptimizeOptions.trials(1).withHeartbeat(Duration.ofMillis(100)));
                } catch (java.util.concurrent.CancellationException interrupted) {
                    // what optimize says after study.interrupt
                }
            });
            worker.start();
            assertThat(running.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            study.interrupt("interrupted: the JVM is shutting down (Ctrl-C or SIGTERM)"); // what the shutdown hook does
            worker.join(30_000);
            double x = s.getAllTrials(id).get(0).params().get("x") instanceof Double d ? d : Double.NaN;

            FrozenTrial retry = s.getAllTrials(id, EnumSet.of(TrialState.WAITING)).get(0);
            assertThat(retry.systemAttrs()).containsEntry(RetryPolicy.RETRY_HISTORY, List.of(0L))
                    .containsEntry(org.nntune.tune.trial.SystemAttrs.INTERRUPTED_ATTEMPTS, List.of(0L));
            // the retry's worker is killed (kill -9) mid-trial: another worker fails it as stale, and queues it again
            assertThat(s.claimWaitingTrial(retry.trialId())).isTrue();
            s.recordHeartbeat(retry.trialId());
            assertThat(s.failStaleTrials(id, STALE_NOW)).containsExactly(retry.trialId());
            List<FrozenTrial> again = s.getAllTrials(id, EnumSet.of(TrialState.WAITING));
            assertThat(again).as("the killed retry of an interrupted trial is queued again").singleElement()
                    .satisfies(w -> assertThat(w.systemAttrs()).containsEntry(RetryPolicy.RETRY_HISTORY, List.of(0L, 1L))
                            .containsEntry(org.nntune.tune.trial.SystemAttrs.INTERRUPTED_ATTEMPTS, List.of(0L))
                            .containsEntry(RetryPolicy.FIXED_PARAMS, Map.of("x", x)));
            // killed once more: that death uses up max_retries = 1, and the chain ends
            assertThat(s.claimWaitingTrial(again.get(0).trialId())).isTrue();
            s.recordHeartbeat(again.get(0).trialId());
            assertThat(s.failStaleTrials(id, STALE_NOW)).containsExactly(again.get(0).trialId());
            assertThat(s.countTrials(id, EnumSet.of(TrialState.WAITING))).isZero();
            assertThat(s.getAllTrials(id)).extracting(FrozenTrial::state)
                    .containsExactly(TrialState.FAIL, TrialState.FAIL, TrialState.FAIL);
        }
    }
}
