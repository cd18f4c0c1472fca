package org.nntune.nn.layer;

import org.nntune.nn.tensor.Rng;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A recurrent network over sequences, as PyTorch's {@code nn.LSTM} / {@code nn.GRU} with
 * {@code batch_first=True}: {@code layers} stacked layers of {@code hidden} units, each optionally
 * bidirectional (the reverse direction reads each row from its last real step back to its
 * first), dropout on the outputs of every layer but the last in training, initial state zero.
 * The input is {@code [time, features]}; the output is one of the {@link Readout}s of the last
 * layer's states.
 *
 * <p>Parameters per layer and direction, in PyTorch's order ({@code l0}, {@code l0_reverse},
 * {@code l1}, …): {@code weight_ih} (inputs × gates·hidden: PyTorch's {@code weight_ih}
 * transposed), {@code weight_hh} (hidden × gates·hidden, transposed likewise), {@code bias_ih},
 * {@code bias_hh}; the gate blocks in PyTorch's order. All start uniform in ±1/√hidden.
 *
 * <p>How a pass runs: the input projection of each row's real steps is one GEMM per row (in a
 * compact layout whose row stride is the batch's longest length, so the padding to the input's
 * time steps never enters a sum nor costs a product); then per step one GEMM of the states
 * by {@code weight_hh} and the gate non-linearities and state update fused in one kernel call per
 * row ({@code Kernels.lstmCell} / {@code gruCell}: a vector of units at a time on the Vector API
 * path, with float σ and tanh that give the same bits in every JIT tier and on the plain Java path).
 * Backpropagation through time runs on the same layout: per step one fused kernel call per row for
 * the gate gradients ({@code Kernels.lstmCellBackward} / {@code gruCellBackward}) and one GEMM for
 * the state gradient (for the forward direction reading the next step's gradients where they lie,
 * a strided matrix, instead of gathering them), then one GEMM each for the input gradient,
 * {@code weight_ih}'s and {@code weight_hh}'s gradients over all steps. All buffers live in the
 * cache: a pass allocates nothing.
 */
public abstract sealed class Recurrent extends SequenceLayer permits LSTM, GRU {

    /** What the layer outputs from its last layer's states. */
    public enum Readout {
        /** Every step's state, {@code [time, directions·hidden]} (zero at padded steps): for stacking. */
        SEQUENCE,
        /** The final state of each direction: the forward one at the row's last real step, the reverse one at its first. */
        LAST,
        /** The mean over the row's real steps. */
        MEAN,
        /** The maximum over the row's real steps, per unit. */
        MAX
    }

    final int hidden;
    final int layers;
    final boolean bidirectional;
    final float dropout;
    final Readout readout;
    /** Gate blocks: 4 for LSTM, 3 for GRU. */
    final int gates;
    private Param[] wih;
    private Param[] whh;
    private Param[] bih;
    private Param[] bhh;

