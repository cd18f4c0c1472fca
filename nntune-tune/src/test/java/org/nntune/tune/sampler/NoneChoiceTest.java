package org.nntune.tune.sampler;

import org.junit.jupiter.api.Test;
import org.nntune.tune.analysis.ParamImportance;
import org.nntune.tune.analysis.ParamSummary;
import org.nntune.tune.space.JsonNull;
import org.nntune.tune.study.Study;
import org.nntune.tune.study.Trial;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A categorical with JSON's null among its choices (an Optuna study whose {@code suggest_categorical}
 * offered {@code None}) goes through every sampler, the grid and the analyses like any other choice.
 */
class NoneChoiceTest {

    private static final List<Object> CHOICES = List.of("a", JsonNull.INSTANCE, 3L, 2.5, true);

    private static double objective(Trial t) {
        Object c = t.suggestCategorical("c", CHOICES);
        double x = t.suggestFloat("x", -1, 1);
        return x * x + (c == JsonNull.INSTANCE ? 0 : 1);
    }

    @Test
    void everySamplerOffersTheNullChoiceAndLearnsThatItIsBest() {
        Map<String, Supplier<Sampler>> samplers = new LinkedHashMap<>();
        samplers.put("random", () -> new RandomSampler(1));
        samplers.put("tpe", () -> TpeSampler.builder().nStartupTrials(5).seed(1).build());
        samplers.put("tpe multivariate", () -> TpeSampler.builder().multivariate(true).nStartupTrials(5).seed(1).build());
        samplers.put("sobol", () -> new SobolSampler(1, true));
        samplers.put("gp", () -> GPSampler.builder().seed(1).build());
        samplers.put("cma-es", () -> CmaEsSampler.builder().seed(1).build());
        samplers.forEach((name, sampler) -> {
            Study s = Study.builder("none-" + name).sampler(sampler.get()).create();
            s.optimize(NoneChoiceTest::objective, 30);
            assertThat(s.trials()).as(name).hasSize(30)
                    .allSatisfy(t -> assertThat(t.state()).as(name).isEqualTo(TrialState.COMPLETE));
            for (FrozenTrial t : s.trials()) {
                assertThat(CHOICES).as(name).contains(t.params().get("c"));
            }
            assertThat(s.trials()).as(name).anySatisfy(t -> assertThat(t.params().get("c")).isSameAs(JsonNull.INSTANCE));
            if (name.startsWith("tpe")) {
                // TPE's categorical kernel counts the null choice like any other: the best is found
                assertThat(s.bestTrial().params().get("c")).as(name).isSameAs(JsonNull.INSTANCE);
            }
            assertThat(ParamImportance.fanova(s.view())).as(name).containsKeys("c", "x");
            assertThat(ParamSummary.of(s.view())).as(name).isNotEmpty();
        });
    }

    @Test
    void aGridMayHoldTheNullChoice() {
        Study s = Study.builder("none-grid").sampler(new GridSampler(Map.of("c", CHOICES, "x", List.of(0.0, 0.5)))).create();
        s.optimize(NoneChoiceTest::objective, 100);
        assertThat(s.trials()).hasSize(10);
        assertThat(s.bestTrial().params()).isEqualTo(Map.of("c", JsonNull.INSTANCE, "x", 0.0));
    }
}
