package org.nntune.search;

import java.util.List;
import java.util.Map;

/**
 * Multi-layer perceptrons: dense hidden layers and their training (parameter names in
 * {@link NetworkSpace}). Search defaults ({@link #builder()}):
 * <table>
 * <caption>default search space</caption>
 * <tr><th>parameter</th><th>default</th><th>range for {@code search(name)}</th></tr>
 * <tr><td>preprocessing</td><td>standard</td><td>none, standard, minmax</td></tr>
 * <tr><td>layers</td><td>1..3</td><td>1..3</td></tr>
 * <tr><td>units (units_1…)</td><td>16..256 log</td><td>16..256 log</td></tr>
 * <tr><td>activation</td><td>relu, tanh</td><td>relu, tanh, elu, gelu</td></tr>
 * <tr><td>dropout</td><td>0..0.5</td><td>0..0.5</td></tr>
 * <tr><td>batch_norm</td><td>false</td><td>false, true</td></tr>
 * <tr><td>optimizer</td><td>adam, sgd, rmsprop</td><td>adam, sgd, rmsprop, adamw</td></tr>
 * <tr><td>lr</td><td>1e-4..1e-1 log</td><td>1e-4..1e-1 log</td></tr>
 * <tr><td>momentum (sgd)</td><td>0.5..0.99</td><td>0.5..0.99</td></tr>
 * <tr><td>nesterov (sgd)</td><td>false</td><td>false, true</td></tr>
 * <tr><td>beta1, beta2 (adam)</td><td>0.9, 0.999</td><td>0.8..0.99, 0.99..0.9999</td></tr>
 * <tr><td>l1</td><td>0</td><td>1e-7..1e-3 log</td></tr>
 * <tr><td>l2</td><td>1e-6..1e-2 log</td><td>1e-6..1e-2 log</td></tr>
 * <tr><td>batch_size</td><td>32, 64, 128, 256</td><td>32, 64, 128, 256</td></tr>
 * <tr><td>epochs</td><td>20</td><td>10..100</td></tr>
 * <tr><td>schedule</td><td>constant</td><td>constant, cosine, step, adaptive</td></tr>
 * <tr><td>step_size (step)</td><td>a third of the epochs after the warm-up (not drawn unless set)</td><td>1..10</td></tr>
 * <tr><td>gamma (step, exponential)</td><td>0.1 (step), 0.95 (exponential) (not drawn unless set)</td><td>0.1..0.99</td></tr>
 * <tr><td>min_lr (cosine)</td><td>0 (not drawn unless set)</td><td>1e-7..1e-5 log</td></tr>
 * <tr><td>warmup_epochs (any schedule)</td><td>0 (not drawn unless set)</td><td>0..5</td></tr>
 * <tr><td>early_stopping</td><td>0 (off)</td><td>0, 5, 10</td></tr>
 * <tr><td>lr_adapt</td><td>none (not drawn unless set)</td><td>none, hypergradient</td></tr>
 * <tr><td>hyper_lr (hypergradient)</td><td>1e-4 (hypergradient_multiplicative: 0.5, hypergradient_standardized: 0.1) (not drawn unless set)</td><td>1e-6..1e-2 log</td></tr>
 * <tr><td>l2_adapt</td><td>none (not drawn unless set)</td><td>none, implicit, implicit_loss</td></tr>
 * <tr><td>l2_hyper_lr (implicit)</td><td>0.05 (not drawn unless set)</td><td>1e-3..0.5 log</td></tr>
 * <tr><td>l2_steps (implicit)</td><td>10 (not drawn unless set)</td><td>1..50</td></tr>
 * <tr><td>neumann_terms (implicit)</td><td>10 with sgd, else 5 (not drawn unless set)</td><td>0..20</td></tr>
 * <tr><td>l2_validation (implicit)</td><td>0.1 (not drawn unless set)</td><td>0.05..0.5</td></tr>
 * </table>
 * {@code lr_adapt: hypergradient} starts the rate at {@code lr} and lets it adapt itself during
 * training by hypergradient descent (sgd or adam; a schedule scales the adapted rate), with {@code hyper_lr} as the
 * rate's own step; {@code lr_adapt: hypergradient_multiplicative} uses the paper's multiplicative
 * rule with a warm-up and a settling step ({@link org.nntune.nn.optim.Hypergradient#multiplicative}),
 * {@code hyper_lr} then being the rate's relative step, and {@code lr_adapt: hypergradient_standardized}
 * that rule with the cosine standardised by its running moments
 * ({@link org.nntune.nn.optim.Hypergradient#standardized}); the rates per epoch are in each epoch's
 * {@code EpochResult.adaptedRates()}.
 * {@code l2_adapt: implicit} starts each layer's L2 at {@code l2} (1e-4 when it is 0) and tunes it
 * during training by implicit differentiation on an {@code l2_validation} split of the training
 * rows, one hyper-step every {@code l2_steps} training steps ({@link L2Adapt}); the L2 per epoch
 * are in the same map ({@code l2_layer<i>}). Its hypergradient is that of the validation loss at
 * its best temperature ({@link org.nntune.nn.optim.ImplicitL2#calibrated}); {@code l2_adapt:
 * implicit_loss} takes the plain validation loss instead (the paper's objective).
 */
