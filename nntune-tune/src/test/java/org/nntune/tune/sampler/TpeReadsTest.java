package org.nntune.tune.sampler;

import org.junit.jupiter.api.Test;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.trial.StudyDirection;
import org.nntune.tune.trial.TrialChanges;
import org.nntune.tune.trial.TrialState;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TPE reads the study from the storage once per trial, not once per parameter: on a database every
 * read is a round trip (the ceiling of many workers, StorageCeiling in nntune-bench). A trial it
 * samples still sees every trial finished before it started, also by another worker.
 */
class TpeReadsTest {
    /** Counts the calls of each storage method. */
    private static Storage counting(Storage target, Map<String, AtomicInteger> calls) {
        return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class}, (p, m, a) -> {
            calls.computeIfAbsent(m.getName(), k -> new AtomicInteger()).incrementAndGet();
            try {
                return m.invoke(target, a);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    private static double objective(Trial t) {
        double v = 0;
        for (int i = 0; i < 4; i++) {
            double x = t.suggestFloat("x" + i, -5, 5);
            v += x * x;
        }
        return v + (t.suggestCategorical("c", List.of("a", "b", "c")).equals("b") ? 0 : 1);
    }

    @Test
    void oneReadPerTrialOfFiveParameters() {
        InMemoryStorage memory = new InMemoryStorage();
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Study study = Study.builder("reads").storage(counting(memory, calls)).direction(StudyDirection.MINIMIZE)
                .sampler(TpeSampler.builder().nStartupTrials(5).seed(1).build()).create();
        for (int i = 0; i < 30; i++) {
            calls.clear();
            Trial t = study.ask();
            double v = objective(t);
            int reads = calls.getOrDefault("getTrialsChangedSince", new AtomicInteger()).get();
            // past the 5 start-up trials: those are the start-up sampler's,
            // and trial 0 also reads once per new parameter name (the study learns each name's kind once)
            if (i >= 5) {
                assertThat(reads).as("trial " + i + ": reads while sampling its 5 parameters").isEqualTo(1);
            }
            study.tell(t, v);
        }
        assertThat(study.trials(java.util.EnumSet.of(TrialState.COMPLETE))).hasSize(30);
    }

    @Test
    void aTrialSeesWhatOtherWorkersFinishedBeforeItStarted() {
        InMemoryStorage shared = new InMemoryStorage();
        List<Integer> read = new java.util.concurrent.CopyOnWriteArrayList<>();
        Storage watched = (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class}, (p, m, a) -> {
            try {
                Object r = m.invoke(shared, a);
                if (r instanceof TrialChanges ch) {
                    ch.trials().forEach(t -> read.add(t.number()));
                }
                return r;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
        Study mine = Study.builder("shared").storage(watched).direction(StudyDirection.MINIMIZE)
                .sampler(TpeSampler.builder().nStartupTrials(3).seed(2).build()).create();
        Study other = Study.builder("shared").storage(shared).sampler(new RandomSampler(5)).load();
        for (int i = 0; i < 4; i++) {
            Trial t = mine.ask();
            mine.tell(t, objective(t));
        }
        Trial o = other.ask(); // another worker finishes a trial
        objective(o);
        other.tell(o, -1000);
        read.clear();
        Trial next = mine.ask(); // the next trial's sampling reads it, once
        objective(next);
        assertThat(read).contains(o.number());
        mine.tell(next, 1.0);
        assertThat(mine.bestValue()).isEqualTo(-1000.0);
    }
}
