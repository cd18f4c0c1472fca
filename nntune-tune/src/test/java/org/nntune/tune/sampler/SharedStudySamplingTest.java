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
}
