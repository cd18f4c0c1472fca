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
 * <p>How a pass runs: the batch's rows are put in order of length, longest first ("slots"), and
 * every per-step buffer is laid out packed: slot i's step t is row {@code start[i] + t}, with no
 * padding rows at all, so padding never enters a sum nor costs a product, and the products over
 * all steps are one GEMM each over exactly the real steps. The input projection of all real steps
 * is one GEMM; then the recurrence runs in parts of {@link #CHUNK} slots on the kernel threads
 * (each row's steps depend on that row only), per step one GEMM of the running slots' states by
 * {@code weight_hh} (ordered by length, the running slots of a part are always its first ones)
 * and the gate non-linearities and state update fused in one kernel call per row
 * ({@code Kernels.lstmCell} / {@code gruCell}: a vector of units at a time on the Vector API path,
 * with float σ and tanh that give the same bits in every JIT tier and on the plain Java path).
 * Backpropagation through time runs on the same layout: per step one fused kernel call per row for
 * the gate gradients ({@code Kernels.lstmCellBackward} / {@code gruCellBackward}) and one GEMM of
 * the running slots' recurrent-side gradients by {@code weight_hh}ᵀ (transposed once per pass, so
 * no step packs it), then one GEMM each for the input gradient, {@code weight_ih}'s and
 * {@code weight_hh}'s gradients over all real steps. Every element of every product is the same
 * sum whatever the order of the rows, the parts or the thread count, so none of them changes a
 * result. All buffers live in the cache: a pass allocates nothing per step.
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

    /** @return the units per layer and direction */
    public int hidden() { return hidden; }
    /** @return the number of stacked layers */
    public int layers() { return layers; }
    /** @return whether each layer also reads each row backwards (2·hidden state values per step) */
    public boolean bidirectional() { return bidirectional; }
    /** @return the dropout probability between stacked layers in training, in [0, 1) */
    public float dropout() { return dropout; }
    /** @return what the layer outputs from the last layer's states */
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
     * The buffers of one batch. Packed layouts hold the real steps only, slot after slot (slots:
     * the batch's rows by length, longest first): step t of slot i is row {@code start[i] + t}.
     */
    static final class State extends SequenceCache {
        /** Real steps of the batch: the rows of the packed layouts. */
        int total;
        boolean dropped;
        /** Slot i's batch row, length and first packed row. */
        final int[] order;
        final int[] slotLen;
        final int[] start;
        /** Counting-sort scratch, one per length 0 … time. */
        final int[] counts;
        /** Per layer: its input, packed [total, inputs] (layer 0: a copy of x; later layers: the previous output after dropout). */
        final float[][] input;
        /** Per layer: its output, packed [total, directions·hidden]. */
        final float[][] output;
        /** Per layer and direction: the gates after their non-linearities, packed [total, gates·hidden]. */
        final float[][] act;
        /** Per layer and direction: LSTM's cell state, GRU's {@code W_hn·h + b_hn}, packed [total, hidden]. */
        final float[][] aux;
        /** Per layer above the first: the dropout scale of its input. */
        final float[][] mask;
        /**
         * Step scratch per slot: the recurrent products [n, gates·hidden] (backward: the recurrent-side
         * gradients of the step after), the running state [n, hidden] (and LSTM's cell).
         */
        final float[] gh;
        final float[] h;
        final float[] c;
        /** Backward: the gradients of the current layer's output, of its input, of the pre-activations. */
        final float[] dOut;
        final float[] dIn;
        final float[] dGates;
        final float[] dGh;
        /** Backward: the previous state of each packed row (zero at a row's first step). */
        final float[] prev;
        final float[] dh;
        final float[] dc;
        /** Backward: weight_hh and weight_ih of the current layer and direction, transposed. */
        final float[] whhT;
        final float[] wihT;
        final int[] argmax;

        State(Recurrent r, int batch) {
            super(batch, r.time());
            int t = r.time();
            int rows = batch * t;
            int d = r.directions();
            int dh = d * r.hidden;
            int gh = r.gates * r.hidden;
            int maxIn = Math.max(dh, r.stepFeatures());
            order = new int[batch];
            slotLen = new int[batch];
            start = new int[batch + 1];
            counts = new int[t + 1];
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
            dIn = new float[rows * maxIn];
            dGates = new float[rows * gh];
            dGh = r.gates == 3 ? new float[rows * gh] : dGates;
            prev = new float[rows * r.hidden];
            this.dh = new float[batch * r.hidden];
            dc = new float[batch * r.hidden];
            whhT = new float[gh * r.hidden];
            wihT = new float[gh * maxIn];
            argmax = new int[batch * dh];
        }

        /**
         * Orders the first n rows by length, longest first (ties in row order: a counting sort), and
         * lays out the packed rows.
         */
        void arrange(int[] len, int n) {
            Arrays.fill(counts, 0);
            for (int b = 0; b < n; b++) {
                counts[len[b]]++;
            }
            int at = 0;
            for (int l = counts.length - 1; l >= 0; l--) { // counts[l] becomes the first slot of length l
                int c = counts[l];
                counts[l] = at;
                at += c;
            }
            for (int b = 0; b < n; b++) {
                int i = counts[len[b]]++;
                order[i] = b;
                slotLen[i] = len[b];
            }
            total = 0;
            for (int i = 0; i < n; i++) {
                start[i] = total;
                total += slotLen[i];
            }
            start[n] = total;
        }
    }

    @Override
    public Cache newCache(int batch) {
        return new State(this, batch);
    }

    /** The packed row of step s (0-based, in processing order) of slot i, in direction dir. */
    static int step(State st, int i, int s, int dir) {
        return st.start[i] + (dir == 0 ? s : st.slotLen[i] - 1 - s);
    }

    @Override
    public void forward(float[] x, float[] y, int n, Cache cache, Pass pass) {
        State st = (State) cache;
        st.arrange(lengths(cache), n);
        int time = time();
        int f = stepFeatures();
        int total = st.total;
        int d = directions();
        int dh = d * hidden;
        int gh = gates * hidden;
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, st.order[i] * time * f, st.input[0], st.start[i] * f, st.slotLen[i] * f);
        }
        st.dropped = pass.training() && dropout > 0;
        for (int l = 0; l < layers; l++) {
            int inL = l == 0 ? f : dh;
            float[] in = st.input[l];
            if (l > 0) {
                float[] prevOut = st.output[l - 1];
                int size = total * dh;
                if (st.dropped) {
                    float keep = 1f / (1f - dropout);
                    Rng rng = pass.rng();
                    float[] m = st.mask[l];
                    for (int i = 0; i < size; i++) {
                        float s = rng.nextFloat() >= dropout ? keep : 0f;
                        m[i] = s;
                        in[i] = prevOut[i] * s;
                    }
                } else {
                    System.arraycopy(prevOut, 0, in, 0, size);
                }
            }
            float[] out = st.output[l];
            for (int dir = 0; dir < d; dir++) {
                int k = l * d + dir;
                // the input projection of every real step, one GEMM
                float[] act = st.act[k];
                kernels.gemm(false, false, total, gh, inL, 1f, in, 0, inL, wih[k].value().data(), 0, gh, 0f, act, 0, gh);
                kernels.addRowVector(act, 0, total, gh, bih[k].value().data(), 0);
                if (gates == 4) { // LSTM: both biases add before the non-linearities
                    kernels.addRowVector(act, 0, total, gh, bhh[k].value().data(), 0);
                }
                // the recurrence, slots in parts of CHUNK: each row's steps depend on that row only
                int kk = k;
                int dd = dir;
                kernels.forEachPart(parts(n), p -> forwardSlots(st, kk, dd, p * CHUNK, Math.min(n, (p + 1) * CHUNK), out));
            }
        }
        readOut(st, st.output[layers - 1], y, n);
    }

    /**
     * Slots of a batch whose recurrences run as one part ({@code Kernels.forEachPart}): a fixed
     * number (no result depends on it: each row's sums are the same in any part). Eight rows are one
     * row tile of the GEMM kernels.
     */
    static final int CHUNK = 8;

    static int parts(int n) {
        return (n + CHUNK - 1) / CHUNK;
    }

    /**
     * The recurrence of slots [s0, s1) in layer-direction k: per step one GEMM of the running
     * slots' states (the first ones, slots being ordered by length) and each running row's cell.
     */
    private void forwardSlots(State st, int k, int dir, int s0, int s1, float[] out) {
        int gh = gates * hidden;
        int dh = directions() * hidden;
        float[] whhV = whh[k].value().data();
        float[] biasHh = bhh[k].value().data();
        int[] len = st.slotLen;
        int steps = len[s0];
        Arrays.fill(st.h, s0 * hidden, s1 * hidden, 0f);
        Arrays.fill(st.c, s0 * hidden, s1 * hidden, 0f);
        int running = s1; // slots [s0, running) have a step s
        for (int s = 0; s < steps; s++) {
            while (len[running - 1] <= s) {
                running--;
            }
            kernels.gemm(false, false, running - s0, gh, hidden, 1f, st.h, s0 * hidden, hidden, whhV, 0, gh, 0f, st.gh, s0 * gh, gh);
            for (int i = s0; i < running; i++) {
                int row = step(st, i, s, dir);
                cellForward(st, k, i, row, out, row * dh + dir * hidden, biasHh);
            }
        }
    }

    /**
     * Backpropagation through time for slots [s0, s1) in layer-direction k: from the last step
     * back, the gradient reaching each running slot's state from the step after it (one GEMM of
     * their recurrent-side gradients of that step, kept in {@code st.gh}, by
     * {@code weight_hh}ᵀ) plus the output's, then each running row's cell.
     */
    private void backwardSlots(State st, int k, int dir, int s0, int s1, float[] out) {
        int gh = gates * hidden;
        int dh = directions() * hidden;
        int[] len = st.slotLen;
        int steps = len[s0];
        Arrays.fill(st.dh, s0 * hidden, s1 * hidden, 0f);
        Arrays.fill(st.dc, s0 * hidden, s1 * hidden, 0f);
        int runningAfter = s0; // slots [s0, runningAfter) ran step s + 1
        int running = s0;
        for (int s = steps - 1; s >= 0; s--) {
            while (running < s1 && len[running] > s) {
                running++;
            }
            if (runningAfter > s0) {
                kernels.gemm(false, false, runningAfter - s0, hidden, gh, 1f, st.gh, s0 * gh, gh, st.whhT, 0, hidden,
                        1f, st.dh, s0 * hidden, hidden);
            }
            for (int i = s0; i < running; i++) {
                int row = step(st, i, s, dir);
                int prevRow = s == 0 ? -1 : step(st, i, s - 1, dir);
                int go = row * dh + dir * hidden;
                for (int j = 0; j < hidden; j++) {
                    st.dh[i * hidden + j] += st.dOut[go + j];
                }
                if (prevRow >= 0) {
                    System.arraycopy(out, prevRow * dh + dir * hidden, st.prev, row * hidden, hidden);
                } else {
                    Arrays.fill(st.prev, row * hidden, (row + 1) * hidden, 0f);
                }
                cellBackward(st, k, i, row, prevRow);
                System.arraycopy(st.dGh, row * gh, st.gh, i * gh, gh);
            }
            runningAfter = running;
        }
    }

    /**
     * One step of one row (slot b, packed row {@code row}): the gates from the input projection
     * {@code act[k][row]} and the recurrent product {@code st.gh[b]}, the new state into
     * {@code st.h[b]} (and the cell) and
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

    private void readOut(State st, float[] out, float[] y, int n) {
        int d = directions();
        int dh = d * hidden;
        int time = time();
        int[] argmax = st.argmax;
        for (int i = 0; i < n; i++) {
            int b = st.order[i];
            int len = st.slotLen[i];
            int r0 = st.start[i];
            switch (readout) {
                case SEQUENCE -> {
                    System.arraycopy(out, r0 * dh, y, b * time * dh, len * dh);
                    Arrays.fill(y, (b * time + len) * dh, (b + 1) * time * dh, 0f);
                }
                case LAST -> {
                    if (len == 0) {
                        Arrays.fill(y, b * dh, (b + 1) * dh, 0f);
                        continue;
                    }
                    System.arraycopy(out, (r0 + len - 1) * dh, y, b * dh, hidden);
                    if (d == 2) {
                        System.arraycopy(out, r0 * dh + hidden, y, b * dh + hidden, hidden);
                    }
                }
                case MEAN -> {
                    int yo = b * dh;
                    Arrays.fill(y, yo, yo + dh, 0f);
                    for (int t = 0; t < len; t++) {
                        int o = (r0 + t) * dh;
                        for (int j = 0; j < dh; j++) {
                            y[yo + j] += out[o + j];
                        }
                    }
                    if (len > 0) {
                        float inv = 1f / len;
                        for (int j = 0; j < dh; j++) {
                            y[yo + j] *= inv;
                        }
                    }
                }
                case MAX -> {
                    int yo = b * dh;
                    for (int j = 0; j < dh; j++) {
                        float best = 0f;
                        int arg = -1;
                        for (int t = 0; t < len; t++) {
                            float v = out[(r0 + t) * dh + j];
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

    /** The adjoint of {@link #readOut}: the gradient of the last layer's packed output from dy. */
    private void readOutBackward(State st, float[] dy, float[] dOut, int n) {
        int d = directions();
        int dh = d * hidden;
        int time = time();
        int[] argmax = st.argmax;
        Arrays.fill(dOut, 0, st.total * dh, 0f);
        for (int i = 0; i < n; i++) {
            int b = st.order[i];
            int len = st.slotLen[i];
            int r0 = st.start[i];
            switch (readout) {
                case SEQUENCE -> System.arraycopy(dy, b * time * dh, dOut, r0 * dh, len * dh);
                case LAST -> {
                    if (len > 0) {
                        System.arraycopy(dy, b * dh, dOut, (r0 + len - 1) * dh, hidden);
                        if (d == 2) {
                            System.arraycopy(dy, b * dh + hidden, dOut, r0 * dh + hidden, hidden);
                        }
                    }
                }
                case MEAN -> {
                    if (len > 0) {
                        float inv = 1f / len;
                        for (int t = 0; t < len; t++) {
                            int o = (r0 + t) * dh;
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
                            dOut[(r0 + t) * dh + j] = dy[b * dh + j];
                        }
                    }
                }
            }
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache) {
        State st = (State) cache;
        int total = st.total;
        int d = directions();
        int dh = d * hidden;
        int gh = gates * hidden;
        int f = stepFeatures();
        readOutBackward(st, dy, st.dOut, n);
        for (int l = layers - 1; l >= 0; l--) {
            int inL = l == 0 ? f : dh;
            boolean input = l > 0 || dx != null;
            for (int dir = 0; dir < d; dir++) {
                int k = l * d + dir;
                float[] wihV = wih[k].value().data();
                kernels.transpose(whh[k].value().data(), 0, hidden, gh, st.whhT, 0);
                float[] out = st.output[l];
                int kk = k;
                int dd = dir;
                kernels.forEachPart(parts(n), p -> backwardSlots(st, kk, dd, p * CHUNK, Math.min(n, (p + 1) * CHUNK), out));
                // the input gradient (summed over the directions) and the parameter gradients, over all real steps at once
                if (input) {
                    kernels.transpose(wihV, 0, inL, gh, st.wihT, 0);
                    kernels.gemm(false, false, total, inL, gh, 1f, st.dGates, 0, gh, st.wihT, 0, inL, dir == 0 ? 0f : 1f,
                            st.dIn, 0, inL);
                }
                kernels.gemm(true, false, inL, gh, total, 1f, st.input[l], 0, inL, st.dGates, 0, gh, 0f,
                        wih[k].grad().data(), 0, gh);
                kernels.gemm(true, false, hidden, gh, total, 1f, st.prev, 0, hidden, st.dGh, 0, gh, 0f,
                        whh[k].grad().data(), 0, gh);
                float[] gbi = bih[k].grad().data();
                float[] gbh = bhh[k].grad().data();
                Arrays.fill(gbi, 0f);
                Arrays.fill(gbh, 0f);
                kernels.sumRows(st.dGates, 0, total, gh, gbi, 0);
                if (st.dGh == st.dGates) { // LSTM: both biases add before the gates, so their gradients are equal
                    System.arraycopy(gbi, 0, gbh, 0, gh);
                } else {
                    kernels.sumRows(st.dGh, 0, total, gh, gbh, 0);
                }
            }
            if (l > 0) {
                int size = total * dh;
                if (st.dropped) {
                    float[] m = st.mask[l];
                    for (int i = 0; i < size; i++) {
                        st.dOut[i] = st.dIn[i] * m[i];
                    }
                } else {
                    System.arraycopy(st.dIn, 0, st.dOut, 0, size);
                }
            }
        }
        if (dx != null) {
            int time = time();
            for (int i = 0; i < n; i++) {
                int b = st.order[i];
                int len = st.slotLen[i];
                System.arraycopy(st.dIn, st.start[i] * f, dx, b * time * f, len * f);
                Arrays.fill(dx, (b * time + len) * f, (b + 1) * time * f, 0f);
            }
        }
    }
}