    Recurrent(int gates, int hidden, int layers, boolean bidirectional, double dropout, Readout readout) {
        checkPositive(kindName(gates) + " hidden size", hidden);
        checkPositive(kindName(gates) + " layers", layers);
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException(kindName(gates) + " dropout must be in [0, 1), got " + dropout);
        }
        this.gates = gates;
        this.hidden = hidden;
        this.layers = layers;
        this.bidirectional = bidirectional;
        this.dropout = (float) dropout;
        this.readout = java.util.Objects.requireNonNull(readout, "readout");
    }

    private static String kindName(int gates) {
        return gates == 4 ? "lstm" : "gru";
    }

    public int hidden() { return hidden; }
    public int layers() { return layers; }
    public boolean bidirectional() { return bidirectional; }
    public float dropout() { return dropout; }
    public Readout readout() { return readout; }

    final int directions() {
        return bidirectional ? 2 : 1;
    }

    @Override
    protected int[] configure(int[] in) {
        requireSequence(kind(), in);
        int d = directions();
        int gh = gates * hidden;
        wih = new Param[layers * d];
        whh = new Param[layers * d];
        bih = new Param[layers * d];
        bhh = new Param[layers * d];
        for (int l = 0; l < layers; l++) {
            int inL = l == 0 ? in[1] : d * hidden;
            for (int dir = 0; dir < d; dir++) {
                String suffix = "_l" + l + (dir == 1 ? "_reverse" : "");
                int k = l * d + dir;
                wih[k] = new Param("weight_ih" + suffix, true, inL, gh);
                whh[k] = new Param("weight_hh" + suffix, true, hidden, gh);
                bih[k] = new Param("bias_ih" + suffix, false, gh);
                bhh[k] = new Param("bias_hh" + suffix, false, gh);
            }
        }
        return readout == Readout.SEQUENCE ? new int[] {in[0], d * hidden} : new int[] {d * hidden};
    }

    @Override
    public String describe() {
        return hidden + " units, " + layers + (layers == 1 ? " layer" : " layers") + (bidirectional ? ", bidirectional" : "")
                + (dropout > 0 ? ", dropout " + dropout : "") + ", readout " + readout.name().toLowerCase();
    }

    @Override
    public void writeConfig(DataOutputStream out) throws IOException {
        out.writeInt(hidden);
        out.writeInt(layers);
        out.writeBoolean(bidirectional);
        out.writeFloat(dropout);
        out.writeUTF(readout.name());
    }

    @Override
    public List<Param> params() {
        List<Param> ps = new ArrayList<>();
        for (int k = 0; k < wih.length; k++) {
            ps.add(wih[k]);
            ps.add(whh[k]);
            ps.add(bih[k]);
            ps.add(bhh[k]);
        }
        return ps;
    }

    @Override
    public void initialize(Rng rng) {
        float bound = (float) (1 / Math.sqrt(hidden));
        for (Param p : params()) {
            float[] w = p.value().data();
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
            }
        }
    }

    /**
     * The buffers of one batch. Compact layouts have row stride {@code maxLen} (the batch's
     * longest length): step t of row b is row {@code b·maxLen + t}.
     */
    static final class State extends SequenceCache {
        int maxLen;
        boolean dropped;
        /** Per layer: its input, compact [n, maxLen, inputs] (layer 0: a copy of x; later layers: the previous output after dropout). */
        final float[][] input;
        /** Per layer: its output, compact [n, maxLen, directions·hidden], zero at padded steps. */
        final float[][] output;
        /** Per layer and direction: the gates after their non-linearities, compact [n, maxLen, gates·hidden]. */
        final float[][] act;
        /** Per layer and direction: LSTM's cell state, GRU's {@code W_hn·h + b_hn}, compact [n, maxLen, hidden]. */
        final float[][] aux;
        /** Per layer above the first: the dropout scale of its input. */
        final float[][] mask;
        /** Step scratch: the recurrent products [n, gates·hidden], the running state [n, hidden] (and LSTM's cell). */
        final float[] gh;
        final float[] h;
        final float[] c;
        /** Backward: the gradients of the current layer's output, of its input, of the pre-activations. */
        final float[] dOut;
        final float[] dIn;
        final float[] dGates;
        final float[] dGh;
        final float[] prev;
        final float[] dh;
        final float[] dc;
        final int[] argmax;

        State(Recurrent r, int batch) {
            super(batch, r.time());
            int t = r.time();
            int rows = batch * t;
            int d = r.directions();
            int dh = d * r.hidden;
            int gh = r.gates * r.hidden;
            input = new float[r.layers][];
            output = new float[r.layers][];
            mask = new float[r.layers][];
            for (int l = 0; l < r.layers; l++) {
                input[l] = new float[rows * (l == 0 ? r.stepFeatures() : dh)];
                output[l] = new float[rows * dh];
                if (l > 0 && r.dropout > 0) {
                    mask[l] = new float[rows * dh];
                }
            }
            act = new float[r.layers * d][];
            aux = new float[r.layers * d][];
            for (int k = 0; k < act.length; k++) {
                act[k] = new float[rows * gh];
                aux[k] = new float[rows * r.hidden];
            }
            this.gh = new float[batch * gh];
            h = new float[batch * r.hidden];
            c = new float[batch * r.hidden];
            dOut = new float[rows * dh];
            dIn = new float[rows * Math.max(dh, r.stepFeatures())];
            dGates = new float[rows * gh];
            dGh = r.gates == 3 ? new float[rows * gh] : dGates;
            prev = new float[rows * r.hidden];
            this.dh = new float[batch * r.hidden];
            dc = new float[batch * r.hidden];
            argmax = new int[batch * dh];
        }
    }

    @Override
    public Cache newCache(int batch) {
        return new State(this, batch);
    }

    /** The compact row of step s (0-based, in processing order) of a row of length len, in direction dir. */
    static int step(int s, int len, int dir) {
        return dir == 0 ? s : len - 1 - s;
    }

    @Override
    public void forward(float[] x, float[] y, int n, Cache cache, Pass pass) {
        State st = (State) cache;
        int[] len = lengths(cache);
        int time = time();
        int f = stepFeatures();
        int maxLen = maxLength(len, n);
        st.maxLen = maxLen;
        int d = directions();
        int dh = d * hidden;
        for (int b = 0; b < n; b++) {
            System.arraycopy(x, b * time * f, st.input[0], b * maxLen * f, maxLen * f);
        }
        st.dropped = pass.training() && dropout > 0;
        for (int l = 0; l < layers; l++) {
            int inL = l == 0 ? f : dh;
            if (l > 0) {
                float[] prevOut = st.output[l - 1];
                float[] in = st.input[l];
                int total = n * maxLen * dh;
                if (st.dropped) {
                    float keep = 1f / (1f - dropout);
                    Rng rng = pass.rng();
                    float[] m = st.mask[l];
                    for (int i = 0; i < total; i++) {
                        float s = rng.nextFloat() >= dropout ? keep : 0f;
                        m[i] = s;
                        in[i] = prevOut[i] * s;
                    }
                } else {
                    System.arraycopy(prevOut, 0, in, 0, total);
                }
            }
            float[] out = st.output[l];
            for (int dir = 0; dir < d; dir++) {
                int k = l * d + dir;
                // the input projection and the recurrence, rows in parts of CHUNK: each row's steps depend on that row only
                int kk = k;
                int dd = dir;
                float[] in = st.input[l];
                kernels.forEachPart(parts(n), p -> forwardRows(st, kk, dd, p * CHUNK, Math.min(n, (p + 1) * CHUNK), len, maxLen,
                        in, inL, out));
                for (int b = 0; b < n; b++) {
                    for (int t = len[b]; t < maxLen; t++) {
                        Arrays.fill(out, (b * maxLen + t) * dh + dir * hidden, (b * maxLen + t) * dh + dir * hidden + hidden, 0f);
                    }
                }
            }
        }
        readOut(st.output[layers - 1], y, n, len, maxLen, st.argmax);
    }

    /**
     * Rows of a batch whose recurrences run as one part ({@code Kernels.forEachPart}): a fixed
     * number, so that how the rows are split, and with it every result, does not depend on the
     * thread count. Eight rows are one row tile of the GEMM kernels.
     */
    static final int CHUNK = 8;

    static int parts(int n) {
        return (n + CHUNK - 1) / CHUNK;
    }

    /**
     * The forward pass of rows [b0, b1) in layer-direction k: each row's input projection over its
     * own real steps (one GEMM per row, so a padded step costs nothing; every element is the same
     * sum as in one GEMM over all rows), then per step one GEMM of their states and each running
     * row's cell.
     */
    private void forwardRows(State st, int k, int dir, int b0, int b1, int[] len, int maxLen, float[] in, int inL, float[] out) {
        int gh = gates * hidden;
        int dh = directions() * hidden;
        float[] whhV = whh[k].value().data();
        float[] biasHh = bhh[k].value().data();
        float[] act = st.act[k];
        int steps = 0;
        for (int b = b0; b < b1; b++) {
            steps = Math.max(steps, len[b]);
            if (len[b] > 0) {
                int r0 = b * maxLen;
                kernels.gemm(false, false, len[b], gh, inL, 1f, in, r0 * inL, inL, wih[k].value().data(), 0, gh, 0f, act, r0 * gh, gh);
                kernels.addRowVector(act, r0 * gh, len[b], gh, bih[k].value().data(), 0);
                if (gates == 4) { // LSTM: both biases add before the non-linearities
                    kernels.addRowVector(act, r0 * gh, len[b], gh, biasHh, 0);
                }
            }
        }
        Arrays.fill(st.h, b0 * hidden, b1 * hidden, 0f);
        Arrays.fill(st.c, b0 * hidden, b1 * hidden, 0f);
        for (int s = 0; s < steps; s++) {
            kernels.gemm(false, false, b1 - b0, gh, hidden, 1f, st.h, b0 * hidden, hidden, whhV, 0, gh, 0f, st.gh, b0 * gh, gh);
            for (int b = b0; b < b1; b++) {
                if (s < len[b]) {
                    int row = b * maxLen + step(s, len[b], dir);
                    cellForward(st, k, b, row, out, row * dh + dir * hidden, biasHh);
                }
            }
        }
    }

    /**
     * Backpropagation through time for rows [b0, b1) in layer-direction k: from the last step
     * back, the gradient reaching each row's state from the step after it (one GEMM of the rows'
     * recurrent-side gradients, kept in {@code st.gh}, by {@code weight_hh}) plus the output's,
     * then each running row's cell.
     */
    private void backwardRows(State st, int k, int dir, int b0, int b1, int[] len, int maxLen, float[] out, float[] whhV) {
        int gh = gates * hidden;
        int dh = directions() * hidden;
        int steps = 0;
        for (int b = b0; b < b1; b++) {
            steps = Math.max(steps, len[b]);
        }
        for (int s = steps - 1; s >= 0; s--) {
            // the gradient reaching each row's state from the step after it, through weight_hh
            if (s == steps - 1) {
                Arrays.fill(st.dh, b0 * hidden, b1 * hidden, 0f);
            } else if (dir == 0) {
                // forward rows all run step s + 1 at compact row b·maxLen + s + 1: dGh's rows of that step are a
                // strided matrix (zero for rows already ended), read in place
                kernels.gemm(false, true, b1 - b0, hidden, gh, 1f, st.dGh, (b0 * maxLen + s + 1) * gh, maxLen * gh, whhV, 0, gh,
                        1f, st.dh, b0 * hidden, hidden);
            } else {
                // reverse rows run step s + 1 at rows that depend on their lengths: st.gh holds them, gathered
                kernels.gemm(false, true, b1 - b0, hidden, gh, 1f, st.gh, b0 * gh, gh, whhV, 0, gh, 1f, st.dh, b0 * hidden, hidden);
            }
            for (int b = b0; b < b1; b++) {
                if (s >= len[b]) {
                    continue;
                }
                int row = b * maxLen + step(s, len[b], dir);
                int prevRow = s == 0 ? -1 : b * maxLen + step(s - 1, len[b], dir);
                int go = row * dh + dir * hidden;
                for (int j = 0; j < hidden; j++) {
                    st.dh[b * hidden + j] += st.dOut[go + j];
                }
                if (prevRow >= 0) {
                    System.arraycopy(out, prevRow * dh + dir * hidden, st.prev, row * hidden, hidden);
                }
                cellBackward(st, k, b, row, prevRow);
            }
            // the reverse rows' recurrent-side gradients of this step, zero for rows not running at it
            for (int b = b0; dir == 1 && b < b1; b++) {
                if (s < len[b]) {
                    System.arraycopy(st.dGh, (b * maxLen + step(s, len[b], dir)) * gh, st.gh, b * gh, gh);
                } else {
                    Arrays.fill(st.gh, b * gh, (b + 1) * gh, 0f);
                }
            }
        }
    }

    /**
     * The input's gradient of rows [b0, b1) in layer-direction k, summed over the directions: one
     * GEMM per row over its real steps (every element the same sum as in one GEMM over all rows),
     * zero at its padded steps.
     */
    private void inputGradientRows(State st, int k, int dir, int b0, int b1, int[] len, int maxLen, int inL) {
        int gh = gates * hidden;
        float[] w = wih[k].value().data();
        for (int b = b0; b < b1; b++) {
            int r0 = b * maxLen;
            if (len[b] > 0) {
                kernels.gemm(false, true, len[b], inL, gh, 1f, st.dGates, r0 * gh, gh, w, 0, gh, dir == 0 ? 0f : 1f, st.dIn, r0 * inL, inL);
            }
            if (dir == 0) {
                Arrays.fill(st.dIn, (r0 + len[b]) * inL, (r0 + maxLen) * inL, 0f);
            }
        }
    }

    /**
     * One step of one row: the gates from the input projection {@code act[k][row]} and the
     * recurrent product {@code st.gh[b]}, the new state into {@code st.h[b]} (and the cell) and
     * into {@code out[outOff]}; the activated gates stay in {@code act[k][row]} and what the
     * backward pass needs besides in {@code aux[k][row]}.
     */
    abstract void cellForward(State st, int k, int b, int row, float[] out, int outOff, float[] biasHh);

    /**
     * The backward step of one row: from {@code dhv} (the gradient of the state it produced,
     * in {@code st.dh[b]} on entry) writes the pre-activation gradients into {@code st.dGates[row]}
     * (input side) and {@code st.dGh[row]} (recurrent side, GRU only) and keeps in
     * {@code st.dh[b]} the part of the previous state's gradient that does not go through
     * {@code weight_hh}; {@code prev} is the previous state (zero at the first step).
     */
    abstract void cellBackward(State st, int k, int b, int row, int prevRow);

    private void readOut(float[] out, float[] y, int n, int[] len, int maxLen, int[] argmax) {
        int d = directions();
        int dh = d * hidden;
        int time = time();
        switch (readout) {
            case SEQUENCE -> {
                for (int b = 0; b < n; b++) {
                    System.arraycopy(out, b * maxLen * dh, y, b * time * dh, maxLen * dh);
                    Arrays.fill(y, (b * time + maxLen) * dh, (b + 1) * time * dh, 0f);
                }
            }
            case LAST -> {
                for (int b = 0; b < n; b++) {
                    if (len[b] == 0) {
                        Arrays.fill(y, b * dh, (b + 1) * dh, 0f);
                        continue;
                    }
                    System.arraycopy(out, (b * maxLen + len[b] - 1) * dh, y, b * dh, hidden);
                    if (d == 2) {
                        System.arraycopy(out, b * maxLen * dh + hidden, y, b * dh + hidden, hidden);
                    }
                }
            }
            case MEAN -> {
                for (int b = 0; b < n; b++) {
                    int yo = b * dh;
                    Arrays.fill(y, yo, yo + dh, 0f);
                    for (int t = 0; t < len[b]; t++) {
                        int o = (b * maxLen + t) * dh;
                        for (int j = 0; j < dh; j++) {
                            y[yo + j] += out[o + j];
                        }
                    }
                    if (len[b] > 0) {
                        float inv = 1f / len[b];
                        for (int j = 0; j < dh; j++) {
                            y[yo + j] *= inv;
                        }
                    }
                }
            }
            case MAX -> {
                for (int b = 0; b < n; b++) {
                    int yo = b * dh;
                    for (int j = 0; j < dh; j++) {
                        float best = 0f;
                        int arg = -1;
                        for (int t = 0; t < len[b]; t++) {
                            float v = out[(b * maxLen + t) * dh + j];
                            if (arg < 0 || v > best) {
                                best = v;
                                arg = t;
                            }
                        }
                        y[yo + j] = best;
                        argmax[yo + j] = arg;
                    }
                }
            }
        }
    }

    /** The adjoint of {@link #readOut}: the gradient of the last layer's compact output from dy. */
    private void readOutBackward(float[] dy, float[] dOut, int n, int[] len, int maxLen, int[] argmax) {
        int d = directions();
        int dh = d * hidden;
        int time = time();
        Arrays.fill(dOut, 0, n * maxLen * dh, 0f);
        for (int b = 0; b < n; b++) {
            switch (readout) {
                case SEQUENCE -> System.arraycopy(dy, b * time * dh, dOut, b * maxLen * dh, len[b] * dh);
                case LAST -> {
                    if (len[b] > 0) {
                        System.arraycopy(dy, b * dh, dOut, (b * maxLen + len[b] - 1) * dh, hidden);
                        if (d == 2) {
                            System.arraycopy(dy, b * dh + hidden, dOut, b * maxLen * dh + hidden, hidden);
                        }
                    }
                }
                case MEAN -> {
                    if (len[b] > 0) {
                        float inv = 1f / len[b];
                        for (int t = 0; t < len[b]; t++) {
                            int o = (b * maxLen + t) * dh;
                            for (int j = 0; j < dh; j++) {
                                dOut[o + j] = dy[b * dh + j] * inv;
                            }
                        }
                    }
                }
                case MAX -> {
                    for (int j = 0; j < dh; j++) {
                        int t = argmax[b * dh + j];
                        if (t >= 0) {
                            dOut[(b * maxLen + t) * dh + j] = dy[b * dh + j];
                        }
                    }
                }
            }
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache) {
        State st = (State) cache;
        int[] len = lengths(cache);
        int maxLen = st.maxLen;
        int rows = n * maxLen;
        int d = directions();
        int dh = d * hidden;
        int gh = gates * hidden;
        int f = stepFeatures();
        readOutBackward(dy, st.dOut, n, len, maxLen, st.argmax);
        for (int l = layers - 1; l >= 0; l--) {
            int inL = l == 0 ? f : dh;
            for (int dir = 0; dir < d; dir++) {
                int k = l * d + dir;
                float[] whhV = whh[k].value().data();
                Arrays.fill(st.dGates, 0, rows * gh, 0f);
                if (st.dGh != st.dGates) {
                    Arrays.fill(st.dGh, 0, rows * gh, 0f);
                }
                Arrays.fill(st.prev, 0, rows * hidden, 0f);
                Arrays.fill(st.dc, 0, n * hidden, 0f);
                Arrays.fill(st.gh, 0, n * gh, 0f);
                float[] out = st.output[l];
                int kk = k;
                int dd = dir;
                boolean input = l > 0 || dx != null;
                int inLf = inL;
                kernels.forEachPart(parts(n), p -> {
                    int b0 = p * CHUNK;
                    int b1 = Math.min(n, (p + 1) * CHUNK);
                    backwardRows(st, kk, dd, b0, b1, len, maxLen, out, whhV);
                    if (input) {
                        inputGradientRows(st, kk, dd, b0, b1, len, maxLen, inLf);
                    }
                });
                // parameter gradients over all steps at once
                kernels.gemm(true, false, inL, gh, rows, 1f, st.input[l], 0, inL, st.dGates, 0, gh, 0f,
                        wih[k].grad().data(), 0, gh);
                kernels.gemm(true, false, hidden, gh, rows, 1f, st.prev, 0, hidden, st.dGh, 0, gh, 0f,
                        whh[k].grad().data(), 0, gh);
                float[] gbi = bih[k].grad().data();
                float[] gbh = bhh[k].grad().data();
                Arrays.fill(gbi, 0f);
                Arrays.fill(gbh, 0f);
                kernels.sumRows(st.dGates, 0, rows, gh, gbi, 0);
                kernels.sumRows(st.dGh, 0, rows, gh, gbh, 0);
            }
            if (l > 0) {
                int total = rows * dh;
                if (st.dropped) {
                    float[] m = st.mask[l];
                    for (int i = 0; i < total; i++) {
                        st.dOut[i] = st.dIn[i] * m[i];
                    }
                } else {
                    System.arraycopy(st.dIn, 0, st.dOut, 0, total);
                }
            }
        }
        if (dx != null) {
            int time = time();
            for (int b = 0; b < n; b++) {
                System.arraycopy(st.dIn, b * maxLen * f, dx, b * time * f, maxLen * f);
                Arrays.fill(dx, (b * time + maxLen) * f, (b + 1) * time * f, 0f);
            }
        }
    }
}
