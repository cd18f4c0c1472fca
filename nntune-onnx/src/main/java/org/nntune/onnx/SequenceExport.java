package org.nntune.onnx;

import org.nntune.nn.data.TextEncoder;
import org.nntune.nn.data.TokenLimit;
import org.nntune.nn.layer.Conv1D;
import org.nntune.nn.layer.Embedding;
import org.nntune.nn.layer.GRU;
import org.nntune.nn.layer.Param;
import org.nntune.nn.layer.Recurrent;
import org.nntune.onnx.OnnxExport.Attr;
import org.nntune.onnx.OnnxExport.Graph;

import java.util.ArrayList;
import java.util.List;

/**
 * The sequence layers as ONNX nodes. Between layers a sequence is {@code [batch, time, features]}.
 *
 * <p>Each row's length — what nntune's recurrent layers and Conv1D compute over — is made once in
 * the graph, as nntune's {@code Sequential} makes it: after an embedding first layer, the position
 * after the row's last non-padding token id ({@code ReduceMax} of {@code (id ≠ padding) · (t + 1)});
 * for a network over {@code [time, features]} inputs, every row is full length and no length
 * nodes are written.
 *
 * <p>LSTM and GRU are ONNX's LSTM and GRU operators with {@code sequence_lens}: the reverse
 * direction then reads each row from its last real step back, as nntune's does, and {@code Y_h}
 * holds each direction's final state. ONNX orders the gate blocks i, o, f, c (LSTM) and z, r, h
 * (GRU) where nntune and PyTorch order them i, f, g, o and r, z, n, and wants the weights as
 * [directions, gates·hidden, inputs] where nntune keeps inputs × gates·hidden: the blocks are
 * reordered and transposed here. PyTorch's GRU applies the reset gate after the recurrent product
 * and its bias ({@code r ⊙ (h·W_hn + b_hn)}), which is ONNX's {@code linear_before_reset=1}.
 * Readouts: last from {@code Y_h}; mean and max over the real steps from {@code Y} with a step
 * mask (a row of length 0 gives zeros, as in nntune); the whole sequence from {@code Y}, zero at
 * padded steps.
 */
final class SequenceExport {
    private final Graph g;
    private final int time;
    /** The rows' lengths, int32 [batch]; empty when every row is full length. */
    private final String lengths;
    /** bool [time, batch, 1]: whether step t of row b is real; made on first use. */
    private String stepMask = "";

    private SequenceExport(Graph g, int time, String lengths) {
        this.g = g;
        this.time = time;
        this.lengths = lengths;
    }

    /** Rows of token ids (int64 [batch, time]) whose lengths follow from {@code paddingId}. */
    static SequenceExport ofTokenIds(Graph g, String ids, int time, int paddingId) {
        String pad = g.longs("padding_id", new long[0], paddingId);
        String real = g.node("Cast", List.of(g.node("Not", List.of(g.node("Equal", List.of(ids, pad))))), Attr.i("to", 6));
        int[] positions = new int[time];
        for (int t = 0; t < time; t++) {
            positions[t] = t + 1;
        }
        String weighted = g.node("Mul", List.of(real, g.ints("positions", new long[] {time}, positions)));
        String len = g.node("ReduceMax", List.of(weighted), Attr.ints("axes", 1), Attr.i("keepdims", 0));
        return new SequenceExport(g, time, len);
    }

    /**
     * A search's {@link TokenLimit} on int64 ids [batch, time], as nntune applies it: ids at or
     * above its vocabulary become the unknown id, steps from its maximum length on the padding id.
     */
    static String tokenLimit(Graph g, TokenLimit limit, String ids) {
        String known = g.node("Where", List.of(g.node("Less", List.of(ids, g.longs("vocabulary", new long[0], limit.vocabulary()))),
                ids, g.longs("unknown_id", new long[0], TextEncoder.UNKNOWN)));
        int[] steps = new int[limit.featureCount()];
        for (int t = 0; t < steps.length; t++) {
            steps[t] = t;
        }
        String inLimit = g.node("Less", List.of(g.ints("steps", new long[] {1, steps.length}, steps),
                g.ints("max_length", new long[0], limit.maxLength())));
        return g.node("Where", List.of(inLimit, known, g.longs("padding_id", new long[0], TextEncoder.PADDING)));
    }

