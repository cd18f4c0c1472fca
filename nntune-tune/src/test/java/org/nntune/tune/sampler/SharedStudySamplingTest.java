package org.nntune.tune.sampler;

import org.junit.jupiter.api.Test;
import org.nntune.tune.study.Log;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.storage.InMemoryStorage;
import org.nntune.tune.storage.Storage;
import org.nntune.tune.trial.FrozenTrial;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stored study is run by several processes that each reseed their sampler with the study's
 * seed: a resumed run, or workers started together. Their trials must not repeat each other's
 * configurations (before {@link TrialSeeds}, a resumed random study repeated its first trials
 * exactly, as did GP's and TPE's start-up and CMA-ES's and NSGA-II's first draws).
 */
class SharedStudySamplingTest {

    private static Map<String, Supplier<Sampler>> samplers() {
        Map<String, Supplier<Sampler>> m = new LinkedHashMap<>();
        m.put("random", RandomSampler::new);
        m.put("tpe", TpeSampler::new);
        m.put("tpe-random-startup", () -> TpeSampler.builder().randomStartup().build());
        m.put("sobol", SobolSampler::new);
        m.put("gp", () -> GPSampler.builder().build());
        m.put("cmaes", () -> CmaEsSampler.builder().build());
        m.put("nsga2", () -> NSGAIISampler.builder().build());
        return m;
    }

    private static double objective(Trial t) {
        double x = t.suggestFloat("x", -5, 5);
        double y = t.suggestFloat("y", 1e-3, 1, Log.YES);
        int n = t.suggestInt("n", 1, 1000);
        return x * x + y + n / 1000.0;
    }

    private static Set<Map<String, Object>> params(List<FrozenTrial> trials) {
        Set<Map<String, Object>> out = new HashSet<>();
        trials.forEach(t -> out.add(t.params()));
        return out;
    }

    @Test
    void aResumedStudyDrawsNewConfigurations() {
        samplers().forEach((name, sampler) -> {
            Storage storage = new InMemoryStorage();
            Study first = Study.builder("s").storage(storage).sampler(sampler.get()).seed(5).create();
            first.optimize(SharedStudySamplingTest::objective, 4);
            // another process resumes it: a new sampler, reseeded with the same study seed
            Study again = Study.builder("s").storage(storage).sampler(sampler.get()).seed(5).load();
            again.optimize(SharedStudySamplingTest::objective, 8); // a study budget: up to 8 trials in all
            List<FrozenTrial> all = again.trials();
            assertThat(all).hasSize(8);
            assertThat(params(all)).as(name + ": 8 distinct configurations").hasSize(8);
        });
    }

    @Test
    void workersStartedTogetherDrawDifferentConfigurations() {
        samplers().forEach((name, sampler) -> {
            Storage storage = new InMemoryStorage();
            Study.builder("w").storage(storage).sampler(sampler.get()).seed(9).create();
            Study a = Study.builder("w").storage(storage).sampler(sampler.get()).seed(9).load();
            Study b = Study.builder("w").storage(storage).sampler(sampler.get()).seed(9).load();
            // both ask before either tells: each sees the same (empty) history
            Trial ta = a.ask();
            Trial tb = b.ask();
            double va = objective(ta);
            double vb = objective(tb);
            assertThat(ta.params()).as(name).isNotEqualTo(tb.params());
            a.tell(ta, va);
            b.tell(tb, vb);
        });
    }

    @Test
    void theSameSeedStillGivesTheSameTrials() {
        samplers().forEach((name, sampler) -> {
            Study one = Study.builder("r").sampler(sampler.get()).seed(3).create();
            one.optimize(SharedStudySamplingTest::objective, 12);
            Study two = Study.builder("r").sampler(sampler.get()).seed(3).create();
            two.optimize(SharedStudySamplingTest::objective, 12);
            assertThat(two.trials().stream().map(FrozenTrial::params).toList()).as(name)
                    .isEqualTo(one.trials().stream().map(FrozenTrial::params).toList());
        });
    }

