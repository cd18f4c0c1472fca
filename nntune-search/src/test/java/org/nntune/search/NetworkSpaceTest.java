package org.nntune.search;

import org.junit.jupiter.api.Test;
import org.nntune.tune.sampler.RandomSampler;
import org.nntune.tune.study.Study;
import org.nntune.tune.trial.FrozenTrial;
import org.nntune.tune.trial.StudyDirection;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetworkSpaceTest {

    private static Map<String, Object> mlpParams() {
        Map<String, Object> p = new HashMap<>();
        p.put("layers", 2);
        p.put("units_1", 32);
        p.put("units_2", 64);
        p.put("activation", "tanh");
        p.put("dropout", 0.1);
        p.put("optimizer", "adam");
        p.put("lr", 0.01);
        p.put("momentum", 0.9);
        p.put("l2", 1e-4);
        p.put("batch_size", 64);
        return p;
    }

    @Test
    void unitsAreAskedPerLayerAndOptimizerParametersOnlyForTheirOptimizer() {
        ParamSource src = ParamSource.fixed(mlpParams());
        NetworkConfig c = MlpSpace.defaults().config(src);
        assertThat(c.hidden()).containsExactly(32, 64);
        assertThat(c.activation()).isEqualTo("tanh");
        assertThat(c.optimizer()).isEqualTo("adam");
        assertThat(c.lr()).isEqualTo(0.01);
        assertThat(c.epochs()).isEqualTo(20);
        assertThat(c.preprocessing()).isEqualTo("standard");
        // momentum belongs to sgd: not asked for adam
        assertThat(src.params()).containsOnlyKeys("layers", "units_1", "units_2", "activation", "dropout", "optimizer", "lr",
                "l2", "batch_size");

        Map<String, Object> sgd = mlpParams();
        sgd.put("optimizer", "sgd");
        sgd.put("layers", 1);
        ParamSource src2 = ParamSource.fixed(sgd);
        NetworkConfig c2 = MlpSpace.defaults().config(src2);
        assertThat(c2.hidden()).containsExactly(32);
        assertThat(c2.momentum()).isEqualTo(0.9);
        assertThat(src2.params()).containsKey("momentum").doesNotContainKey("units_2");
    }

    @Test
    void trialsOfAStudyAskOnlyTheParametersThatApply() {
        Study study = Study.builder("space").direction(StudyDirection.MAXIMIZE).sampler(new RandomSampler(1)).seed(1).create();
        MlpSpace space = MlpSpace.defaults();
        study.optimize(trial -> {
            NetworkConfig c = space.config(ParamSource.of(trial));
            return c.hidden().size();
        }, 30);
        for (FrozenTrial t : study.trials()) {
            long layers = (Long) t.params().get("layers");
            assertThat(layers).isBetween(1L, 3L);
            for (int i = 1; i <= 3; i++) {
                assertThat(t.params().containsKey("units_" + i)).isEqualTo(i <= layers);
            }
            assertThat(t.params().containsKey("momentum")).isEqualTo(t.params().get("optimizer").equals("sgd"));
            assertThat((Double) t.params().get("lr")).isBetween(1e-4, 1e-1);
            assertThat(t.distributions().get("lr").toJson()).contains("\"log\":true");
        }
    }

    @Test
    void theBuilderFixesNarrowsAndWidens() {
        MlpSpace space = MlpSpace.builder().lr(1e-3, 1e-2).layers(2, 2).units(8, 8).activation("relu").epochs(3)
                .fix("optimizer", "sgd").search("nesterov").range("momentum", 0.8, 0.95).build();
        assertThat(space.params().get("lr")).isEqualTo(new ParamSpec.FloatRange(1e-3, 1e-2, true));
        assertThat(space.params().get("epochs")).isEqualTo(new ParamSpec.Fixed(3));
        assertThat(space.params().get("nesterov")).isEqualTo(new ParamSpec.Choice(List.of(false, true)));
        Map<String, Object> p = Map.of("layers", 2, "units_1", 8, "units_2", 8, "activation", "relu", "dropout", 0.0,
                "lr", 0.005, "momentum", 0.9, "nesterov", true, "l2", 1e-5, "batch_size", 32);
        NetworkConfig c = space.config(ParamSource.fixed(p));
        assertThat(c.optimizer()).isEqualTo("sgd");
        assertThat(c.nesterov()).isTrue();
        assertThat(c.epochs()).isEqualTo(3);
    }

    @Test
    void theDeclarativeSpecMapsOntoTheSameSpace() {
        Map<String, Object> spec = Map.of(
                "lr", Map.of("low", 1e-4, "high", 1e-1, "log", true),
                "activation", List.of("relu", "tanh"),
                "epochs", 7,
                "hidden_layer_sizes", List.of(List.of(50), List.of(100, 50)));
        MlpSpace space = MlpSpace.fromSpec(spec);
        // hidden layer sizes were given: they replace layers and units
        assertThat(space.params()).containsKey("hidden").doesNotContainKeys("layers", "units");
        assertThat(space.gridAxes()).containsEntry("hidden_layer_sizes", List.of("50", "100,50"));
        NetworkConfig c = space.config(ParamSource.fixed(Map.of("hidden_layer_sizes", "100,50", "activation", "tanh",
                "dropout", 0.0, "optimizer", "rmsprop", "lr", 0.001, "l2", 1e-5, "batch_size", 32)));
        assertThat(c.hidden()).containsExactly(100, 50);
        assertThat(c.epochs()).isEqualTo(7);
        assertThat(c.optimizer()).isEqualTo("rmsprop");
    }

    @Test
    void badDescriptionsSayWhatAndWhere() {
        assertThatThrownBy(() -> MlpSpace.fromSpec(Map.of("learning_rat", 0.1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'learning_rat'").hasMessageContaining("lr");
        assertThatThrownBy(() -> MlpSpace.fromSpec(Map.of("lr", Map.of("low", 1e-3))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'lr'").hasMessageContaining("high");
        assertThatThrownBy(() -> MlpSpace.fromSpec(Map.of("lr", Map.of("low", 0.0, "high", 1.0, "log", true))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("low must be > 0");
        assertThatThrownBy(() -> MlpSpace.fromSpec(Map.of("hidden", "10", "layers", 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'hidden' and 'layers'");
        assertThatThrownBy(() -> MlpSpace.fromSpec(Map.of("defaults", "python")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("search, fixed or sklearn");
        assertThatThrownBy(() -> MlpSpace.fromSpec(Map.of("hidden", List.of(List.of(10, "x")))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x is not an integer");
        assertThatThrownBy(() -> MlpSpace.builder().fix("optimizer", "lbfgs").build().config(ParamSource.fixed(mlpParams())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'lbfgs'");
        assertThatThrownBy(() -> MlpSpace.builder().fix("epochs", 2.5).build().config(ParamSource.fixed(mlpParams())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epochs");
        assertThatThrownBy(() -> ParamSource.fixed(Map.of()).suggestFloat("lr", 0, 1, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'lr' has no value");
    }

    /**
     * A number or a boolean given as a string is shown quoted, as a string: "takes numbers, got 8"
     * read as a contradiction.
     */
    @Test
    void aStringWhereANumberOrABooleanBelongsIsShownQuoted() {
        assertThatThrownBy(() -> GridSearchCV.of(Map.of("units", List.of("8"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes numbers, got the string \"8\"");
        assertThatThrownBy(() -> MlpSpace.builder().fix("lr", "0.01").build().config(ParamSource.fixed(mlpParams())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'lr' takes numbers, got the string \"0.01\"");
        assertThatThrownBy(() -> MlpSpace.builder().fix("batch_norm", "true").build().config(ParamSource.fixed(mlpParams())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'batch_norm' is true or false, got the string \"true\"");
        // a value of another type is shown as it is
        assertThatThrownBy(() -> MlpSpace.builder().fix("lr", true).build().config(ParamSource.fixed(mlpParams())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'lr' takes numbers, got true");
    }

    @Test
    void sklearnDefaultsAreMlpClassifiers() {
        NetworkConfig c = MlpSpace.builder().sklearnDefaults().build().config(ParamSource.fixed(Map.of()));
        assertThat(c.sklearn()).isTrue();
        assertThat(c.hidden()).containsExactly(100);
        assertThat(c.optimizer()).isEqualTo("adam");
        assertThat(c.lr()).isEqualTo(1e-3);
        assertThat(c.l2()).isEqualTo(1e-4);
        assertThat(c.batchFor(1000)).isEqualTo(200);
        assertThat(c.batchFor(96)).isEqualTo(96);
        assertThat(c.epochs()).isEqualTo(1000);
        assertThat(c.preprocessing()).isEqualTo("none");
        // learning_rate acts only with sgd, as in scikit-learn
        NetworkConfig adaptive = new NetworkConfig(c.convFilters(), c.kernel(), c.pool(), c.hidden(), c.activation(),
                c.dropout(), c.batchNorm(), c.optimizer(), c.lr(), c.momentum(), c.nesterov(), c.beta1(), c.beta2(), c.l1(),
                c.l2(), c.batchSize(), c.epochs(), "adaptive", c.earlyStopping(), c.preprocessing(), true, c.sequence());
        assertThat(adaptive.effective()).isEqualTo(c);
        assertThat(adaptive.scheduleValue()).isEqualTo(c.scheduleValue());
    }

    @Test
    void cnnSpaceAsksFiltersPerBlock() {
        Map<String, Object> p = new HashMap<>(mlpParams());
        p.put("conv_blocks", 2);
        p.put("filters_1", 8);
        p.put("filters_2", 16);
        p.put("kernel", 3);
        p.put("pool", "max");
        p.put("layers", 1);
        p.put("units_1", 32);
        p.put("batch_norm", true);
        p.put("activation", "relu");
        ParamSource src = ParamSource.fixed(p);
        NetworkConfig c = CnnSpace.defaults().config(src);
        assertThat(c.convFilters()).containsExactly(8, 16);
        assertThat(c.hidden()).containsExactly(32);
        assertThat(c.batchNorm()).isTrue();
        assertThat(src.params()).doesNotContainKey("filters_3");
    }

    @Test
    void aRangeWithAStepIsASteppedDistributionAndItsPointsAreAGridAxis() {
        assertThat(ParamSpec.parse("units", Map.of("low", 16, "high", 64, "step", 16))).isEqualTo(new ParamSpec.IntRange(16, 64, false, 16));
        assertThat(ParamSpec.parse("dropout", Map.of("low", 0, "high", 0.5, "step", 0.1)))
                .isEqualTo(new ParamSpec.FloatRange(0, 0.5, false, 0.1));
        assertThat(ParamSpec.parse("units", Map.of("low", 16, "high", 64))).isEqualTo(new ParamSpec.IntRange(16, 64, false));
        assertThatThrownBy(() -> ParamSpec.parse("units", Map.of("low", 16, "high", 64, "step", 2.5, "type", "int")))
                .hasMessageContaining("parameter 'units'").hasMessageContaining("integer step");
        assertThatThrownBy(() -> ParamSpec.parse("lr", Map.of("low", 0.1, "high", 1, "step", 0.1, "log", true)))
                .hasMessageContaining("a log range cannot have a step");
        assertThatThrownBy(() -> ParamSpec.parse("lr", Map.of("low", 0.1, "high", 1, "step", -0.1)))
                .hasMessageContaining("step must be > 0");

        // a stored study compares its space by text: a range without a step reads as it did before steps were kept
        assertThat(new ParamSpec.FloatRange(1e-4, 0.1, true)).hasToString("FloatRange[low=1.0E-4, high=0.1, log=true]");
        assertThat(new ParamSpec.IntRange(16, 64, false)).hasToString("IntRange[low=16, high=64, log=false]");
        assertThat(new ParamSpec.IntRange(16, 64, false, 16)).hasToString("IntRange[low=16, high=64, log=false, step=16]");

        // in a study: the distribution keeps the step, so samplers see the order of the points
        MlpSpace space = (MlpSpace) MlpSpace.defaults().with(Map.of("layers", 1, "units", Map.of("low", 16, "high", 64, "step", 16),
                "dropout", Map.of("low", 0, "high", 0.5, "step", 0.25)));
        Study study = Study.builder("stepped").direction(StudyDirection.MAXIMIZE).sampler(new RandomSampler(1)).seed(1).create();
        study.optimize(trial -> {
            NetworkConfig c = space.config(ParamSource.of(trial));
            assertThat(List.of(16, 32, 48, 64)).contains(c.hidden().get(0));
            assertThat(List.of(0.0, 0.25, 0.5)).contains(c.dropout());
            return 0;
        }, 10);
        for (FrozenTrial t : study.trials()) {
            assertThat(t.distributions().get("units_1")).isEqualTo(new org.nntune.tune.space.IntDistribution(16, 64, false, 16));
            assertThat(t.distributions().get("dropout")).isEqualTo(org.nntune.tune.space.FloatDistribution.stepped(0, 0.5, 0.25));
        }
        // a grid enumerates them; a range without a step is no axis
        assertThat(space.gridAxes()).containsEntry("dropout", List.of(0.0, 0.25, 0.5));
        assertThat(((MlpSpace) space.with(Map.of("dropout", Map.of("low", 0, "high", 0.5)))).gridAxes()).doesNotContainKey("dropout");
        // the refit's fixed values must lie on the points
        Map<String, Object> off = new HashMap<>(Map.of("units_1", 40, "dropout", 0.25));
        assertThatThrownBy(() -> space.config(ParamSource.fixed(off))).hasMessageContaining("'units_1' = 40 is not one of 16, 32");
    }

    /** A number beyond Java's int wrapped around (4294967304 units trained an 8-unit network): refused by name. */
    @Test
    void integersBeyondAnIntAreRefusedNotWrappedAround() {
        assertThatThrownBy(() -> MlpSpace.defaults().with(Map.of("layers", 1, "units", List.of(4294967304L))))
                .hasMessageContaining("4294967304 is out of range");
        assertThatThrownBy(() -> MlpSpace.defaults().with(Map.of("units", Map.of("low", 8L, "high", 3_200_000_000L))))
                .hasMessageContaining("high 3200000000 is out of range");
        assertThatThrownBy(() -> MlpSpace.defaults().with(Map.of("hidden", List.of(List.of(4294967304L)))))
                .hasMessageContaining("4294967304 is out of range");
        assertThatThrownBy(() -> GridSearchCV.of(Map.of("units", List.of(4294967304L), "epochs", List.of(2))))
                .hasMessageContaining("4294967304 is out of range");
    }
}
