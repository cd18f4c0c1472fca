package org.nntune.tune.study;

import org.junit.jupiter.api.Test;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.space.FloatDistribution;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.StudyAlreadyExistsException;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StudyTest {

    static double quadratic(Trial t) {
        double x = t.suggestFloat("x", -10, 10);
        double y = t.suggestFloat("y", -10, 10);
        return (x - 2) * (x - 2) + (y + 1) * (y + 1);
    }

    private static Study study(String name, long seed) {
        return Study.builder(name).sampler(new RandomSampler()).seed(seed).create();
    }

    @Test
    void optimizeRunsTheBudgetAndFindsTheBest() {
        Study s = study("q", 1);
        s.optimize(StudyTest::quadratic, 30);
        assertThat(s.trials()).hasSize(30).allSatisfy(t -> assertThat(t.state()).isEqualTo(TrialState.COMPLETE));
        double min = s.trials().stream().mapToDouble(FrozenTrial::value).min().orElseThrow();
        assertThat(s.bestValue()).isEqualTo(min);
        assertThat(s.bestParams()).containsOnlyKeys("x", "y");
        assertThat(s.bestTrial().duration()).isPresent();
        assertThat(s.systemAttrs()).containsEntry(SystemAttrs.SEED, 1L);
    }

    @Test
    void everyTrialRecordsTheWorkerThatRanIt() {
        Study s = study("who", 2);
        s.optimize(StudyTest::quadratic, OptimizeOptions.trials(4).withJobs(2));
        String pid = Long.toString(ProcessHandle.current().pid());
        assertThat(s.trials()).hasSize(4).allSatisfy(t -> assertThat((String) t.systemAttrs().get(SystemAttrs.WORKER))
                .as("trial %d", t.number()).matches("[^:/]+:" + pid + "/.+"));
        Trial asked = s.ask(); // the ask-and-tell API starts trials the same way
        assertThat((String) s.storage().getTrial(asked.trialId()).systemAttrs().get(SystemAttrs.WORKER))
                .endsWith(":" + pid + "/" + Thread.currentThread().getName());
    }

    @Test
    void maximisesWhenAsked() {
        Study s = Study.builder("max").direction(StudyDirection.MAXIMIZE).seed(3).create();
        s.optimize(t -> t.suggestFloat("x", 0, 1), 20);
        double max = s.trials().stream().mapToDouble(FrozenTrial::value).max().orElseThrow();
        assertThat(s.bestValue()).isEqualTo(max);
    }

    @Test
    void nTrialsIsTheStudysBudgetSharedByItsWorkers() {
        Storage storage = new InMemoryStorage();
        Study a = Study.builder("shared").storage(storage).seed(1).create();
        a.optimize(StudyTest::quadratic, 10);
        Study b = Study.builder("shared").storage(storage).load();
        b.optimize(StudyTest::quadratic, 10);
        assertThat(storage.getAllTrials(a.studyId())).hasSize(10);
        b.optimize(StudyTest::quadratic, 15);
        assertThat(storage.getAllTrials(a.studyId())).hasSize(15);
    }

    @Test
    void twoStudyObjectsOnOneStorageShareTheBudget() throws Exception {
        Storage storage = new InMemoryStorage();
        Study a = Study.builder("two").storage(storage).create();
        Study b = Study.builder("two").storage(storage).load();
        Thread other = new Thread(() -> b.optimize(StudyTest::quadratic, 20));
        other.start();
        a.optimize(StudyTest::quadratic, 20);
        other.join();
        // each worker checks the count before it creates a trial: at most one extra per other worker
        assertThat(storage.getAllTrials(a.studyId()).size()).isBetween(20, 21);
    }

    @Test
    void createLoadAndCreateOrLoad() {
        Storage storage = new InMemoryStorage();
        Study.builder("s").storage(storage).direction(StudyDirection.MAXIMIZE).create();
        assertThatThrownBy(() -> Study.builder("s").storage(storage).create())
                .isInstanceOf(StudyAlreadyExistsException.class);
        assertThat(Study.builder("s").storage(storage).createOrLoad().direction()).isEqualTo(StudyDirection.MAXIMIZE);
        assertThatThrownBy(() -> Study.builder("s").storage(storage).direction(StudyDirection.MINIMIZE).load())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MAXIMIZE");
        assertThatThrownBy(() -> Study.builder("missing").storage(storage).load())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing");
        assertThatThrownBy(() -> Study.builder("x").load()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Study.builder(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Study.builder("new").storage(storage).createOrLoad().trials()).isEmpty();
    }

    @Test
    void exceptionsNanAndInfinityFailTheTrialAndTheStudyGoesOn() {
        Study s = study("fail", 2);
        s.optimize(t -> {
            double x = t.suggestFloat("x", 0, 1);
            return switch (t.number()) {
                case 1 -> throw new IllegalArgumentException("bad x " + x);
                case 2 -> Double.NaN;
                case 3 -> Double.POSITIVE_INFINITY;
                default -> x;
            };
        }, 6);
        List<FrozenTrial> trials = s.trials();
        assertThat(trials).hasSize(6);
        assertThat(trials.get(1).state()).isEqualTo(TrialState.FAIL);
        // the exception's message, without Java class names
        assertThat(trials.get(1).failureReason()).hasValueSatisfying(r -> assertThat(r).startsWith("bad x ")
                .doesNotContain("Exception"));
        assertThat(trials.get(2).failureReason()).hasValueSatisfying(r -> assertThat(r).contains("NaN"));
        assertThat(trials.get(3).failureReason()).hasValueSatisfying(r -> assertThat(r).contains("Infinity"));
        assertThat(trials.get(1).params()).containsKey("x");
        assertThat(s.trials(EnumSet.of(TrialState.COMPLETE))).hasSize(3);
    }

    @Test
    void exceptionsOutsideTheCatchListEndTheStudyAfterRecordingTheTrial() {
        Study s = study("end", 2);
        OptimizeOptions options = OptimizeOptions.trials(10).withCatchList(List.of(ArithmeticException.class));
        assertThatThrownBy(() -> s.optimize(t -> {
            t.suggestFloat("x", 0, 1);
            if (t.number() == 0) {
                throw new ArithmeticException("caught");
            }
            throw new IllegalStateException("not caught");
        }, options)).isInstanceOf(IllegalStateException.class).hasMessage("not caught");
        assertThat(s.trials()).hasSize(2).allSatisfy(t -> assertThat(t.state()).isEqualTo(TrialState.FAIL));
        assertThat(s.trials().get(1).failureReason()).hasValueSatisfying(r -> assertThat(r).contains("not caught"));

        Study c = study("checked", 2);
        assertThatThrownBy(() -> c.optimize(t -> {
            throw new IOException("disk");
        }, OptimizeOptions.trials(5).withCatchList(List.of()))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("disk").hasCauseInstanceOf(IOException.class);
        assertThat(c.trials()).hasSize(1);

        Study e = study("error", 2);
        assertThatThrownBy(() -> e.optimize(t -> {
            throw new AssertionError("an error is never caught by default");
        }, 5)).isInstanceOf(AssertionError.class);
        assertThat(e.trials()).singleElement().extracting(FrozenTrial::state).isEqualTo(TrialState.FAIL);
    }

    @Test
    void prunedTrialsKeepTheirLastIntermediateValue() {
        Study s = study("prune", 2);
        s.optimize(t -> {
            t.report(0, 5.0);
            t.report(1, 4.0);
            t.report(1, 99.0); // repeated step: ignored
            if (t.number() % 2 == 0) {
                throw new TrialPrunedException();
            }
            return 1.0;
        }, 4);
        FrozenTrial pruned = s.trials().get(0);
        assertThat(pruned.state()).isEqualTo(TrialState.PRUNED);
        assertThat(pruned.values()).containsExactly(4.0);
        assertThat(pruned.intermediateValues()).containsExactly(Map.entry(0, 5.0), Map.entry(1, 4.0));
        assertThat(s.bestTrial().number()).isEqualTo(1);
    }

    @Test
    void askAndTell() {
        Study s = study("asktell", 5);
        Trial a = s.ask();
        double x = a.suggestFloat("x", 0, 1);
        assertThat(a.suggestFloat("x", 0, 1)).isEqualTo(x);
        a.setUserAttr("note", "first");
        FrozenTrial told = s.tell(a, x * 2);
        assertThat(told.state()).isEqualTo(TrialState.COMPLETE);
        assertThat(told.value()).isEqualTo(x * 2);
        assertThat(told.userAttrs()).containsEntry("note", "first");
        assertThatThrownBy(() -> s.tell(a, 1.0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("COMPLETE already");
        Trial b = s.ask();
        assertThatThrownBy(() -> s.tell(b, 1.0, 2.0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(s.tell(b, Double.NaN).state()).isEqualTo(TrialState.FAIL);
        Trial c = s.ask();
        c.report(3, 0.5);
        assertThat(s.tellPruned(c).values()).containsExactly(0.5);
        Trial d = s.ask();
        assertThat(s.tellFailed(d, "out of memory").failureReason()).hasValue("out of memory");
        assertThat(s.bestTrial().number()).isEqualTo(a.number());
    }

    @Test
    void aStudyWithoutANameIsRefusedSayingSo() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Study.builder(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("a study needs a name: Study.builder(name) was given null");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Study.builder(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a study name must not be blank");
    }

    @Test
    void suggestionsAreValuesAndOneNameKeepsOneDistribution() {
        Study s = study("suggest", 7);
        Trial t = s.ask();
        Integer units = t.suggestCategorical("units", List.of(16, 32, 64));
        assertThat(units).isIn(16, 32, 64);
        Boolean flag = t.suggestCategorical("flag", List.of(true, false));
        assertThat(flag).isNotNull();
        int layers = t.suggestInt("layers", 1, 8, Log.YES);
        assertThat(layers).isBetween(1, 8);
        int stepped = t.suggestInt("stepped", 0, 10, 5);
        assertThat(stepped).isIn(0, 5, 10);
        double lr = t.suggestFloat("lr", 1e-5, 1e-1, Log.YES);
        assertThat(lr).isBetween(1e-5, 1e-1);
        double drop = t.suggestFloat("drop", 0, 0.5, 0.25);
        assertThat(drop).isIn(0.0, 0.25, 0.5);
        assertThat(t.suggestFloat("fixed", 3, 3)).isEqualTo(3.0);
        assertThatThrownBy(() -> t.suggestFloat("lr", 1e-5, 1e-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'lr'")
                .hasMessageContaining("one name keeps one distribution");
        assertThatThrownBy(() -> t.suggestFloat("", 0, 1)).isInstanceOf(IllegalArgumentException.class);
        s.tell(t, 1.0);
        Trial next = s.ask();
        assertThatThrownBy(() -> next.suggestInt("lr", 1, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("within a study");
        assertThatThrownBy(() -> next.suggestCategorical("units", List.of(16, 32)))
                .isInstanceOf(IllegalArgumentException.class);
        // a float may change its range between trials (define-by-run)
        assertThat(next.suggestFloat("lr", 1e-4, 1e-2, Log.YES)).isBetween(1e-4, 1e-2);
        assertThat(s.storage().getTrial(t.trialId()).params().get("units")).isEqualTo(units.longValue());
    }

    @Test
    void categoricalChoicesAskedAgainKeepTheirTypesAndChecks() {
        Study s = study("choices", 3);
        for (int i = 0; i < 5; i++) {
            Trial t = s.ask();
            Object units = t.suggestCategorical("units", List.of(16, 32, 64)); // Integers, stored as Longs
            assertThat(units).isInstanceOf(Integer.class).isIn(16, 32, 64);
            Object c = t.suggestCategorical("c", List.of("a", "b"));
            assertThat(c).isInstanceOf(String.class).isIn("a", "b");
            s.tell(t, i);
        }
        Trial t = s.ask();
        assertThat(t.suggestCategorical("units", List.of(16L, 32L, 64L))).isInstanceOf(Long.class);
        assertThatThrownBy(() -> t.suggestCategorical("c", List.of("a", "b", "c")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'c'");
        assertThatThrownBy(() -> t.suggestCategorical("d", List.of("a", "a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    }

    @Test
    void enqueuedTrialsRunFirstWithTheirValues() {
        Study s = study("enqueue", 9);
        s.enqueueTrial(Map.of("x", 2.0, "c", "b"));
        s.enqueueTrial(Map.of("x", 42.0));
        s.optimize(t -> {
            double x = t.suggestFloat("x", -10, 10);
            String c = t.suggestCategorical("c", List.of("a", "b"));
            double y = t.suggestFloat("y", 0, 1);
            return x + c.length() + y;
        }, 4);
        List<FrozenTrial> trials = s.trials();
        assertThat(trials).hasSize(4);
        assertThat(trials.get(0).params()).containsEntry("x", 2.0).containsEntry("c", "b");
        assertThat(trials.get(1).state()).isEqualTo(TrialState.FAIL);
        assertThat(trials.get(1).failureReason()).hasValueSatisfying(r -> assertThat(r).contains("enqueued value 42.0"));
        assertThatThrownBy(() -> s.enqueueTrial(Map.of("x", List.of(1)))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stopFromACallbackEndsOptimize() {
        Study s = study("stop", 1);
        s.optimize(StudyTest::quadratic, OptimizeOptions.trials(100).withCallback((st, t) -> {
            if (t.number() == 4) {
                st.stop();
            }
        }));
        assertThat(s.trials()).hasSize(5);
        s.optimize(StudyTest::quadratic, 7); // stop() does not stick to the next optimize
        assertThat(s.trials()).hasSize(7);
    }

    @Test
    void aTimeoutStopsStartingTrials() {
        Study s = study("timeout", 1);
        s.optimize(t -> {
            Thread.sleep(5);
            return 0;
        }, 100, Duration.ofNanos(1), 1, List.of());
        assertThat(s.trials().size()).isLessThanOrEqualTo(1);
        assertThatThrownBy(() -> OptimizeOptions.trials(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OptimizeOptions.trials(1).withJobs(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parallelJobsRunExactlyTheBudget() {
        Study s = study("parallel", 1);
        List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
        s.optimize(t -> {
            threads.add(Thread.currentThread().getName());
            return quadratic(t);
        }, OptimizeOptions.trials(40).withJobs(4));
        assertThat(s.trials()).hasSize(40).allSatisfy(t -> assertThat(t.state()).isEqualTo(TrialState.COMPLETE));
        assertThat(s.trials()).extracting(FrozenTrial::number).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 40).boxed().toList());
        assertThat(threads).allSatisfy(n -> assertThat(n).contains("worker"));
    }

    @Test
    void anUncaughtExceptionInOneJobEndsAllJobs() {
        Study s = study("parallel-fail", 1);
        // trials after #3 wait until it throws and then take 20 ms: else, with trivial trials, the other two jobs
        // could run all 1000 while the job holding #3 waits to be scheduled (seen once in CI); now they would need 10 s
        CountDownLatch thrown = new CountDownLatch(1);
        assertThatThrownBy(() -> s.optimize(t -> {
            if (t.number() == 3) {
                thrown.countDown();
                throw new OutOfMemoryError("simulated");
            }
            if (t.number() > 3) {
                thrown.await(10, java.util.concurrent.TimeUnit.SECONDS);
                Thread.sleep(20);
            }
            return quadratic(t);
        }, OptimizeOptions.trials(1000).withJobs(3))).isInstanceOf(OutOfMemoryError.class);
        assertThat(s.trials().size()).isLessThan(1000);
        assertThat(s.trials()).noneMatch(t -> t.state() == TrialState.RUNNING);
    }

    @Test
    void interruptingTheOptimizingThreadFailsTheRunningTrial() throws Exception {
        for (int jobs : new int[] {1, 2}) {
            Study s = study("interrupt-" + jobs, 1);
            CountDownLatch running = new CountDownLatch(jobs);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread runner = new Thread(() -> {
                try {
                    s.optimize(t -> {
                        t.suggestFloat("x", 0, 1);
                        running.countDown();
                        Thread.sleep(60_000);
                        return 0;
                    }, OptimizeOptions.trials(10).withJobs(jobs));
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            runner.start();
            running.await();
            runner.interrupt();
            runner.join(30_000);
            assertThat(runner.isAlive()).isFalse();
            assertThat(thrown.get()).isInstanceOf(CancellationException.class).hasMessageContaining("interrupted");
            assertThat(s.trials()).hasSize(jobs).allSatisfy(t -> {
                assertThat(t.state()).isEqualTo(TrialState.FAIL);
                assertThat(t.failureReason()).hasValueSatisfying(r -> assertThat(r).contains("interrupted"));
            });
        }
    }

    @Test
    void theShutdownPathFailsRunningTrialsEvenIfTheObjectiveIgnoresInterrupts() throws Exception {
        Study s = study("shutdown", 1);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try (AutoCloseable guard = s.failRunningTrialsOnShutdown()) {
                s.optimize(t -> {
                    running.countDown();
                    while (true) { // ignores interrupts
                        try {
                            release.await();
                            return 1.0;
                        } catch (InterruptedException ignored) {
                            // keep waiting
                        }
                    }
                }, 10);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        runner.start();
        running.await();
        s.interrupt("interrupted: the JVM is shutting down (Ctrl-C or SIGTERM)"); // what the hook does
        FrozenTrial t = s.trials().get(0);
        assertThat(t.state()).isEqualTo(TrialState.FAIL);
        assertThat(t.failureReason()).hasValueSatisfying(r -> assertThat(r).contains("shutting down"));
        release.countDown();
        runner.join(30_000);
        assertThat(thrown.get()).isInstanceOf(CancellationException.class);
        assertThat(s.trials()).hasSize(1);
        assertThat(s.trials().get(0).state()).isEqualTo(TrialState.FAIL);
    }

    /**
     * With a retry policy (as the command line stores in every study), an interrupted trial is
     * queued again with its parameters, like a dead worker's: the next run trains it first, and the
     * attempt and its retry count once in the budget, so an interruption costs no configuration;
     * a retry interrupted in turn is queued again too. Without a policy nothing is queued.
     */
    @Test
    void anInterruptedTrialIsQueuedAgainWithItsParametersAndUsesNoBudget() throws Exception {
        Storage storage = new InMemoryStorage();
        Study s = Study.builder("again").storage(storage).sampler(new RandomSampler()).seed(3).create();
        storage.setStudySystemAttr(s.studyId(), SystemAttrs.RETRY_POLICY, Map.of("max_retries", 1L));
        for (int time = 0; time < 2; time++) {
            interruptMidTrial(s);
        }
        List<FrozenTrial> trials = s.trials();
        assertThat(trials).extracting(FrozenTrial::state).containsExactly(TrialState.FAIL, TrialState.FAIL, TrialState.WAITING);
        double x = trials.get(0).params().get("x") instanceof Double d ? d : Double.NaN;
        assertThat(trials.get(1).params()).containsEntry("x", x);
        assertThat(trials.get(1).systemAttrs()).containsEntry(SystemAttrs.FAILED_TRIAL, 0L);
        assertThat(trials.get(2).fixedParams()).containsEntry("x", x);
        assertThat(trials.get(2).systemAttrs()).containsEntry(SystemAttrs.RETRY_HISTORY, List.of(0L, 1L))
                .containsEntry(SystemAttrs.INTERRUPTED_ATTEMPTS, List.of(0L, 1L));
        // both attempts were interrupted: the chain has used none of the retries a dead worker's trial gets
        assertThat(FrozenTrial.retriesUsed(trials.get(2).systemAttrs())).isZero();

        List<Double> seen = new ArrayList<>();
        s.optimize(t -> {
            double v = t.suggestFloat("x", 0, 1);
            synchronized (seen) {
                seen.add(v);
            }
            return v;
        }, 3);
        assertThat(seen).hasSize(3).first().isEqualTo(x); // the interrupted configuration first, then two new ones
        assertThat(s.trials()).filteredOn(t -> t.state() == TrialState.COMPLETE).hasSize(3);

        Study none = study("no-policy", 3);
        interruptMidTrial(none);
        assertThat(none.trials()).extracting(FrozenTrial::state).containsExactly(TrialState.FAIL);
    }

    private static void interruptMidTrial(Study s) throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        Thread runner = new Thread(() -> {
            try {
                s.optimize(t -> {
                    t.suggestFloat("x", 0, 1);
                    running.countDown();
                    Thread.sleep(60_000);
                    return 0;
                }, OptimizeOptions.trials(10));
            } catch (CancellationException expected) {
                // interrupted
            }
        });
        runner.start();
        running.await();
        runner.interrupt();
        runner.join(30_000);
        assertThat(runner.isAlive()).isFalse();
    }

    /**
     * The shutdown hook on a study deleted from its storage meanwhile (another process's {@code delete --force}):
     * the trial cannot be recorded as failed, but the hook still ends without an exception (which the JVM would
     * print as a stack trace) and still interrupts the trial's thread.
     */
    @Test
    void theShutdownPathStillInterruptsTheTrialsOfAStudyDeletedUnderIt() throws Exception {
        Study s = study("gone", 1);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Thread runner = new Thread(() -> {
            try {
                s.optimize(t -> {
                    running.countDown();
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                    }
                    return 1.0;
                }, 1);
            } catch (RuntimeException expected) {
                // the study is gone: how optimize ends is not the point here
            }
        });
        runner.start();
        running.await();
        s.storage().deleteStudy(s.studyId());
        s.interrupt("interrupted: the JVM is shutting down (Ctrl-C or SIGTERM)"); // what the hook does: no exception
        assertThat(interrupted.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("the trial's thread interrupted").isTrue();
        runner.join(30_000);
    }

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void workersWithHeartbeatsFailTrialsOfDeadWorkers() {
        ManualClock clock = new ManualClock();
        Storage storage = new InMemoryStorage(clock);
        Study s = Study.builder("beats").storage(storage).seed(1).create();
        FrozenTrial orphan = storage.createTrial(s.studyId());
        storage.setTrialParam(orphan.trialId(), "x", 0.5, FloatDistribution.uniform(-10, 10));
        storage.recordHeartbeat(orphan.trialId());
        clock.advance(Duration.ofHours(1)); // its worker died an hour ago
        s.optimize(StudyTest::quadratic, OptimizeOptions.trials(5).withHeartbeat(Duration.ofSeconds(10)));
        FrozenTrial recovered = storage.getTrial(orphan.trialId());
        assertThat(recovered.state()).isEqualTo(TrialState.FAIL);
        assertThat(recovered.failureReason()).hasValueSatisfying(r -> assertThat(r).contains("heartbeat"));
        assertThat(s.trials(EnumSet.of(TrialState.COMPLETE))).hasSize(4);
    }

    @Test
    void aWorkerAtTheBudgetWaitsForAnotherWorkersRunningTrialUntilItIsStale() {
        Storage storage = new InMemoryStorage();
        Study s = Study.builder("wait").storage(storage).seed(1).create();
        FrozenTrial orphan = storage.createTrial(s.studyId()); // a worker's trial; the worker is dead, but just now
        storage.recordHeartbeat(orphan.trialId());
        s.optimize(StudyTest::quadratic, OptimizeOptions.trials(3).withHeartbeat(Duration.ofMillis(50)));
        // not ended with the orphan RUNNING: waited until it missed its heartbeat, then failed it
        assertThat(storage.getTrial(orphan.trialId()).state()).isEqualTo(TrialState.FAIL);
        assertThat(s.trials(EnumSet.of(TrialState.COMPLETE))).hasSize(2);
        assertThat(s.trials()).hasSize(3);
    }

    @Test
    void withoutHeartbeatsAWorkerAtTheBudgetDoesNotWaitForOthers() {
        Storage storage = new InMemoryStorage();
        Study s = Study.builder("nowait").storage(storage).seed(1).create();
        FrozenTrial other = storage.createTrial(s.studyId()); // can be neither finished nor found dead
        s.optimize(StudyTest::quadratic, 3);
        assertThat(storage.getTrial(other.trialId()).state()).isEqualTo(TrialState.RUNNING);
        assertThat(s.trials(EnumSet.of(TrialState.COMPLETE))).hasSize(2);
    }

    @Test
    void enqueuedTrialsAreStartedWithinTheBudget() {
        Study s = Study.builder("queue").seed(1).create();
        for (int i = 0; i < 4; i++) {
            s.enqueueTrial(Map.of("x", (double) i));
        }
        s.optimize(StudyTest::quadratic, 3);
        assertThat(s.trials(EnumSet.of(TrialState.COMPLETE))).extracting(t -> t.params().get("x"))
                .containsExactly(0.0, 1.0, 2.0);
        assertThat(s.trials(EnumSet.of(TrialState.WAITING))).hasSize(1);
    }
}