    /** An MLP-like conditional space: units_2 only with two layers, and parameters after it. */
    private static double conditional(Trial t) {
        int layers = t.suggestInt("layers", 1, 2);
        double v = t.suggestInt("units_1", 8, 64, Log.YES);
        if (layers == 2) {
            v += t.suggestInt("units_2", 8, 64, Log.YES);
        }
        v += t.suggestCategorical("activation", List.of("relu", "tanh")).equals("relu") ? 1 : 0;
        v += t.suggestFloat("lr", 1e-3, 1e-1, Log.YES) * 100;
        return v + t.suggestInt("batch_size", 16, 32, 16);
    }

    private static List<Map<String, Object>> firstParams(Study s, int n) {
        return s.trials().stream().limit(n).map(FrozenTrial::params).toList();
    }

    /**
     * A seeded study's start-up trials are the same whatever had finished when each was sampled: one
     * job (each trial sampled after the ones before it finished), or parallel trials (sampled before
     * any finished, or after a later-numbered one finished first). Before, Sobol took its space from the
     * first trial to finish and drew at random until one did, so --jobs 2 changed trial 1 and, on a
     * conditional space, which parameters were in the design.
     */
    @Test
    void startUpTrialsDoNotDependOnWhatHadFinished() {
        Map<String, Supplier<Sampler>> m = new LinkedHashMap<>();
        m.put("tpe", () -> TpeSampler.builder().nStartupTrials(8).build());
        m.put("tpe-random-startup", () -> TpeSampler.builder().nStartupTrials(8).randomStartup().build());
        m.put("sobol", SobolSampler::new);
        m.put("gp", () -> GPSampler.builder().nStartupTrials(8).independentSampler(
                TpeSampler.builder().nStartupTrials(8).build()).build());
        m.forEach((name, sampler) -> {
            Study one = Study.builder("one").sampler(sampler.get()).seed(42).create();
            one.optimize(SharedStudySamplingTest::conditional, 8);
            // all 8 asked before any finishes, then told newest first (trial 7 finishes first)
            Study all = Study.builder("all").sampler(sampler.get()).seed(42).create();
            List<Trial> asked = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                asked.add(all.ask());
                conditional(asked.get(i));
            }
            for (int i = 7; i >= 0; i--) {
                all.tell(asked.get(i), conditional(asked.get(i)));
            }
            // pairs: trials 2k and 2k+1 asked together, the later one told first
            Study pairs = Study.builder("pairs").sampler(sampler.get()).seed(42).create();
            for (int i = 0; i < 8; i += 2) {
                Trial a = pairs.ask();
                Trial b = pairs.ask();
                double va = conditional(a);
                pairs.tell(b, conditional(b));
                pairs.tell(a, va);
            }
            assertThat(firstParams(all, 8)).as(name + ": all asked first").isEqualTo(firstParams(one, 8));
            assertThat(firstParams(pairs, 8)).as(name + ": in pairs").isEqualTo(firstParams(one, 8));
        });
    }

    @Test
    void aSeededTpeStudysStartUpTrialsAreTheSameWithOneAndTwoJobs() {
        Study one = Study.builder("j1").sampler(TpeSampler.builder().nStartupTrials(8).build()).seed(42).create();
        one.optimize(SharedStudySamplingTest::conditional, 12);
        Study two = Study.builder("j2").sampler(TpeSampler.builder().nStartupTrials(8).constantLiar(true).build())
                .seed(42).create();
        // even trials take longer, so that trial 1 finishes before trial 0, 3 before 2, …
        two.optimize(t -> {
            double v = conditional(t);
            try {
                Thread.sleep(t.number() % 2 == 0 ? 40 : 5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return v;
        }, org.nntune.tune.study.OptimizeOptions.trials(12).withJobs(2));
        assertThat(two.trials()).hasSize(12);
        assertThat(firstParams(two, 8)).isEqualTo(firstParams(one, 8));
    }
}
