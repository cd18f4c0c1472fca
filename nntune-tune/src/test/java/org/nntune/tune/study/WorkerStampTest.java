package org.nntune.tune.study;

import org.junit.jupiter.api.Test;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.storage.TrialStart;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.SystemAttrs;
import org.nntune.tune.trial.TrialState;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's name is written with the start of a trial, not by a write of its own: on a database every
 * storage call is a round trip (the ceiling of many workers, StorageCeiling in nntune-bench), and a trial
 * started by a worker that dies at once still names it.
 */
class WorkerStampTest {
    /** Counts the calls of each storage method and keeps the starts asked for. */
    private static Storage counting(Storage target, Map<String, AtomicInteger> calls, List<TrialStart> starts) {
        return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class}, (p, m, a) -> {
            calls.computeIfAbsent(m.getName(), k -> new AtomicInteger()).incrementAndGet();
            if (a != null && a.length == 4 && a[3] instanceof TrialStart s) {
                starts.add(s);
            }
            try {
                return m.invoke(target, a);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @Test
    void askStartsTheTrialWithTheWorkerStampInOneStorageCall() {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        List<TrialStart> starts = new java.util.concurrent.CopyOnWriteArrayList<>();
        Study study = Study.builder("stamp").storage(counting(new InMemoryStorage(), calls, starts))
                .direction(StudyDirection.MINIMIZE).sampler(new RandomSampler(3)).create();
        for (int i = 0; i < 5; i++) {
            calls.clear();
            starts.clear();
            Trial t = study.ask();
            assertThat(calls.get("startTrialWithin")).as("trial " + i).hasValue(1);
            assertThat(calls).as("trial " + i + ": no write of the worker's name of its own").doesNotContainKey("setTrialSystemAttr");
            assertThat(starts).singleElement().satisfies(s -> assertThat(s.systemAttrs()).containsKey(SystemAttrs.WORKER));
            study.tell(t, t.suggestFloat("x", 0, 1));
        }
        String me = SystemAttrs.currentWorker();
        assertThat(me).endsWith(":" + ProcessHandle.current().pid() + "/" + Thread.currentThread().getName());
        assertThat(study.trials()).hasSize(5).allSatisfy(t -> assertThat(t.systemAttrs()).containsEntry(SystemAttrs.WORKER, me));
    }

    @Test
    void aStorageThatOverridesOnlyTheBooleanStartGetsTheAttributesAfterIt() {
        InMemoryStorage memory = new InMemoryStorage();
        List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        // every method goes to the in-memory storage except the TrialStart form, which runs the interface's default
        Storage plain = (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class}, (p, m, a) -> {
            boolean withStart = a != null && a.length == 4 && a[3] instanceof TrialStart;
            calls.add(m.getName() + (withStart ? "(TrialStart)" : ""));
            if (withStart) {
                return java.lang.reflect.InvocationHandler.invokeDefault(p, m, a);
            }
            try {
                return m.invoke(memory, a);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
        long id = plain.createStudy("plain", List.of(StudyDirection.MINIMIZE));
        FrozenTrial t = plain.startTrialWithin(id, java.util.EnumSet.of(TrialState.RUNNING), 5,
                TrialStart.beat(true).withSystemAttr(SystemAttrs.WORKER, "host:1/w")).orElseThrow();
        assertThat(t.systemAttrs()).containsEntry(SystemAttrs.WORKER, "host:1/w");
        assertThat(calls).containsSubsequence("startTrialWithin(TrialStart)", "startTrialWithin", "setTrialSystemAttr", "getTrial");
        assertThat(plain.failStaleTrials(id, java.time.Duration.ofSeconds(-60))).containsExactly(t.trialId());
    }
    /**
     * A worker cut off from the database for longer than the heartbeat grace finds, when it comes
     * back, that another worker failed its trial as stale: its outcome is dropped and the study goes
     * on (it used to stop with "FAIL already; it cannot be told again", exit 1 in the CLI).
     */
    @Test
    void aTrialFailedAsStaleByAnotherWorkerMeanwhileIsDroppedAndTheStudyGoesOn() {
        InMemoryStorage memory = new InMemoryStorage();
        Study study = Study.builder("cut-off").storage(memory).create();
        List<FrozenTrial> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        study.optimize(t -> {
            double x = t.suggestFloat("x", 0, 1);
            if (t.number() == 0) {
                // another worker, seeing no heartbeat within its grace, fails this trial meanwhile
                assertThat(memory.failStaleTrials(study.studyId(), java.time.Duration.ofSeconds(-60))).hasSize(1);
            }
            return x;
        }, OptimizeOptions.trials(3).withHeartbeat(java.time.Duration.ofSeconds(30)).withCallback((s, t) -> seen.add(t)));
        List<FrozenTrial> trials = study.trials();
        assertThat(trials.get(0).state()).isEqualTo(TrialState.FAIL);
        assertThat(trials.get(0).failureReason()).get().asString().startsWith(Storage.STALE_REASON_PREFIX);
        assertThat(trials).hasSize(3); // the study went on
        assertThat(trials.stream().filter(t -> t.state() == TrialState.COMPLETE)).hasSize(2);
        // the callbacks hear of the trial as it was stored
        assertThat(seen.get(0).state()).isEqualTo(TrialState.FAIL);
        // told twice by the Java API is still an error
        Trial asked = study.ask();
        study.tell(asked, 0.5);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> study.tell(asked, 0.7)).hasMessageContaining("cannot be told again");
    }
}
