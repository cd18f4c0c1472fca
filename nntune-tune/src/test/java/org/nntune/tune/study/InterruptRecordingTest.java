package org.nntune.tune.study;

import org.junit.jupiter.api.Test;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Ctrl-C or SIGTERM on a database: the shutdown hook fails the running trial, then queues its retry, while the run's
 * own thread sees the stop (the failed trial refuses its next report), leaves {@code optimize} and, in every program,
 * closes the storage. The retry's write is made slow here, as a round trip to a database server is: {@code optimize}
 * must not return (so the storage is not closed) before it is written, and what could not be written is said.
 */
class InterruptRecordingTest {

    private static final String CTRL_C = Study.SHUTDOWN_REASON;

    /** A storage whose retry write (a trial created from a template) waits {@code delay}, then fails if it was closed meanwhile. */
    private static final class SlowRetries {
        final InMemoryStorage memory = new InMemoryStorage();
        volatile boolean closed;
        volatile boolean refuseRetries;
        /** a thread whose writes of an outcome fail (not as "finished already") */
        volatile Thread cutShort;
        final Storage storage;

        SlowRetries(Duration delay) {
            storage = (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
                    (proxy, method, args) -> {
                        if (isRetryWrite(method)) {
                            long end = System.nanoTime() + delay.toNanos();
                            while (!closed && System.nanoTime() < end) {
                                Thread.sleep(5);
                            }
                            if (refuseRetries) {
                                throw new IllegalStateException("the database does not answer");
                            }
                        }
                        if (closed) {
                            throw new IllegalStateException("the storage is closed");
                        }
                        if (method.getName().startsWith("finishTrial") && Thread.currentThread() == cutShort) {
                            throw new RuntimeException("Interrupted during connection acquisition");
                        }
                        try {
                            return method.invoke(memory, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        /** A new study on this storage that retries its interrupted trials, as every study the command line makes. */
        Study study(String name) {
            Study study = Study.builder(name).storage(storage).direction(StudyDirection.MINIMIZE).sampler(new RandomSampler(3))
                    .create();
            memory.setStudySystemAttr(study.studyId(), SystemAttrs.RETRY_POLICY, Map.of("max_retries", 1L));
            return study;
        }

        private static boolean isRetryWrite(Method m) {
            return m.getName().equals("createTrial") && m.getParameterCount() == 2 && m.getParameterTypes()[1] == FrozenTrial.class;
        }
    }

    /** Runs a study whose one trial reports until it is failed, interrupted by a "hook" thread once it runs; then "closes". */
    private static Study interruptedRun(SlowRetries s, AtomicReference<Throwable> thrown) throws Exception {
        Study study = s.study("hook");
        CountDownLatch running = new CountDownLatch(1);
        Thread hook = hookOnce(study, running);
        try {
            study.optimize(trial -> {
                double x = trial.suggestFloat("x", 0, 1);
                running.countDown();
                for (int step = 0; ; step++) {
                    trial.report(step, x); // refused once the hook has failed the trial: the run's thread leaves
                    Thread.sleep(2);
                }
            }, OptimizeOptions.trials(3));
        } catch (RuntimeException e) {
            thrown.set(e);
        } finally {
            Thread.interrupted(); // the hook's interrupt of the trial's thread
            s.closed = true; // what every caller does next: close the storage
        }
        awaitEnd(hook);
        return study;
    }

    /** Starts what the shutdown hook does (interrupts the study) once {@code running} is counted down. */
    private static Thread hookOnce(Study study, CountDownLatch running) {
        Thread hook = new Thread(() -> {
            try {
                running.await();
            } catch (InterruptedException e) {
                return;
            }
            study.interrupt(CTRL_C);
        }, "hook");
        hook.start();
        return hook;
    }

    /** Waits for the hook to end; its interrupt of the thread that ran the trial (this one) meanwhile is dropped. */
    private static void awaitEnd(Thread hook) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (hook.isAlive() && System.nanoTime() < deadline) {
            try {
                hook.join(1_000);
            } catch (InterruptedException stopTheTrial) {
                // the hook interrupts the thread running the trial, as any in flight
            }
        }
        Thread.interrupted();
        assertThat(hook.isAlive()).isFalse();
    }

    @Test
    void optimizeReturnsOnlyOnceTheHookHasQueuedTheRetrySoTheStorageIsNotClosedUnderIt() throws Exception {
        SlowRetries s = new SlowRetries(Duration.ofMillis(500));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Study study = interruptedRun(s, thrown);
        assertThat(thrown.get()).isInstanceOf(CancellationException.class).hasMessageContaining(CTRL_C)
                .hasMessageEndingWith("running trials were recorded as FAIL");
        List<FrozenTrial> trials = s.memory.getAllTrials(study.studyId());
        assertThat(trials).extracting(FrozenTrial::state).containsExactly(TrialState.FAIL, TrialState.WAITING);
        assertThat(trials.get(0).failureReason()).hasValue(CTRL_C);
        assertThat(trials.get(1).fixedParams()).containsAllEntriesOf(trials.get(0).params());
        InterruptionOutcome outcome = study.awaitInterruptionRecorded(Duration.ZERO);
        assertThat(outcome.complete()).isTrue();
    }

    @Test
    void aRetryThatCouldNotBeWrittenIsSaidNotClaimed() throws Exception {
        SlowRetries s = new SlowRetries(Duration.ofMillis(100));
        s.refuseRetries = true;
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Study study = interruptedRun(s, thrown);
        assertThat(thrown.get()).isInstanceOf(CancellationException.class)
                .hasMessageContaining("not everything was recorded: trial 0 was recorded as failed but could not be queued"
                        + " again (the database does not answer); its configuration is not run again");
        InterruptionOutcome outcome = study.awaitInterruptionRecorded(Duration.ZERO);
        assertThat(outcome.finished()).isTrue();
        assertThat(outcome.complete()).isFalse();
        assertThat(outcome.problems()).hasSize(1);
        assertThat(s.memory.getAllTrials(study.studyId())).extracting(FrozenTrial::state).containsExactly(TrialState.FAIL);
    }

    @Test
    void aWaitForARecordingStillInProgressEndsWithItsPatienceAndSaysSo() throws Exception {
        SlowRetries s = new SlowRetries(Duration.ofSeconds(30));
        Study study = s.study("slow");
        assertThat(study.awaitInterruptionRecorded(Duration.ofSeconds(5)).complete()).as("nothing to record").isTrue();
        Trial trial = study.ask(); // in flight, as a run's
        Thread hook = hookOnce(study, new CountDownLatch(0));
        long t0 = System.nanoTime();
        InterruptionOutcome waited;
        do { // the hook has begun (its FAIL written) once the trial is failed
            waited = study.awaitInterruptionRecorded(Duration.ofMillis(200));
        } while (s.memory.getTrial(trial.trialId()).state() == TrialState.RUNNING
                && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
        waited = study.awaitInterruptionRecorded(Duration.ofMillis(200));
        assertThat(waited.finished()).as("the retry's write still waits").isFalse();
        assertThat(waited.complete()).isFalse();
        s.closed = true; // ends the slow write: refused
        awaitEnd(hook);
        InterruptionOutcome after = study.awaitInterruptionRecorded(Duration.ZERO);
        assertThat(after.finished()).isTrue();
        assertThat(after.problems()).singleElement().asString().contains("could not be queued again (the storage is closed)");
    }

    @Test
    void aStorageCallTheInterruptionCutShortEndsOptimizeAsTheInterruptionOnceItIsRecorded() throws Exception {
        SlowRetries s = new SlowRetries(Duration.ofMillis(300));
        Study study = s.study("cut");
        Thread runner = Thread.currentThread();
        s.cutShort = runner; // the run's own write of the outcome fails, as a wait for a connection the hook interrupted
        CountDownLatch running = new CountDownLatch(1);
        Thread hook = hookOnce(study, running);
        Throwable thrown = null;
        try {
            study.optimize(trial -> {
                running.countDown();
                Thread.sleep(60_000); // until the hook interrupts this thread
                return 0.0;
            }, OptimizeOptions.trials(3));
        } catch (RuntimeException e) {
            thrown = e;
        } finally {
            s.closed = true;
        }
        awaitEnd(hook);
        assertThat(thrown).isInstanceOf(CancellationException.class).hasMessageContaining(CTRL_C)
                .hasMessageEndingWith("running trials were recorded as FAIL")
                .hasRootCauseMessage("Interrupted during connection acquisition");
        assertThat(s.memory.getAllTrials(study.studyId())).extracting(FrozenTrial::state)
                .containsExactly(TrialState.FAIL, TrialState.WAITING);
    }
}