    /** Rows of {@code [time, features]} values, every row full length. */
    static SequenceExport ofFullRows(Graph g, int time) {
        return new SequenceExport(g, time, "");
    }

    String embedding(Embedding e, String ids) {
        String table = g.floats("embedding_weight", new long[] {e.vocabulary(), e.dim()}, e.params().get(0).value().data());
        return g.node("Gather", List.of(table, ids), Attr.i("axis", 0));
    }

    /** x [batch, time, in[1]] through the layer, to its readout. */
    String recurrent(Recurrent r, String x, int[] in) {
        boolean gru = r instanceof GRU;
        int gates = gru ? 3 : 4;
        // ONNX block b holds nntune's (PyTorch's) block order[b]
        int[] order = gru ? new int[] {1, 0, 2} : new int[] {0, 3, 1, 2};
        int h = r.hidden();
        int d = r.bidirectional() ? 2 : 1;
        int gh = gates * h;
        List<Param> params = r.params();
        String xt = g.node("Transpose", List.of(x), Attr.ints("perm", 1, 0, 2));
        List<String> out = List.of();
        for (int l = 0; l < r.layers(); l++) {
            int inL = l == 0 ? in[1] : d * h;
            float[] w = new float[d * gh * inL];
            float[] rw = new float[d * gh * h];
            float[] b = new float[d * 2 * gh];
            for (int dir = 0; dir < d; dir++) {
                int k = 4 * (l * d + dir);
                float[] wih = params.get(k).value().data();
                float[] whh = params.get(k + 1).value().data();
                float[] bih = params.get(k + 2).value().data();
                float[] bhh = params.get(k + 3).value().data();
                for (int ob = 0; ob < gates; ob++) {
                    int pb = order[ob];
                    for (int j = 0; j < h; j++) {
                        int row = dir * gh + ob * h + j;
                        int col = pb * h + j;
                        for (int i = 0; i < inL; i++) {
                            w[row * inL + i] = wih[i * gh + col];
                        }
                        for (int i = 0; i < h; i++) {
                            rw[row * h + i] = whh[i * gh + col];
                        }
                        b[dir * 2 * gh + ob * h + j] = bih[col];
                        b[dir * 2 * gh + gh + ob * h + j] = bhh[col];
                    }
                }
            }
            String stem = r.kind() + "_l" + l;
            List<String> inputs = new ArrayList<>(List.of(xt,
                    g.floats(stem + "_W", new long[] {d, gh, inL}, w),
                    g.floats(stem + "_R", new long[] {d, gh, h}, rw),
                    g.floats(stem + "_B", new long[] {d, 2L * gh}, b)));
            if (!lengths.isEmpty()) {
                inputs.add(lengths);
            }
            List<Attr> attrs = new ArrayList<>(List.of(Attr.i("hidden_size", h),
                    Attr.s("direction", d == 2 ? "bidirectional" : "forward")));
            if (gru) {
                attrs.add(Attr.i("linear_before_reset", 1));
            }
            out = g.node(gru ? "GRU" : "LSTM", inputs, 2, attrs.toArray(Attr[]::new));
            if (l < r.layers() - 1 || r.readout() != Recurrent.Readout.LAST) {
                // Y [time, directions, batch, hidden] → [time, batch, directions·hidden]
                xt = g.node("Reshape", List.of(g.node("Transpose", List.of(out.get(0)), Attr.ints("perm", 0, 2, 1, 3)),
                        g.longs("shape", new long[] {3}, 0, 0, -1)));
            }
        }
        return switch (r.readout()) {
            case LAST -> g.node("Reshape", List.of(g.node("Transpose", List.of(out.get(1)), Attr.ints("perm", 1, 0, 2)),
                    g.longs("shape", new long[] {2}, 0, -1)));
            case SEQUENCE -> g.node("Transpose", List.of(zeroPadded(xt)), Attr.ints("perm", 1, 0, 2));
            case MEAN -> {
                String sum = g.node("ReduceSum", List.of(zeroPadded(xt), g.longs("axes", new long[] {1}, 0)), Attr.i("keepdims", 0));
                if (lengths.isEmpty()) {
                    yield g.node("Div", List.of(sum, g.scalar("time", time)));
                }
                String atLeastOne = g.node("Max", List.of(lengths, g.ints("one", new long[0], 1)));
                String count = g.node("Cast", List.of(unsqueeze(atLeastOne, 1)), Attr.i("to", 1));
                yield g.node("Div", List.of(sum, count));
            }
            case MAX -> {
                if (lengths.isEmpty()) {
                    yield g.node("ReduceMax", List.of(xt), Attr.ints("axes", 0), Attr.i("keepdims", 0));
                }
                String masked = g.node("Where", List.of(stepMask(), xt, g.scalar("minus_inf", Float.NEGATIVE_INFINITY)));
                String max = g.node("ReduceMax", List.of(masked), Attr.ints("axes", 0), Attr.i("keepdims", 0));
                yield g.node("Where", List.of(unsqueeze(nonEmpty(), 1), max, g.scalar("zero", 0f)));
            }
        };
    }

