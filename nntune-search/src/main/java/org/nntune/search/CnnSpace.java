package org.nntune.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Small convolutional networks for images ({@code [channels, height, width]} inputs): blocks of
 * convolution ("same" padding), optional batch normalisation, activation and 2×2 pooling, then a
 * dense head and the output layer. Parameter names in {@link NetworkSpace}; search defaults
 * ({@link #builder()}): conv_blocks 1..2, filters (filters_1…) 8..64 log, kernel 3 or 5, pool max
 * or avg, dense head layers 0..1 of 32..256 units (log), activation relu, dropout 0..0.5,
 * batch_norm false or true, optimizer adam or sgd, lr 1e-4..1e-2 log, momentum 0.5..0.99,
 * l2 1e-6..1e-3 log, batch_size 32, 64 or 128, 10 epochs, standard scaling.
 */
public final class CnnSpace extends NetworkSpace {

    static final List<String> KNOWN;

    static {
        List<String> k = new ArrayList<>(List.of("conv_blocks", "filters", "kernel", "pool"));
        k.addAll(MlpSpace.KNOWN);
        KNOWN = List.copyOf(k);
    }

    private CnnSpace(Builder b) {
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
    public static CnnSpace defaults() {
        return builder().build();
    }

    /** A space from its declarative description: the search defaults, then every key set by {@link Builder#set}. */
    public static CnnSpace fromSpec(Map<String, ?> spec) {
        Builder b = builder();
        MlpSpace.checkNotBoth(spec);
        spec.forEach(b::set);
        return b.build();
    }

    @Override
    public NetworkConfig config(ParamSource source) {
        String preprocessing = drawString(source, "preprocessing");
        int blocks = drawInt(source, "conv_blocks");
        if (blocks < 1) {
            throw new IllegalArgumentException("conv_blocks must be >= 1, got " + blocks);
        }
        List<Integer> filters = new ArrayList<>(blocks);
        for (int i = 1; i <= blocks; i++) {
            filters.add(drawInt(source, "filters", "filters_" + i));
        }
        int kernel = drawInt(source, "kernel");
        String pool = drawString(source, "pool");
        List<Integer> hidden = drawHidden(source);
        return drawTraining(source, preprocessing, filters, kernel, pool, hidden);
    }

    @Override
    public CnnSpace with(Map<String, ?> params) {
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
        return "CnnSpace" + params();
    }

    /** Builds a {@link CnnSpace}; starts from the search defaults. */
    public static final class Builder extends NetworkSpace.AbstractBuilder<Builder> {
        private Builder() {
            searchDefaults();
        }

        /** Resets to the search defaults (the class comment's list). */
        public Builder searchDefaults() {
            entries.clear();
            sklearn = false;
            fixedMode = false;
            put("preprocessing", ParamSpec.fixed("standard"));
            put("conv_blocks", ParamSpec.intRange(1, 2));
            put("filters", ParamSpec.logIntRange(8, 64));
            put("kernel", ParamSpec.choice(3, 5));
            put("pool", ParamSpec.choice("max", "avg"));
            put("layers", ParamSpec.intRange(0, 1));
            put("units", ParamSpec.logIntRange(32, 256));
            put("activation", ParamSpec.fixed("relu"));
            put("dropout", ParamSpec.range(0, 0.5));
            put("batch_norm", ParamSpec.choice(false, true));
            put("optimizer", ParamSpec.choice("adam", "sgd"));
            put("lr", ParamSpec.logRange(1e-4, 1e-2));
            put("momentum", ParamSpec.range(0.5, 0.99));
            put("nesterov", ParamSpec.fixed(false));
            put("beta1", ParamSpec.fixed(0.9));
            put("beta2", ParamSpec.fixed(0.999));
            put("l1", ParamSpec.fixed(0.0));
            put("l2", ParamSpec.logRange(1e-6, 1e-3));
            put("batch_size", ParamSpec.choice(32, 64, 128));
            put("epochs", ParamSpec.fixed(10));
            put("schedule", ParamSpec.fixed("constant"));
            put("early_stopping", ParamSpec.fixed(0));
            return this;
        }

        /**
         * Resets to one fixed network (nothing searched): standard scaling, two blocks of 32 3×3
         * filters with max pooling, a dense head of one layer of 128 ReLU units, no dropout, no
         * batch normalisation, Adam at 1e-3 (β 0.9/0.999), no L1/L2, batch 64, 10 epochs, constant
         * schedule, no early stopping.
         */
        @Override
        public Builder fixedDefaults() {
            entries.clear();
            put("conv_blocks", ParamSpec.fixed(2));
            put("filters", ParamSpec.fixed(32));
            put("kernel", ParamSpec.fixed(3));
            put("pool", ParamSpec.fixed("max"));
            put("layers", ParamSpec.fixed(1));
            put("units", ParamSpec.fixed(128));
            fixedTraining(0.0, 64, 10);
            return this;
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
            return name.equals("layers") ? 1 : 128;
        }

        @Override
        List<String> known() {
            return KNOWN;
        }

        @Override
        ParamSpec defaultRange(String name) {
            return switch (name) {
                case "conv_blocks" -> ParamSpec.intRange(1, 3);
                case "filters" -> ParamSpec.logIntRange(8, 64);
                case "kernel" -> ParamSpec.choice(3, 5);
                case "pool" -> ParamSpec.choice("max", "avg", "none");
                case "layers" -> ParamSpec.intRange(0, 2);
                case "units" -> ParamSpec.logIntRange(32, 256);
                case "lr" -> ParamSpec.logRange(1e-4, 1e-2);
                case "l2" -> ParamSpec.logRange(1e-6, 1e-3);
                case "batch_size" -> ParamSpec.choice(32, 64, 128);
                case "epochs" -> ParamSpec.intRange(5, 30);
                default -> MlpSpace.builder().defaultRange(name);
            };
        }

        /**
         * @return the space as set so far; the builder may go on to make others
         * @throws InvalidValueException if the space may draw lr_adapt with an optimiser other than
         *     sgd or adam, or an implicit l2_adapt with adamw (so that no trial fails on the combination)
         */
        public CnnSpace build() {
            checkHypergradient();
            checkImplicitL2();
            checkScheduleSettings(warmupMayFillRun);
            return new CnnSpace(this);
        }
    }
}
