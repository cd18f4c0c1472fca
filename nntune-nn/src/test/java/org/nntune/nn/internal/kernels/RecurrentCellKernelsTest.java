package org.nntune.nn.internal.kernels;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The fused LSTM and GRU cells: the java and vector paths give the same bits as each other (both
 * run {@code FloatMath}'s float functions) and the same bits before and after C2 compiles them,
 * and stay within 1e-6 of the reference's double-precision σ and tanh (the GRU backward cell,
 * which has neither, gives the reference's very bits); at awkward hidden sizes (a vector's tail,
 * a vector and a tail, several vectors) with offsets.
 */
class RecurrentCellKernelsTest {
    private static final Kernels REF = KernelProvider.reference();
    private static final int[] HIDDEN = {1, 7, 13, 16, 17, 33, 64, 127};

    private static List<Kernels> fast() {
        List<Kernels> list = new ArrayList<>(List.of(new JavaKernels(1)));
        if (!KernelProviderTest.forcedJava() && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            list.add(KernelProvider.choose("vector", 1).kernels());
        }
        return list;
    }

    /** Inputs of one cell call: pre-activations wide enough to saturate, states in (−2, 2). */
    private record Cell(float[] act, float[] gh, float[] c, float[] cells, float[] h, float[] out, float[] bias, float[] hn) {
        static Cell random(SplittableRandom rnd, int gates, int hidden, int off) {
            return new Cell(values(rnd, off + gates * hidden, 12), values(rnd, off + gates * hidden, 6),
                    values(rnd, off + hidden, 2), new float[off + hidden], values(rnd, off + hidden, 2), new float[off + hidden],
                    values(rnd, gates * hidden, 1), new float[off + hidden]);
        }

        Cell copy() {
            return new Cell(act.clone(), gh.clone(), c.clone(), cells.clone(), h.clone(), out.clone(), bias.clone(), hn.clone());
        }

        void lstm(Kernels k, int hidden, int off) {
            k.lstmCell(hidden, act, off, gh, off, c, off, cells, off, h, off, out, off);
        }

        void gru(Kernels k, int hidden, int off) {
            k.gruCell(hidden, act, off, gh, off, bias, hn, off, h, off, out, off);
        }

        List<float[]> results() {
            return List.of(act, c, cells, h, out, hn);
        }
    }

    private static float[] values(SplittableRandom rnd, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return x;
    }