    /** x [batch, time, in[1]] through the convolution, ReLU and max over each row's valid positions: [batch, filters]. */
    String conv1d(Conv1D c, String x, int[] in) {
        int f = in[1];
        int k = c.kernel();
        int filters = c.filters();
        float[] wv = c.params().get(0).value().data();
        float[] w = new float[filters * f * k];
        for (int o = 0; o < filters; o++) {
            for (int ch = 0; ch < f; ch++) {
                for (int t = 0; t < k; t++) {
                    w[(o * f + ch) * k + t] = wv[(t * f + ch) * filters + o];
                }
            }
        }
        String xc = g.node("Transpose", List.of(x), Attr.ints("perm", 0, 2, 1));
        String z = g.node("Conv", List.of(xc, g.floats("conv1d_weight", new long[] {filters, f, k}, w),
                g.floats("conv1d_bias", new long[] {filters}, c.params().get(1).value().data())), Attr.ints("kernel_shape", k));
        if (!lengths.isEmpty()) {
            // positions 0 .. max(1, length − kernel + 1) − 1 of each row
            int positions = time - k + 1;
            int[] q = new int[positions];
            for (int i = 0; i < positions; i++) {
                q[i] = i;
            }
            String valid = g.node("Max", List.of(g.node("Sub", List.of(lengths, g.ints("kernel_less_one", new long[0], k - 1))),
                    g.ints("one", new long[0], 1)));
            String mask = g.node("Less", List.of(g.ints("conv_positions", new long[] {1, positions}, q), unsqueeze(valid, 1)));
            z = g.node("Where", List.of(unsqueeze(mask, 1), z, g.scalar("minus_inf", Float.NEGATIVE_INFINITY)));
        }
        return g.node("Relu", List.of(g.node("ReduceMax", List.of(z), Attr.ints("axes", 2), Attr.i("keepdims", 0))));
    }

    /** y [time, batch, features] with the padded steps set to zero (nntune writes zeros there). */
    private String zeroPadded(String y) {
        if (lengths.isEmpty()) {
            return y;
        }
        return g.node("Mul", List.of(y, g.node("Cast", List.of(stepMask()), Attr.i("to", 1))));
    }

    private String stepMask() {
        if (stepMask.isEmpty()) {
            int[] steps = new int[time];
            for (int t = 0; t < time; t++) {
                steps[t] = t;
            }
            String less = g.node("Less", List.of(g.ints("steps", new long[] {time, 1}, steps), unsqueeze(lengths, 0)));
            stepMask = unsqueeze(less, 2);
        }
        return stepMask;
    }

    private String nonEmpty() {
        return g.node("Greater", List.of(lengths, g.ints("zero", new long[0], 0)));
    }

    private String unsqueeze(String x, long axis) {
        return g.node("Unsqueeze", List.of(x, g.longs("axes", new long[] {1}, axis)));
    }
}
