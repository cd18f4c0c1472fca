package org.nntune.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nntune.nn.data.Dataset;
import org.nntune.nn.data.Split;
import org.nntune.nn.data.Splits;
import org.nntune.nn.data.TextEncoder;
import org.nntune.nn.data.TextTable;
import org.nntune.nn.data.TokenLimit;
import org.nntune.nn.layer.Activation;
import org.nntune.nn.layer.Recurrent.Readout;
import org.nntune.nn.loss.Loss;
import org.nntune.nn.model.FitOptions;
import org.nntune.nn.model.Sequential;
import org.nntune.nn.optim.Optimizer;
import org.nntune.nn.tensor.Rng;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sequence layers exported and run in ONNX Runtime on the spam sample (examples/data): the
 * outputs must be nntune's predictions to 1e-5 on the test messages — LSTM, GRU, bidirectional,
 * stacked, every readout, the text CNN, a network over a numeric series — and the text metadata
 * must be enough to turn raw messages into the graph's token ids without nntune.
 */
class OnnxSequenceTest {
    private static final int MAX_LENGTH = 60;
    private static OrtEnvironment env;
    private static TextTable table;
    private static TextEncoder encoder;
    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void data() {
        env = OrtEnvironment.getEnvironment();
        table = TextTable.read(Path.of("..", "examples", "data", "spam-sample.csv.gz"), ',', "text", "label");
        Split split = Splits.stratified(table.labels(), 0.2, Splits.CANONICAL_SEED);
        encoder = table.fit(split.train(), new TextEncoder.Options(TextEncoder.Tokens.WORDS, MAX_LENGTH, 2000, 2));
        Dataset all = encoder.encode(table, "spam-sample");
        train = split.train(all);
        test = split.test(all);
    }

    private static Sequential.Builder text(long seed) {
        return Sequential.builder().input(MAX_LENGTH).embedding(encoder.vocabularySize(), 16, TextEncoder.PADDING).seed(seed);
    }

    @Test
    void lstm() throws Exception {
        assertAgrees(text(1).lstm(16, 1, false, 0, Readout.LAST).dense(2).build());
    }

    @Test
    void gru() throws Exception {
        assertAgrees(text(2).gru(16, 1, false, 0, Readout.LAST).dense(2).build());
    }

    @Test
    void bidirectionalLstmAndGruWithEveryReadout() throws Exception {
        assertAgrees(text(3).lstm(12, 1, true, 0, Readout.LAST).dense(2).build());
        assertAgrees(text(4).gru(12, 1, true, 0, Readout.MEAN).dense(2).build());
        assertAgrees(text(5).lstm(12, 1, true, 0, Readout.MAX).dense(2).build());
    }

    @Test
    void stackedLayersDropoutBetweenThemAndSequenceReadouts() throws Exception {
        assertAgrees(text(6).lstm(12, 2, true, 0.2, Readout.LAST).dense(2).build());
        assertAgrees(text(7).gru(12, 3, false, 0.1, Readout.MAX).dense(2).build());
        // two recurrent layers stacked through the sequence readout, a dense over the whole sequence
        assertAgrees(text(8).gru(8, 1, true, 0, Readout.SEQUENCE).lstm(8, 1, false, 0, Readout.MEAN).dense(2).build());
        assertAgrees(text(9).lstm(4, 1, false, 0, Readout.SEQUENCE).dropout(0.1).dense(2).build());
    }

    @Test
    void textCnn() throws Exception {
        assertAgrees(text(10).conv1d(16, 3).dense(8, Activation.RELU).dense(2).build());
    }

    /** A search tunes the vocabulary and length over data encoded once: its token limit is a graph step too. */
    @Test
    void aSearchsTokenLimitNarrowsTheIdsInTheGraph() throws Exception {
        assertAgrees(text(15).preprocessing(new TokenLimit(MAX_LENGTH, 300, 25)).gru(8, 1, true, 0, Readout.LAST).dense(2).build());
    }

    @Test
    void rowsOfPaddingOnlyAndSingleTokens() throws Exception {
        Sequential model = text(11).lstm(8, 1, true, 0, Readout.MAX).dense(2).build();
        fit(model);
        float[] ids = new float[3 * MAX_LENGTH];
        ids[MAX_LENGTH] = 5;                         // row 1: one token
        ids[2 * MAX_LENGTH + MAX_LENGTH - 1] = 7;    // row 2: one token at the end, padding before it
        assertOutputsAgree(model, ids, 3);
        Sequential gru = text(12).gru(8, 1, true, 0, Readout.MEAN).dense(2).build();
        fit(gru);
        assertOutputsAgree(gru, ids, 3);
        Sequential cnn = text(13).conv1d(4, 5).dense(2).build();
        fit(cnn);
        assertOutputsAgree(cnn, ids, 3);
    }

