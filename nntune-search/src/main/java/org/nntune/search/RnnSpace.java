package org.nntune.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sequence networks: for text (token ids from a {@link org.nntune.nn.data.TextEncoder}) an
 * embedding, then an LSTM or GRU with a readout over time, or the text CNN baseline
 * ({@code cell: cnn}: a 1-D convolution with global max pooling), then an optional dense head
 * and the output layer; for numeric series ({@code [time, features]} inputs) the same without
 * the embedding. See {@link SequenceNet} for the sequence part.
 *
 * <p>Parameters beyond {@link NetworkSpace}'s: {@code cell} (lstm, gru, cnn), {@code embedding},
 * {@code hidden_size}, {@code rnn_layers}, {@code bidirectional}, {@code readout} (last, mean,
 * max) for lstm/gru; {@code filters} and {@code kernel} for cnn; {@code max_length} and
 * {@code vocab_size} (token limits within the encoded data's), {@code clip_norm} (0 = off).
 * {@code dropout} is the dropout between stacked recurrent layers and after the readout.
 *
 * <p>Search defaults ({@link #builder()}): cell lstm or gru, embedding 16..128 log, hidden_size
 * 16..128 log, rnn_layers 1, bidirectional false or true, readout last, mean or max, dropout
 * 0..0.5, max_length 200, vocab_size 20,000, clip_norm 1.0, filters 64, kernel 3, no dense head,
 * optimizer adam, lr 3e-4..1e-2 log, batch_size 32 or 64, 5 epochs, no preprocessing.
 */
public final class RnnSpace extends NetworkSpace {

    static final List<String> KNOWN;

    static {
        List<String> k = new ArrayList<>(List.of("cell", "embedding", "hidden_size", "rnn_layers", "bidirectional", "readout",
                "max_length", "vocab_size", "clip_norm", "filters", "kernel"));
        k.addAll(MlpSpace.KNOWN);
        KNOWN = List.copyOf(k);
    }

    private RnnSpace(Builder b) {
        super(b.entries, false);
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
    public static RnnSpace defaults() {
        return builder().build();
    }

    /** A space from its declarative description: the search defaults, then every key set by {@link Builder#set}. */
    public static RnnSpace fromSpec(Map<String, ?> spec) {
        Builder b = builder();
        MlpSpace.checkNotBoth(spec);
        spec.forEach(b::set);
        return b.build();
    }

    @Override
    public NetworkConfig config(ParamSource source) {
        String preprocessing = drawString(source, "preprocessing");
        String cell = drawString(source, "cell");
        NetworkConfig.oneOf("cell", cell, SequenceNet.CELLS);
        int embedding = drawInt(source, "embedding");
        int hiddenSize = 1;
        int layers = 1;
        boolean bidirectional = false;
        String readout = "last";
        int filters = 1;
        int kernel = 1;
        if (cell.equals("cnn")) {
            filters = drawInt(source, "filters");
            kernel = drawInt(source, "kernel");
        } else {
            hiddenSize = drawInt(source, "hidden_size");
            layers = drawInt(source, "rnn_layers");
            bidirectional = drawBoolean(source, "bidirectional");
            readout = drawString(source, "readout");
        }
        double dropout = drawDouble(source, "dropout");
        int maxLength = drawInt(source, "max_length");
        int vocab = drawInt(source, "vocab_size");
        double clip = drawDouble(source, "clip_norm");
        SequenceNet seq = new SequenceNet(cell, embedding, hiddenSize, layers, bidirectional, dropout, readout, maxLength, vocab,
                filters, kernel, clip);
        List<Integer> hidden = drawHidden(source);
        return drawTraining(source, preprocessing, List.of(), 3, "none", hidden, Optional.of(seq));
    }

    @Override
    public RnnSpace with(Map<String, ?> params) {
        Builder b = builder();
        b.entries.clear();
        b.entries.putAll(entries());
        requireOneNameEach(params.keySet());
        params.forEach(b::set);
        b.warmupMayFillRun = params.keySet().stream().anyMatch(k -> canonicalName(k).equals("epochs"));
        return b.build();
    }

    @Override
    public String toString() {
        return "RnnSpace" + params();
    }

    /** Builds an {@link RnnSpace}; starts from the search defaults. */
    public static final class Builder extends NetworkSpace.AbstractBuilder<Builder> {
        private Builder() {
            searchDefaults();
        }

        /** Resets to the search defaults (the class comment's list). */
        public Builder searchDefaults() {
            entries.clear();
            sklearn = false;
            fixedMode = false;
            put("preprocessing", ParamSpec.fixed("none"));
            put("cell", ParamSpec.choice("lstm", "gru"));
            put("embedding", ParamSpec.logIntRange(16, 128));
            put("hidden_size", ParamSpec.logIntRange(16, 128));
            put("rnn_layers", ParamSpec.fixed(1));
            put("bidirectional", ParamSpec.choice(false, true));
            put("readout", ParamSpec.choice("last", "mean", "max"));
            put("max_length", ParamSpec.fixed(200));
            put("vocab_size", ParamSpec.fixed(20_000));
            put("clip_norm", ParamSpec.fixed(1.0));
            put("filters", ParamSpec.fixed(64));
            put("kernel", ParamSpec.fixed(3));
            put("layers", ParamSpec.fixed(0));
            put("units", ParamSpec.fixed(64));
            put("activation", ParamSpec.fixed("relu"));
            put("dropout", ParamSpec.range(0, 0.5));
            put("batch_norm", ParamSpec.fixed(false));
            put("optimizer", ParamSpec.fixed("adam"));
            put("lr", ParamSpec.logRange(3e-4, 1e-2));
            put("momentum", ParamSpec.fixed(0.9));
            put("nesterov", ParamSpec.fixed(false));
            put("beta1", ParamSpec.fixed(0.9));
            put("beta2", ParamSpec.fixed(0.999));
            put("l1", ParamSpec.fixed(0.0));
            put("l2", ParamSpec.fixed(0.0));
            put("batch_size", ParamSpec.choice(32, 64));
            put("epochs", ParamSpec.fixed(5));
            put("schedule", ParamSpec.fixed("constant"));
            put("early_stopping", ParamSpec.fixed(0));
            return this;
        }

        /**
         * Resets to one fixed network (nothing searched): an LSTM of 64 units over 64-wide embeddings,
         * one layer, one direction, the last step read out, texts cut at 200 tokens of a 20,000-word
         * vocabulary, gradients clipped at norm 1, no dense head, no preprocessing, then the shared
         * fixed training with no L2, batch 32 and 5 epochs.
         */
        @Override
        public Builder fixedDefaults() {
            entries.clear();
            put("cell", ParamSpec.fixed("lstm"));
            put("embedding", ParamSpec.fixed(64));
            put("hidden_size", ParamSpec.fixed(64));
            put("rnn_layers", ParamSpec.fixed(1));
            put("bidirectional", ParamSpec.fixed(false));
            put("readout", ParamSpec.fixed("last"));
            put("max_length", ParamSpec.fixed(200));
            put("vocab_size", ParamSpec.fixed(20_000));
            put("clip_norm", ParamSpec.fixed(1.0));
            put("filters", ParamSpec.fixed(64));
            put("kernel", ParamSpec.fixed(3));
            put("layers", ParamSpec.fixed(0));
            put("units", ParamSpec.fixed(64));
            fixedTraining(0.0, 32, 5);
            put("preprocessing", ParamSpec.fixed("none"));
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
            return name.equals("layers") ? 1 : 64;
        }

        @Override
        List<String> known() {
            return KNOWN;
        }

        @Override
        ParamSpec defaultRange(String name) {
            return switch (name) {
                case "cell" -> ParamSpec.choice("lstm", "gru", "cnn");
                case "embedding", "hidden_size" -> ParamSpec.logIntRange(16, 128);
                case "rnn_layers" -> ParamSpec.intRange(1, 2);
                case "bidirectional" -> ParamSpec.choice(false, true);
                case "readout" -> ParamSpec.choice("last", "mean", "max");
                case "max_length" -> ParamSpec.intRange(50, 200);
                case "vocab_size" -> ParamSpec.logIntRange(1_000, 20_000);
                case "clip_norm" -> ParamSpec.logRange(0.1, 5);
                case "filters" -> ParamSpec.logIntRange(16, 128);
                case "kernel" -> ParamSpec.choice(3, 5);
                case "layers" -> ParamSpec.intRange(0, 1);
                case "lr" -> ParamSpec.logRange(3e-4, 1e-2);
                case "batch_size" -> ParamSpec.choice(32, 64);
                case "epochs" -> ParamSpec.intRange(2, 10);
                default -> MlpSpace.builder().defaultRange(name);
            };
        }

        /** The cells to choose from: lstm, gru, cnn. */
        public Builder cell(String... cells) {
            return choices("cell", (Object[]) cells);
        }

        /**
         * @return the space as set so far; the builder may go on to make others
         * @throws InvalidValueException if the space may draw lr_adapt with an optimiser other than
         *     sgd or adam, or an implicit l2_adapt with adamw (so that no trial fails on the combination)
         */
        public RnnSpace build() {
            checkHypergradient();
            checkImplicitL2();
            checkScheduleSettings(warmupMayFillRun);
            return new RnnSpace(this);
        }
    }
}
