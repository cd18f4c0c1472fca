package org.nntune.nn.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nntune.nn.layer.Embedding;
import org.nntune.nn.layer.GRU;
import org.nntune.nn.layer.LSTM;
import org.nntune.nn.layer.Layer;
import org.nntune.nn.layer.Param;
import org.nntune.nn.layer.Pass;
import org.nntune.nn.layer.Recurrent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Parity of Embedding, LSTM and GRU with PyTorch over batches of mixed lengths: the references in
 * parity/torch_rnn_parity.txt come from nntune-bench/scripts/torch_rnn_parity.py (pack_padded_sequence);
 * outputs and every weight gradient must satisfy |a − b| ≤ 1e-5 + 1e-4·|b|, as {@link TorchParityTest}.
 */
class TorchRecurrentParityTest {
    private static final Map<String, float[]> REF = TorchParityTest.read("/parity/torch_rnn_parity.txt");

    private static float[] ref(String name) {
        float[] v = REF.get(name);
        if (v == null) {
            fail("no reference '" + name + "' in torch_rnn_parity.txt; rerun nntune-bench/scripts/torch_rnn_parity.py");
        }
        return v;
    }

    @ParameterizedTest
    @CsvSource({
            "emb_lstm_last,           lstm, 4, 3, 1, false, LAST,     7, 10",
            "emb_gru_last,            gru,  4, 3, 1, false, LAST,     6, 9",
            "lstm_stacked_bi_last,    lstm, 3, 4, 2, true,  LAST,     6, 0",
            "gru_stacked_bi_sequence, gru,  3, 4, 2, true,  SEQUENCE, 7, 0",
            "lstm_bi_mean,            lstm, 3, 3, 1, true,  MEAN,     5, 0",
            "emb_gru_bi_max,          gru,  5, 3, 2, true,  MAX,      8, 12"})
    void outputsAndWeightGradientsMatchPyTorch(String name, String cell, int features, int hidden, int layers, boolean bi,
                                               Recurrent.Readout readout, int time, int vocab) {
        float[] x = ref(name + ".x");
        float[] lenF = ref(name + ".len");
        int n = lenF.length;
        int[] len = new int[n];
        for (int i = 0; i < n; i++) {
            len[i] = (int) lenF[i];
        }
        Embedding emb = vocab > 0 ? new Embedding(vocab, features, 0) : null;
        Recurrent rnn = cell.equals("lstm") ? new LSTM(hidden, layers, bi, 0, readout) : new GRU(hidden, layers, bi, 0, readout);
        if (emb != null) {
            emb.build(new int[] {time});
        }
        rnn.build(new int[] {time, features});
        List<Param> params = new ArrayList<>();
        if (emb != null) {
            params.addAll(emb.params());
        }
        params.addAll(rnn.params());
        for (int i = 0; i < params.size(); i++) {
            float[] v = ref(name + ".param." + i);
            assertThat(v).as(name + " parameter " + i + " (" + params.get(i).name() + ")").hasSize(params.get(i).size());
            System.arraycopy(v, 0, params.get(i).value().data(), 0, v.length);
        }
        float[] seq = x;
        Layer.Cache embCache = null;
        if (emb != null) {
            int[] fromPadding = new int[n];
            Embedding.lengths(x, n, time, 0, fromPadding);
            assertThat(fromPadding).as("lengths read from the padding").containsExactly(len);
            embCache = emb.newCache(n);
            seq = new float[n * time * features];
            emb.forward(x, seq, n, embCache, Pass.eval());
        }
        Layer.Cache cache = rnn.newCache(n);
        rnn.setLengths(cache, len, n);
        float[] y = new float[n * rnn.outputSize()];
        rnn.forward(seq, y, n, cache, Pass.eval());
        TorchParityTest.assertParity(y, ref(name + ".out"), name + " output");
        float[] dSeq = new float[seq.length];
        rnn.backward(seq, y, ref(name + ".r"), emb != null ? dSeq : null, n, cache);
        if (emb != null) {
            emb.backward(x, seq, dSeq, null, n, embCache);
        }
        for (int i = 0; i < params.size(); i++) {
            TorchParityTest.assertParity(params.get(i).grad().data(), ref(name + ".grad." + i),
                    name + " gradient of " + params.get(i).name());
        }
    }
}