    @Test
    void aNumericSeriesThroughAGruAndAConv1d() throws Exception {
        int time = 12;
        int features = 3;
        int n = 64;
        Rng rng = new Rng(3);
        float[] x = new float[n * time * features];
        float[] y = new float[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            y[i] = x[i * time * features + (time - 1) * features] + 0.5f * x[i * time * features + 1];
        }
        Dataset series = Dataset.regression("series", x, new int[] {time, features}, y, 1, List.of());
        for (Sequential model : List.of(
                Sequential.builder().input(time, features).gru(8, 2, true, 0, Readout.LAST).dense(1).loss(Loss.mse()).seed(1).build(),
                Sequential.builder().input(time, features).lstm(8, 1, false, 0, Readout.MAX).dense(1).loss(Loss.mse()).seed(2).build(),
                Sequential.builder().input(time, features).conv1d(6, 4).dense(1).loss(Loss.mse()).seed(3).build())) {
            model.fit(series, FitOptions.builder().epochs(3).batchSize(16).seed(5).optimizer(Optimizer.adam(0.01)).build());
            float[] expected = model.outputs(x, n);
            float[][] actual;
            try (OrtSession s = session(OnnxExport.toBytes(model));
                 OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {n, (long) time * features});
                 OrtSession.Result r = s.run(Map.of("input", in))) {
                actual = (float[][]) r.get("output").orElseThrow().getValue();
            }
            assertThat(worst(expected, actual, n)).as(model.summary()).isLessThanOrEqualTo(OnnxRuntimeTest.TOLERANCE);
        }
    }

    /**
     * Raw messages to token ids with nothing but the exported metadata (the documented
     * tokenizer, in plain Java regex), run in ONNX Runtime: nntune's predictions on the same texts.
     */
    @Test
    void theTextMetadataTurnsRawMessagesIntoTheGraphsTokenIds() throws Exception {
        Sequential model = text(14).gru(16, 1, false, 0, Readout.LAST).dense(2).build();
        fit(model);
        Map<String, String> meta;
        byte[] onnx = OnnxExport.toBytes(model, OnnxExport.textMetadata(encoder));
        List<String> texts = new ArrayList<>();
        for (int r = 0; r < 40; r++) {
            texts.add(table.text(r));
        }
        texts.add("");                                     // empty: one unknown token
        texts.add("Zyzzyva QUUX; don't   ");               // unknown words, an apostrophe
        try (OrtSession s = session(onnx)) {
            meta = s.getMetadata().getCustomMetadata();
        }
        assertThat(meta.get("nntune.text.tokenizer")).isEqualTo("words"); // bare, for a program to compare
        assertThat(meta.get("nntune.text.tokenizer_rule")).contains("re.findall");
        assertThat(meta.get("nntune.class_names")).isEqualTo(OnnxExport.jsonArray(encoder.classNames()));
        int maxLength = Integer.parseInt(meta.get("nntune.text.max_length"));
        int pad = Integer.parseInt(meta.get("nntune.text.padding_id"));
        int unknown = Integer.parseInt(meta.get("nntune.text.unknown_id"));
        List<String> vocabulary = parseJsonStrings(meta.get("nntune.text.vocabulary"));
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < vocabulary.size(); i++) {
            ids.put(vocabulary.get(i), i + 2);
        }
        long[] tokenIds = new long[texts.size() * maxLength];
        java.util.Arrays.fill(tokenIds, pad);
        Pattern word = Pattern.compile("[a-z0-9']+");
        for (int r = 0; r < texts.size(); r++) {
            Matcher m = word.matcher(texts.get(r).toLowerCase(Locale.ROOT));
            int t = 0;
            while (t < maxLength && m.find()) {
                tokenIds[r * maxLength + t++] = ids.getOrDefault(m.group(), unknown);
            }
            if (t == 0) {
                tokenIds[r * maxLength] = unknown;
            }
        }
        TextEncoder.Encoded e = encoder.encode(texts);
        for (int i = 0; i < tokenIds.length; i++) {
            assertThat(tokenIds[i]).as("token id %d", i).isEqualTo((long) e.ids()[i]);
        }
        float[] expected = model.outputs(e.ids(), texts.size());
        assertThat(worst(expected, run(onnx, tokenIds, texts.size()), texts.size())).isLessThanOrEqualTo(OnnxRuntimeTest.TOLERANCE);
    }

    private static List<String> parseJsonStrings(String json) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        while (m.find()) {
            out.add(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        return out;
    }

    private static void fit(Sequential model) {
        model.fit(train, FitOptions.builder().epochs(1).batchSize(32).seed(3).optimizer(Optimizer.adam(0.01)).build());
    }

    /** Trains for an epoch, exports, and compares ONNX Runtime with nntune on the test messages. */
    private static void assertAgrees(Sequential model) throws Exception {
        fit(model);
        assertOutputsAgree(model, test.features(), test.size());
    }

    private static void assertOutputsAgree(Sequential model, float[] ids, int n) throws Exception {
        long[] tokens = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            tokens[i] = (long) ids[i];
        }
        float[] expected = model.outputs(ids, n);
        double worst = worst(expected, run(OnnxExport.toBytes(model), tokens, n), n);
        assertThat(worst).as("largest difference between ONNX Runtime and nntune, %s", model.summary())
                .isLessThanOrEqualTo(OnnxRuntimeTest.TOLERANCE);
    }

    private static double worst(float[] expected, float[][] actual, int n) {
        assertThat(actual.length).isEqualTo(n);
        int k = expected.length / n;
        double worst = 0;
        for (int i = 0; i < n; i++) {
            assertThat(actual[i]).hasSize(k);
            for (int j = 0; j < k; j++) {
                worst = Math.max(worst, Math.abs(actual[i][j] - expected[i * k + j]));
            }
        }
        return worst;
    }

    private static OrtSession session(byte[] onnx) throws Exception {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            return env.createSession(onnx, options);
        }
    }

    private static float[][] run(byte[] onnx, long[] tokens, int n) throws Exception {
        try (OrtSession s = session(onnx);
             OnnxTensor in = OnnxTensor.createTensor(env, LongBuffer.wrap(tokens), new long[] {n, tokens.length / n});
             OrtSession.Result r = s.run(Map.of("input", in))) {
            return (float[][]) r.get("output").orElseThrow().getValue();
        }
    }
}
