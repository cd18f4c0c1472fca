package org.nntune.tune.study;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Ctrl-C or SIGTERM while a worker starts a trial: the shutdown hook fails the trials in flight, and a trial the storage
 * created just before the hook listed them, but put in flight after, must be failed by the hook too (the JVM halts once
 * the hook has run, and would leave it RUNNING until another worker finds it stale). The hook is run here at that very
 * moment, on its own thread: right after the storage has created the second trial, before the worker has put it in
 * flight.
 */
class InterruptWhileStartingTest {

    private static final String CTRL_C = "interrupted: the JVM is shutting down (Ctrl-C or SIGTERM)";

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aTrialStartedAsTheHookListsTheTrialsInFlightIsFailedByTheInterruptionAndNeverRuns(boolean retries) throws Exception {
        InMemoryStorage memory = new InMemoryStorage();
        AtomicReference<Study> study = new AtomicReference<>();
        AtomicInteger starts = new AtomicInteger();
        Map<Long, Thread> finishedBy = new java.util.concurrent.ConcurrentHashMap<>();
        Thread hook = new Thread(() -> study.get().interrupt(CTRL_C), "hook");
        AtomicReference<Thread> starter = new AtomicReference<>();
        Storage storage = (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().startsWith("finishTrial")) {
                        finishedBy.putIfAbsent((Long) args[0], Thread.currentThread());
                    }
                    if (method.getName().equals("getTrial") && starter.compareAndSet(Thread.currentThread(), null)) {
                        // the worker's next read after the start: the hook ends first, as when the JVM would halt
                        // after it before this worker ran on
                        awaitEnd(hook);
                    }
                    if (method.getName().equals("startTrialWithin") && starts.incrementAndGet() == 2) {
                        starter.set(Thread.currentThread());
                        hook.start(); // what the shutdown hook does
                        // the hook waits for this start to put its trial in flight (before, it failed the others and
                        // was done at once)
                        long deadline = System.nanoTime() + 2_000_000_000L;
                        while (hook.getState() != Thread.State.TIMED_WAITING && hook.isAlive()
                                && System.nanoTime() < deadline) {
                            Thread.onSpinWait();
                        }
                    }
                    return result;
                });
        Study s = Study.builder("race").storage(storage).direction(StudyDirection.MINIMIZE).sampler(new RandomSampler(3))
                .create();
        study.set(s);
        if (retries) {
            memory.setStudySystemAttr(s.studyId(), SystemAttrs.RETRY_POLICY, Map.of("max_retries", 1L));
        }
        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(() -> s.optimize(trial -> {
            ran.incrementAndGet();
            return trial.suggestFloat("x", 0, 1);
        }, OptimizeOptions.trials(5))).isInstanceOf(CancellationException.class).hasMessageContaining(CTRL_C);

        hook.join(10_000);
        assertThat(hook.isAlive()).isFalse();
        assertThat(Thread.interrupted()).as("the hook interrupted the thread running the trial, as any in flight").isTrue();
        List<FrozenTrial> trials = memory.getAllTrials(s.studyId());
        assertThat(finishedBy.get(trials.get(1).trialId())).as("the hook itself failed the trial").isSameAs(hook);
        assertThat(ran).as("the objective of the trial started during the interruption never ran").hasValue(1);
        assertThat(trials.get(0).state()).isEqualTo(TrialState.COMPLETE);
        assertThat(trials.get(1).state()).isEqualTo(TrialState.FAIL);
        assertThat(trials.get(1).failureReason()).hasValue(CTRL_C);
        // queued again as every interrupted trial of a study that retries (and only then)
        assertThat(trials).hasSize(retries ? 3 : 2);
        if (retries) {
            assertThat(trials.get(2).state()).isEqualTo(TrialState.WAITING);
        }
    }

    /** Waits for a thread to end; an interrupt meanwhile (the hook's, to stop the trial) is kept for the caller. */
    private static void awaitEnd(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