public final class MlpSpace extends NetworkSpace {

    static final List<String> KNOWN = List.of("preprocessing", "hidden", "layers", "units", "activation", "dropout",
            "batch_norm", "optimizer", "lr", "momentum", "nesterov", "beta1", "beta2", "l1", "l2", "batch_size", "epochs",
            "schedule", "early_stopping", "lr_adapt", "hyper_lr", "l2_adapt", "l2_hyper_lr", "l2_steps", "neumann_terms",
            "l2_validation", "class_weight", "step_size", "gamma", "min_lr", "warmup_epochs");

    private MlpSpace(Builder b) {
        super(b.entries, b.sklearn);
    }

    /** The parameter names this family accepts: canonical names, then aliases (for study-file checks and messages). */
    public static List<String> parameterNames() {
        return withAliases(KNOWN);
    }

    /** @return a builder starting from the search defaults (see the class comment) */
    public static Builder builder() {
        return new Builder();
    }

    /** The search defaults. */
    public static MlpSpace defaults() {
        return builder().build();
    }

    /**
     * A space from its declarative description (a study file): the search defaults, or with
     * {@code "defaults": "fixed"} / {@code "sklearn"} the fixed or scikit-learn defaults, then every
     * other key set by {@link Builder#set}. Unknown keys are errors naming them.
     */
    public static MlpSpace fromSpec(Map<String, ?> spec) {
        Builder b = builder();
        Object defaults = spec.get("defaults");
        if (defaults != null) {
            switch (String.valueOf(defaults)) {
                case "search" -> { }
                case "fixed" -> b.fixedDefaults();
                case "sklearn" -> b.sklearnDefaults();
                default -> throw new IllegalArgumentException("'defaults' must be search, fixed or sklearn, got '" + defaults + "'");
            }
        }
        checkNotBoth(spec);
        spec.forEach((k, v) -> {
            if (!k.equals("defaults")) {
                b.set(k, v);
            }
        });
        return b.build();
    }

    /**
     * A description may give the hidden layers as {@code hidden} or as {@code layers}/{@code units},
     * not both, and each hyperparameter under one name ({@link #requireOneNameEach}).
     */
    static void checkNotBoth(Map<String, ?> spec) {
        requireOneNameEach(spec.keySet());
        String hidden = null;
        String layered = null;
        for (String k : spec.keySet()) {
            String c = ALIASES.getOrDefault(k, k);
            if (c.equals("hidden")) {
                hidden = k;
            } else if (c.equals("layers") || c.equals("units")) {
                layered = k;
            }
        }
        if (hidden != null && layered != null) {
            throw new IllegalArgumentException("'" + hidden + "' and '" + layered + "' both describe the hidden layers; give "
                    + "either hidden layer sizes or layers with units");
        }
    }

    @Override
    public NetworkConfig config(ParamSource source) {
        String preprocessing = drawString(source, "preprocessing");
        List<Integer> hidden = drawHidden(source);
        return drawTraining(source, preprocessing, List.of(), 3, "none", hidden);
    }

    @Override
    public MlpSpace with(Map<String, ?> params) {
        Builder b = builder();
        b.entries.clear();
        b.entries.putAll(entries());
        requireOneNameEach(params.keySet());
        b.sklearn = sklearnCompatible();
        params.forEach(b::set);
        b.warmupMayFillRun = params.keySet().stream().anyMatch(k -> canonicalName(k).equals("epochs"));
        return b.build();
    }

    @Override
    public String toString() {
        return "MlpSpace" + params();
    }

    /** Builds an {@link MlpSpace}; starts from the search defaults. */
    public static final class Builder extends NetworkSpace.AbstractBuilder<Builder> {
        private Builder() {
            searchDefaults();
        }

        @Override
        Builder self() {
            return this;
        }

        @Override
        Builder fresh() {
            return new Builder();
        }

        @Override
        public NetworkSpace buildSpace() {
            return build();
        }

        @Override
        Object fixedValue(String name) {
            return name.equals("layers") ? 1 : 100;
        }

        @Override
        List<String> known() {
            return KNOWN;
        }