    @Test
    void lstmAndGruCellsAgreeAcrossThePaths() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (boolean gru : new boolean[] {false, true}) {
            for (int hidden : HIDDEN) {
                int off = rnd.nextInt(4);
                Cell input = Cell.random(rnd, gru ? 3 : 4, hidden, off);
                Cell ref = input.copy();
                run(ref, REF, gru, hidden, off);
                List<float[]> first = null;
                for (Kernels k : fast()) {
                    Cell cell = input.copy();
                    run(cell, k, gru, hidden, off);
                    String what = (gru ? "gru" : "lstm") + " " + k.name() + " hidden " + hidden;
                    for (int r = 0; r < 6; r++) {
                        assertClose(ref.results().get(r), cell.results().get(r), 1e-6, what + " result " + r);
                        if (first != null) {
                            assertThat(cell.results().get(r)).as(what + " result " + r + ": the same bits as the java path")
                                    .containsExactly(first.get(r));
                        }
                    }
                    first = first == null ? cell.results() : first;
                }
            }
        }
    }

    @Test
    void theLstmBackwardCellAgreesAcrossThePaths() {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int hidden : HIDDEN) {
            for (boolean first : new boolean[] {false, true}) {
                int off = rnd.nextInt(4);
                float[] act = values(rnd, off + 4 * hidden, 1);
                for (int i = 0; i < act.length; i++) {
                    act[i] = Math.abs(act[i]); // gates i, f, o in (0, 1); g in (−1, 1) is fine as well
                }
                float[] cells = values(rnd, off + 2 * hidden, 3);
                float[] dh = values(rnd, off + hidden, 1);
                float[] dc = values(rnd, off + hidden, 1);
                float[] dGates = values(rnd, off + 4 * hidden, 1);
                int prev = first ? -1 : off + hidden;
                float[][] ref = {dh.clone(), dc.clone(), dGates.clone()};
                REF.lstmCellBackward(hidden, act, off, cells, off, prev, ref[0], off, ref[1], off, ref[2], off);
                float[][] java = null;
                for (Kernels k : fast()) {
                    float[][] got = {dh.clone(), dc.clone(), dGates.clone()};
                    k.lstmCellBackward(hidden, act, off, cells, off, prev, got[0], off, got[1], off, got[2], off);
                    for (int r = 0; r < 3; r++) {
                        String what = "lstm backward " + k.name() + " hidden " + hidden + " result " + r;
                        assertClose(ref[r], got[r], 1e-6, what);
                        if (java != null) {
                            assertThat(got[r]).as(what + ": the same bits as the java path").containsExactly(java[r]);
                        }
                    }
                    java = java == null ? got : java;
                }
            }
        }
    }

    @Test
    void theGruBackwardCellAgreesAcrossThePathsBitForBit() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (int hidden : HIDDEN) {
            for (boolean first : new boolean[] {false, true}) {
                int off = rnd.nextInt(4);
                float[] act = values(rnd, off + 3 * hidden, 1);
                for (int i = 0; i < act.length; i++) {
                    act[i] = Math.abs(act[i]); // gates r, z in (0, 1); n in (−1, 1) is fine as well
                }
                float[] hn = values(rnd, off + hidden, 3);
                float[] prev = values(rnd, off + hidden, 1);
                float[] dh = values(rnd, off + hidden, 1);
                float[] dGates = values(rnd, off + 3 * hidden, 1);
                float[] dGh = values(rnd, off + 3 * hidden, 1);
                int prevOff = first ? -1 : off;
                float[][] ref = {dh.clone(), dGates.clone(), dGh.clone()};
                REF.gruCellBackward(hidden, act, off, hn, off, prev, prevOff, ref[0], off, ref[1], off, ref[2], off);
                assertThat(ref[1][off + hidden]).as("sanity: written").isNotEqualTo(dGates[off + hidden]);
                for (Kernels k : fast()) {
                    float[][] got = {dh.clone(), dGates.clone(), dGh.clone()};
                    k.gruCellBackward(hidden, act, off, hn, off, prev, prevOff, got[0], off, got[1], off, got[2], off);
                    for (int r = 0; r < 3; r++) {
                        // no σ or tanh here: the reference runs the same float products, so every path has its bits
                        assertThat(got[r]).as("gru backward %s hidden %d result %d", k.name(), hidden, r).containsExactly(ref[r]);
                    }
                }
            }
        }
    }

    /** As the forward cells below: the GRU backward cell's bits do not change when C2 compiles it. */
    @Test
    void theGruBackwardCellGivesTheSameBitsBeforeAndAfterTheJitCompilesIt() {
        SplittableRandom rnd = new SplittableRandom(15);
        int hidden = 37;
        float[] act = values(rnd, 1 + 3 * hidden, 1);
        float[] hn = values(rnd, 1 + hidden, 3);
        float[] prev = values(rnd, 1 + hidden, 1);
        float[] dh = values(rnd, 1 + hidden, 1);
        float[][] ref = {dh.clone(), new float[1 + 3 * hidden], new float[1 + 3 * hidden]};
        REF.gruCellBackward(hidden, act, 1, hn, 1, prev, 1, ref[0], 1, ref[1], 1, ref[2], 1);
        for (Kernels k : fast()) {
            float[][] hot = null;
            for (int i = 0; i < 30_000; i++) {
                hot = new float[][] {dh.clone(), new float[1 + 3 * hidden], new float[1 + 3 * hidden]};
                k.gruCellBackward(hidden, act, 1, hn, 1, prev, 1, hot[0], 1, hot[1], 1, hot[2], 1);
            }
            for (int r = 0; r < 3; r++) {
                assertThat(hot[r]).as("%s gru backward result %d", k.name(), r).containsExactly(ref[r]);
            }
        }
    }

    /** The first calls run interpreted (and the vector path on the Vector API's Java fallback), the last ones C2-compiled. */
    @Test
    void theCellsGiveTheSameBitsBeforeAndAfterTheJitCompilesThem() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (Kernels k : fast()) {
            for (boolean gru : new boolean[] {false, true}) {
                Cell input = Cell.random(rnd, gru ? 3 : 4, 37, 1);
                Cell cold = input.copy();
                run(cold, k, gru, 37, 1);
                Cell hot = input.copy();
                for (int i = 0; i < 30_000; i++) {
                    hot = input.copy();
                    run(hot, k, gru, 37, 1);
                }
                for (int r = 0; r < 6; r++) {
                    assertThat(hot.results().get(r)).as("%s %s result %d", k.name(), gru ? "gru" : "lstm", r)
                            .containsExactly(cold.results().get(r));
                }
            }
        }
    }

    /**
     * Once the JIT has compiled them, the cells allocate nothing: on the vector path, a vector that
     * crosses a method boundary the JIT did not inline is boxed into a new object on every call (the
     * first fused LSTM cell, five σ/tanh in one loop, did so in every compiled call, running 3× slower).
     * Rounds of calls until one allocates nothing; a cell that still allocates after a minute fails.
     */
    @Test
    void theCellsAllocateNothingOnceCompiled() {
        java.util.function.LongSupplier allocatedSoFar = org.nntune.nn.testing.ThreadAllocations.counter();
        int hidden = 64;
        SplittableRandom rnd = new SplittableRandom(16);
        for (Kernels k : fast()) {
            Cell lstm = Cell.random(rnd, 4, hidden, 0);
            Cell gru = Cell.random(rnd, 3, hidden, 0);
            float[] dh = values(rnd, hidden, 1);
            float[] dc = values(rnd, hidden, 1);
            float[] dGates = new float[4 * hidden];
            float[] dGh = new float[3 * hidden];
            float[] cells = values(rnd, 2 * hidden, 2);
            List<Runnable> cells4 = List.of(
                    () -> lstm.lstm(k, hidden, 0),
                    () -> k.lstmCellBackward(hidden, lstm.act(), 0, cells, hidden, 0, dh, 0, dc, 0, dGates, 0),
                    () -> gru.gru(k, hidden, 0),
                    () -> k.gruCellBackward(hidden, gru.act(), 0, gru.hn(), 0, gru.h(), 0, dh, 0, dGates, 0, dGh, 0));
            String[] names = {"lstm", "lstm backward", "gru", "gru backward"};
            for (int c = 0; c < cells4.size(); c++) {
                Runnable cell = cells4.get(c);
                long deadline = System.nanoTime() + 60_000_000_000L;
                long allocated;
                do {
                    long before = allocatedSoFar.getAsLong();
                    for (int i = 0; i < 5_000; i++) {
                        cell.run();
                    }
                    allocated = allocatedSoFar.getAsLong() - before;
                } while (allocated > 0 && System.nanoTime() < deadline);
                assertThat(allocated).as("%s %s cell: bytes allocated by 5,000 compiled calls", k.name(), names[c]).isZero();
            }
        }
    }

    @Test
    void floatExpSigmoidAndTanhAreCloseToTheDoubleOnesAndSaturate() {
        for (double v = -100; v <= 100; v += 0.01) {
            float x = (float) v;
            double e = Math.exp(x);
            if (x > -87 && x < 88) {
                assertThat(Math.abs(FloatMath.exp(x) - e) / e).as("exp(%s)", x).isLessThan(3e-7);
            }
            assertThat((double) FloatMath.sigmoid(x)).as("sigmoid(%s)", x).isCloseTo(1 / (1 + Math.exp(-x)), org.assertj.core.api.Assertions.within(2.5e-7));
            assertThat((double) FloatMath.tanh(x)).as("tanh(%s)", x).isCloseTo(Math.tanh(x), org.assertj.core.api.Assertions.within(2.5e-7));
        }
        assertThat(FloatMath.sigmoid(1e30f)).isEqualTo(1f);
        assertThat(FloatMath.sigmoid(-1e30f)).isLessThan(1e-37f).isGreaterThanOrEqualTo(0f);
        assertThat(FloatMath.tanh(1e30f)).isEqualTo(1f);
        assertThat(FloatMath.tanh(-1e30f)).isEqualTo(-1f);
        assertThat(FloatMath.tanh(0f)).isEqualTo(0f);
        assertThat(FloatMath.exp(Float.NaN)).isNaN();
    }

    private static void run(Cell cell, Kernels k, boolean gru, int hidden, int off) {
        if (gru) {
            cell.gru(k, hidden, off);
        } else {
            cell.lstm(k, hidden, off);
        }
    }

    private static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs((double) actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])))) {
                fail("%s at %d: %s, reference %s", what, i, actual[i], expected[i]);
            }
        }
    }
}
