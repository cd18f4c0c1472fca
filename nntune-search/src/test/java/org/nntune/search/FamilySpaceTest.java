package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Datasets;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.nn.layer.Conv2D;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.TrialState;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A choice between network families searched as one space: prefixed parameters, the refit, the time budget. */
class FamilySpaceTest {

    private static MlpSpace mlp() {
        return MlpSpace.builder().fixedDefaults().units(8, 32).lr(1e-3, 1e-2).epochs(2).build();
    }

    private static CnnSpace cnn() {
        return CnnSpace.builder().fixedDefaults().set("conv_blocks", 1).set("filters", List.of(4, 8)).set("layers", 0)
                .lr(1e-3, 1e-2).epochs(2).build();
    }

    private static FamilySpace mlpOrCnn() {
        Map<String, NetworkSpace> f = new LinkedHashMap<>();
        f.put("mlp", mlp());
        f.put("cnn", cnn());
        return FamilySpace.of(f);
    }

    @Test
    void eachFamilyDrawsItsOwnParametersUnderItsName() {
        FamilySpace space = mlpOrCnn();
        assertThat(space.families().keySet()).containsExactly("mlp", "cnn");
        assertThat(space.params()).containsKeys("family", "mlp.units", "mlp.lr", "cnn.filters", "cnn.lr");
        assertThat(space.params().get("family")).isEqualTo(ParamSpec.choice("mlp", "cnn"));

        NetworkConfig c = space.config(ParamSource.fixed(Map.of("family", "cnn", "cnn.filters_1", 8, "cnn.lr", 2e-3)));
        assertThat(c.convFilters()).containsExactly(8);
        assertThat(c.lr()).isEqualTo(2e-3);
        NetworkConfig m = space.config(ParamSource.fixed(Map.of("family", "mlp", "mlp.units_1", 16, "mlp.lr", 5e-3)));
        assertThat(m.convFilters()).isEmpty();
        assertThat(m.hidden()).containsExactly(16);
        // a family's parameter without its prefix is not one of the space's
        assertThatThrownBy(() -> space.config(ParamSource.fixed(Map.of("family", "mlp", "units_1", 16, "lr", 5e-3))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mlp.units_1");

        // settings for the whole space reach every family
        FamilySpace longer = space.with(Map.of("epochs", 7));
        assertThat(longer.config(ParamSource.fixed(Map.of("family", "cnn", "cnn.filters_1", 4, "cnn.lr", 2e-3))).epochs())
                .isEqualTo(7);
        assertThat(longer.config(ParamSource.fixed(Map.of("family", "mlp", "mlp.units_1", 8, "mlp.lr", 2e-3))).epochs())
                .isEqualTo(7);
        assertThat(space.config(ParamSource.fixed(Map.of("family", "mlp", "mlp.units_1", 8, "mlp.lr", 2e-3))).epochs())
                .isEqualTo(2);
    }

    @Test
    void badChoicesAreRefused() {
        assertThatThrownBy(() -> FamilySpace.of(Map.of("mlp", mlp()))).hasMessageContaining("at least two");
        assertThatThrownBy(() -> FamilySpace.of(Map.of("a.b", mlp(), "cnn", cnn()))).hasMessageContaining("without '.'");
        assertThatThrownBy(() -> FamilySpace.of(Map.of("both", mlpOrCnn(), "cnn", cnn())))
                .hasMessageContaining("itself a choice of families");
    }

    @Test
    void aSearchTriesBothFamiliesAndRefitsTheBestTrialsFamily() {
        Dataset images = Datasets.digitsImages();
        Split split = Splits.canonical(images);
        Dataset train = split.train(images);
        SearchResult r = CrossValidatedSearch.builder(mlpOrCnn()).cv(CvStrategy.holdout(0.25)).nTrials(8).seed(3).build()
                .fit(train);
        List<FrozenTrial> trials = r.study().trials();
        assertThat(trials).allMatch(t -> t.state() == TrialState.COMPLETE);
        Set<Object> drawn = trials.stream().map(t -> t.params().get("family")).collect(Collectors.toSet());
        assertThat(drawn).containsExactlyInAnyOrder("mlp", "cnn");
        for (FrozenTrial t : trials) {
            String family = (String) t.params().get("family");
            // every other parameter is the chosen family's
            assertThat(t.params().keySet()).allMatch(k -> k.equals("family") || k.startsWith(family + "."));
        }
        NetworkEstimator best = (NetworkEstimator) r.bestEstimator();
        boolean bestIsCnn = r.bestParams().get("family").equals("cnn");
        assertThat(best.model().layers().stream().anyMatch(l -> l instanceof Conv2D)).isEqualTo(bestIsCnn);
        assertThat(r.score(split.test(images))).isGreaterThan(0.8);
    }

    @Test
    void theTimeBudgetModeSearchesAChoiceOfFamilies() {
        Dataset images = Datasets.digitsImages();
        Dataset train = Splits.canonical(images).train(images);
        SearchResult r = CrossValidatedSearch.builder(mlpOrCnn()).cv(CvStrategy.holdout(0.25)).seed(1).nJobs(2)
                .timeBudget(TimeBudget.of(Duration.ofSeconds(20)).withMaxEpochs(3)).build().fit(train);
        NetworkEstimator best = (NetworkEstimator) r.bestEstimator();
        // the refit trains the best trial's family for at most the budget's max epochs, not the spaces' own 2
        assertThat(best.config().epochs()).isBetween(1, 3);
        assertThat(r.study().trials()).anyMatch(t -> t.params().containsKey("family"));
        assertThat(r.searchSeconds() + r.refitSeconds()).isLessThan(60);
    }
}