        @Override
        ParamSpec defaultRange(String name) {
            return switch (name) {
                case "preprocessing" -> ParamSpec.choice("none", "standard", "minmax");
                case "hidden" -> ParamSpec.choice("50", "100", "100,50");
                case "layers" -> ParamSpec.intRange(1, 3);
                case "units" -> ParamSpec.logIntRange(16, 256);
                case "activation" -> ParamSpec.choice("relu", "tanh", "elu", "gelu");
                case "dropout" -> ParamSpec.range(0, 0.5);
                case "batch_norm", "nesterov" -> ParamSpec.choice(false, true);
                case "optimizer" -> ParamSpec.choice("adam", "sgd", "rmsprop", "adamw");
                case "lr" -> ParamSpec.logRange(1e-4, 1e-1);
                case "momentum" -> ParamSpec.range(0.5, 0.99);
                case "beta1" -> ParamSpec.range(0.8, 0.99);
                case "beta2" -> ParamSpec.range(0.99, 0.9999);
                case "l1" -> ParamSpec.logRange(1e-7, 1e-3);
                case "l2" -> ParamSpec.logRange(1e-6, 1e-2);
                case "batch_size" -> ParamSpec.choice(32, 64, 128, 256);
                case "epochs" -> ParamSpec.intRange(10, 100);
                case "schedule" -> ParamSpec.choice("constant", "cosine", "step", "adaptive");
                case "early_stopping" -> ParamSpec.choice(0, 5, 10);
                case "lr_adapt" -> ParamSpec.choice("none", "hypergradient");
                case "class_weight" -> ParamSpec.choice("none", "balanced");
                case "step_size" -> ParamSpec.intRange(1, 10);
                case "gamma" -> ParamSpec.range(0.1, 0.99);
                case "min_lr" -> ParamSpec.logRange(1e-7, 1e-5);
                case "warmup_epochs" -> ParamSpec.intRange(0, 5);
                case "hyper_lr" -> ParamSpec.logRange(1e-6, 1e-2);
                case "l2_adapt" -> ParamSpec.choice("none", "implicit", "implicit_loss");
                case "l2_hyper_lr" -> ParamSpec.logRange(1e-3, 0.5);
                case "l2_steps" -> ParamSpec.intRange(1, 50);
                case "neumann_terms" -> ParamSpec.intRange(0, 20);
                case "l2_validation" -> ParamSpec.range(0.05, 0.5);
                default -> throw new IllegalArgumentException("unknown parameter '" + name + "'; known: " + KNOWN);
            };
        }

        /** Resets to the search defaults (the class comment's table). */
        public Builder searchDefaults() {
            entries.clear();
            sklearn = false;
            fixedMode = false;
            put("preprocessing", ParamSpec.fixed("standard"));
            put("layers", ParamSpec.intRange(1, 3));
            put("units", ParamSpec.logIntRange(16, 256));
            put("activation", ParamSpec.choice("relu", "tanh"));
            put("dropout", ParamSpec.range(0, 0.5));
            put("batch_norm", ParamSpec.fixed(false));
            put("optimizer", ParamSpec.choice("adam", "sgd", "rmsprop"));
            put("lr", ParamSpec.logRange(1e-4, 1e-1));
            put("momentum", ParamSpec.range(0.5, 0.99));
            put("nesterov", ParamSpec.fixed(false));
            put("beta1", ParamSpec.fixed(0.9));
            put("beta2", ParamSpec.fixed(0.999));
            put("l1", ParamSpec.fixed(0.0));
            put("l2", ParamSpec.logRange(1e-6, 1e-2));
            put("batch_size", ParamSpec.choice(32, 64, 128, 256));
            put("epochs", ParamSpec.fixed(20));
            put("schedule", ParamSpec.fixed("constant"));
            put("early_stopping", ParamSpec.fixed(0));
            return this;
        }

        /**
         * Resets to one fixed network (nothing searched): standard scaling, one hidden layer of 100
         * ReLU units, no dropout, Adam at 1e-3 (β 0.9/0.999), L2 1e-4, batch 32, 50 epochs, constant
         * schedule, no early stopping. Grids and study files start from here; a parameter set
         * afterwards replaces its fixed value ({@code layers} alone keeps 100 units per layer,
         * {@code units} alone one layer).
         */
        @Override
        public Builder fixedDefaults() {
            entries.clear();
            put("hidden", ParamSpec.fixed("100"));
            fixedTraining(1e-4, 32, 50);
            return this;
        }

        /**
         * Resets to scikit-learn's {@code MLPClassifier(max_iter=1000)} (nothing searched) and turns
         * on its semantics ({@link NetworkConfig#sklearn()}): no preprocessing, one hidden layer of
         * 100 ReLU units with Glorot-uniform weights, Adam (lr 1e-3, β 0.9/0.999, ε 1e-8), batch
         * min(200, n), alpha ({@code l2}) 1e-4 as α·‖W‖²/(2·batch), at most 1000 epochs, stop after
         * 10 epochs without a 1e-4 improvement of the training loss; {@code schedule} (scikit-learn's
         * learning_rate) acts only with SGD; SGD momentum 0.9 with Nesterov.
         */
        public Builder sklearnDefaults() {
            fixedDefaults();
            sklearn = true;
            put("preprocessing", ParamSpec.fixed("none"));
            put("batch_size", ParamSpec.fixed(0));
            put("epochs", ParamSpec.fixed(1000));
            put("nesterov", ParamSpec.fixed(true));
            return this;
        }

        /**
         * @return the space as set so far; the builder may go on to make others
         * @throws InvalidValueException if the space may draw lr_adapt with an optimiser other than
         *     sgd or adam, or an implicit l2_adapt with adamw (so that no trial fails on the combination)
         */
        public MlpSpace build() {
            checkHypergradient();
            checkImplicitL2();
            checkScheduleSettings(warmupMayFillRun);
            return new MlpSpace(this);
        }
    }
}
