package org.nntune.nn.internal.kernels;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

/**
 * The fused element-wise kernels: the reference against their definitions, and every fast path
 * against the reference on awkward sizes with offsets.
 */
class FusedKernelsTest {
    private static final Kernels REF = KernelProvider.reference();
    private static final int[] SIZES = {1, 7, 13, 16, 127, 1023};

    static List<Kernels> fast() {
        List<Kernels> list = new ArrayList<>(List.of(KernelProvider.get(), new JavaKernels(1)));
        if (!KernelProviderTest.forcedJava() && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            list.add(KernelProvider.choose("vector", 1).kernels());
        }
        return list;
    }

    private static float[] random(SplittableRandom rnd, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return x;
    }

    private static void assertClose(float[] expected, float[] actual, double relTol, String what) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            double tol = relTol * Math.max(1, Math.abs(expected[i]));
            if (!(Math.abs((double) actual[i] - expected[i]) <= tol)) {
                fail("%s at %d: %s, reference %s, tolerance %s", what, i, actual[i], expected[i], tol);
            }
        }
    }

    @Test
    void biasReluAndItsBackwardMatchTheReference() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int rows : new int[] {1, 7, 32}) {
            for (int cols : SIZES) {
                int off = rnd.nextInt(5), bOff = rnd.nextInt(5);
                float[] y = random(rnd, off + rows * cols + 2, 1);
                float[] bias = random(rnd, bOff + cols, 1);
                float[] dy = random(rnd, off + rows * cols + 2, 1);
                float[] dBias = random(rnd, bOff + cols + 1, 1);
                float[] yRef = y.clone(), dyRef = dy.clone(), dbRef = dBias.clone();
                REF.addBiasRelu(yRef, off, rows, cols, bias, bOff);
                REF.reluBackwardBiasGrad(dyRef, off, yRef, off, rows, cols, dbRef, bOff);
                for (Kernels k : fast()) {
                    String what = k.name() + " " + rows + "×" + cols;
                    float[] y1 = y.clone(), dy1 = dy.clone(), db1 = dBias.clone();
                    k.addBiasRelu(y1, off, rows, cols, bias, bOff);
                    k.reluBackwardBiasGrad(dy1, off, y1, off, rows, cols, db1, bOff);
                    assertThat(y1).as("addBiasRelu " + what).containsExactly(yRef);
                    assertThat(dy1).as("reluBackward " + what).containsExactly(dyRef);
                    assertClose(dbRef, db1, 1e-5, "bias gradient " + what);
                }
            }
        }
    }

    @Test
    void theReferenceBiasKernelsFollowTheirDefinitions() {
        float[] y = {-1, 2, 3, -4, 0, 0};
        float[] bias = {9, 0.5f, -1};
        REF.addBiasRelu(y, 0, 2, 3, bias, 0);
        assertThat(y).containsExactly(8, 2.5f, 2, 5, 0.5f, 0);
        float[] dy = {1, 1, 1, 1, 1, 1};
        float[] db = {10, 20, 30, 40};
        REF.reluBackwardBiasGrad(dy, 0, y, 0, 2, 3, db, 0);
        assertThat(dy).containsExactly(1, 1, 1, 1, 1, 0);
        assertThat(db).containsExactly(2, 2, 1, 40);
    }

    @Test
    void softmaxCrossEntropyMatchesTheReferenceAndAllowsGradInPlace() {
        SplittableRandom rnd = new SplittableRandom(4);
        for (int rows : new int[] {1, 13, 64}) {
            for (int cols : SIZES) {
                int off = rnd.nextInt(4);
                float[] logits = random(rnd, off + rows * cols, 8);
                int[] labels = new int[rows + 1];
                for (int r = 0; r < rows; r++) {
                    labels[r + 1] = rnd.nextInt(cols);
                }
                float[] gradRef = new float[logits.length];
                float lossRef = REF.softmaxCrossEntropy(logits, off, rows, cols, labels, 1, gradRef, off);
                for (Kernels k : fast()) {
                    float[] inPlace = logits.clone();
                    float loss = k.softmaxCrossEntropy(inPlace, off, rows, cols, labels, 1, inPlace, off);
                    assertThat((double) loss).as(k.name()).isCloseTo(lossRef, within(1e-5 * Math.max(1, lossRef)));
                    float[] expected = gradRef.clone();
                    System.arraycopy(logits, 0, expected, 0, off);
                    assertClose(expected, inPlace, 1e-5, "softmax gradient " + k.name() + " " + rows + "×" + cols);
                }
            }
        }
    }

    @Test
    void softmaxCrossEntropyHasTheReferenceBitsOnEveryPath() {
        // training reproduces bit for bit whatever code runs it (interpreter, C1, C2, java or vector)
        SplittableRandom rnd = new SplittableRandom(5);
        for (int cols : new int[] {10, 16, 17, 33, 100, 1000}) {
            int rows = 9;
            float[] logits = random(rnd, rows * cols, 12);
            int[] labels = rnd.ints(rows, 0, cols).toArray();
            float[] gradRef = new float[logits.length];
            float lossRef = REF.softmaxCrossEntropy(logits, 0, rows, cols, labels, 0, gradRef, 0);
            for (Kernels k : fast()) {
                float[] grad = new float[logits.length];
                float loss = k.softmaxCrossEntropy(logits, 0, rows, cols, labels, 0, grad, 0);
                assertThat(Float.floatToRawIntBits(loss)).as(k.name() + " loss, " + cols + " classes")
                        .isEqualTo(Float.floatToRawIntBits(lossRef));
                for (int i = 0; i < grad.length; i++) {
                    if (Float.floatToRawIntBits(grad[i]) != Float.floatToRawIntBits(gradRef[i])) {
                        fail("%s, %d classes: gradient %d is %s, reference %s", k.name(), cols, i, grad[i], gradRef[i]);
                    }
                }
            }
        }
    }

    @Test
    void softmaxCrossEntropyHasTheKnownValueAndGradient() {
        // equal logits: loss = log(cols), gradient = (1/cols − onehot) / rows
        float[] z = new float[8];
        float[] grad = new float[8];
        float loss = REF.softmaxCrossEntropy(z, 0, 2, 4, new int[] {1, 3}, 0, grad, 0);
        assertThat((double) loss).isCloseTo(Math.log(4), within(1e-6));
        assertThat(grad).containsExactly(0.125f, -0.375f, 0.125f, 0.125f, 0.125f, 0.125f, 0.125f, -0.375f);
        // the gradient is the derivative of the mean loss: central differences
        SplittableRandom rnd = new SplittableRandom(5);
        float[] logits = random(rnd, 3 * 5, 2);
        int[] labels = {4, 0, 2};
        float[] g = new float[logits.length];
        REF.softmaxCrossEntropy(logits, 0, 3, 5, labels, 0, g, 0);
        float[] scratch = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            float[] plus = logits.clone(), minus = logits.clone();
            plus[i] += 1e-2f;
            minus[i] -= 1e-2f;
            double numeric = (REF.softmaxCrossEntropy(plus, 0, 3, 5, labels, 0, scratch, 0)
                    - REF.softmaxCrossEntropy(minus, 0, 3, 5, labels, 0, scratch, 0)) / 2e-2;
            assertThat((double) g[i]).as("d loss / d logit %d", i).isCloseTo(numeric, within(2e-3));
        }
    }

    @Test
    void aLabelOutsideTheClassesIsRejectedWithItsRow() {
        for (Kernels k : fast()) {
            float[] logits = new float[2 * 20];
            assertThatThrownBy(() -> k.softmaxCrossEntropy(logits, 0, 2, 20, new int[] {3, 20}, 0, logits, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("label 20 of row 1 is not a class index; allowed: 0 to 19");
            assertThatThrownBy(() -> k.softmaxCrossEntropy(logits, 0, 0, 20, new int[0], 0, logits, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one row");
        }
    }

    /** A large Adam step runs in parts (on the threads): the bits of one thread, within float rounding of the reference. */
    @Test
    void aLargeAdamStepInPartsGivesTheBitsOfOneThread() {
        SplittableRandom rnd = new SplittableRandom(17);
        int n = 3 * 65536 + 21;
        float[] w = random(rnd, n, 1), g = random(rnd, n, 1), m = random(rnd, n, 0.1), v = random(rnd, n, 0.1);
        for (int i = 0; i < n; i++) {
            v[i] = Math.abs(v[i]);
        }
        float[] wr = w.clone(), mr = m.clone(), vr = v.clone();
        REF.adamUpdate(wr, 0, g, 0, mr, 0, vr, 0, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, true, 5);
        for (Kernels k : fast()) {
            float[][] one = {w.clone(), m.clone(), v.clone()};
            k.withThreads(1).adamUpdate(one[0], 0, g, 0, one[1], 0, one[2], 0, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, true, 5);
            float[][] two = {w.clone(), m.clone(), v.clone()};
            k.withThreads(2).adamUpdate(two[0], 0, g, 0, two[1], 0, two[2], 0, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, true, 5);
            for (int a = 0; a < 3; a++) {
                assertThat(two[a]).as("%s: 2 threads against 1, array %d", k.name(), a).containsExactly(one[a]);
            }
            assertClose(wr, one[0], 1e-6, "adam w " + k.name());
        }
    }

    @Test
    void adamAndSgdMatchTheReference() {
        SplittableRandom rnd = new SplittableRandom(6);
        for (int n : SIZES) {
            for (boolean decoupled : new boolean[] {false, true}) {
                float[] w = random(rnd, n + 3, 1), g = random(rnd, n + 3, 1);
                float[] m = random(rnd, n + 1, 0.1), v = random(rnd, n + 2, 0.1);
                for (int i = 0; i < v.length; i++) {
                    v[i] = Math.abs(v[i]);
                }
                float[] wr = w.clone(), mr = m.clone(), vr = v.clone();
                REF.adamUpdate(wr, 3, g, 2, mr, 1, vr, 2, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, 7);
                for (Kernels k : fast()) {
                    float[] w1 = w.clone(), m1 = m.clone(), v1 = v.clone();
                    k.adamUpdate(w1, 3, g, 2, m1, 1, v1, 2, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, 7);
                    assertClose(wr, w1, 1e-6, "adam w " + k.name());
                    assertClose(mr, m1, 1e-6, "adam m " + k.name());
                    assertClose(vr, v1, 1e-6, "adam v " + k.name());
                }
            }
            for (float momentum : new float[] {0f, 0.9f}) {
                for (boolean nesterov : new boolean[] {false, true}) {
                    float[] w = random(rnd, n, 1), g = random(rnd, n, 1), buf = random(rnd, n, 1);
                    float[] wr = w.clone(), br = buf.clone();
                    REF.sgdUpdate(wr, 0, g, 0, br, 0, n, 0.1f, momentum, 1e-4f, nesterov);
                    for (Kernels k : fast()) {
                        float[] w1 = w.clone(), b1 = buf.clone();
                        k.sgdUpdate(w1, 0, g, 0, b1, 0, n, 0.1f, momentum, 1e-4f, nesterov);
                        assertClose(wr, w1, 1e-6, "sgd w " + k.name());
                        assertClose(br, b1, 1e-6, "sgd velocity " + k.name());
                    }
                }
            }
        }
    }

    @Test
    void optimiserMomentsThatDecayBelowTheNormalRangeBecomeZeroOnEveryPath() {
        // With a zero gradient the moments only decay; β·x rounds back to x near the smallest
        // subnormal, so without the flush they would stay subnormal for ever.
        int n = 37; // a vector body and a scalar tail
        List<Kernels> all = new ArrayList<>(fast());
        all.add(REF);
        for (Kernels k : all) {
            float[] w = new float[n], g = new float[n], m = new float[n], v = new float[n], buf = new float[n];
            for (int i = 0; i < n; i++) {
                w[i] = 1f;
                m[i] = i % 3 == 0 ? Float.MIN_VALUE : i % 3 == 1 ? 1.2e-38f : 0.5f;
                v[i] = i % 2 == 0 ? 100 * Float.MIN_VALUE : 0.25f;
                buf[i] = m[i];
            }
            k.adamUpdate(w, 0, g, 0, m, 0, v, 0, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 3);
            k.sgdUpdate(w, 0, g, 0, buf, 0, n, 0.1f, 0.9f, 0f, false);
            for (int i = 0; i < n; i++) {
                String at = k.name() + " element " + i;
                assertThat(m[i]).as("adam m " + at).isEqualTo(i % 3 == 2 ? 0.45f : 0f);
                assertThat(v[i]).as("adam v " + at).isEqualTo(i % 2 == 0 ? 0f : 0.999f * 0.25f);
                assertThat(buf[i]).as("sgd velocity " + at).isEqualTo(i % 3 == 2 ? 0.45f : 0f);
            }
        }
    }

    @Test
    void theReferenceOptimisersFollowPyTorchsFormulas() {
        // Adam's first step moves each weight by lr · g / (|g| + eps·…) ≈ lr · sign(g)
        float[] w = {1f, -2f};
        float[] g = {0.5f, -0.001f};
        float[] m = new float[2], v = new float[2];
        REF.adamUpdate(w, 0, g, 0, m, 0, v, 0, 2, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, false, 1);
        assertThat((double) w[0]).isCloseTo(0.9, within(1e-6));
        assertThat((double) w[1]).isCloseTo(-1.9, within(1e-4));
        assertThat((double) m[0]).isCloseTo(0.05, within(1e-7));
        assertThat((double) v[0]).isCloseTo(0.00025, within(1e-8));
        // AdamW with a zero gradient only decays: w · (1 − lr · wd)
        float[] w2 = {2f};
        REF.adamUpdate(w2, 0, new float[1], 0, new float[1], 0, new float[1], 0, 1, 0.1f, 0.9f, 0.999f, 1e-8f, 0.5f, true, 1);
        assertThat(w2[0]).isEqualTo(1.9f);
        // SGD with momentum: buf = μ·buf + g; Nesterov steps along g + μ·buf
        float[] w3 = {1f}, buf = {2f};
        REF.sgdUpdate(w3, 0, new float[] {1f}, 0, buf, 0, 1, 0.1f, 0.5f, 0f, true);
        assertThat(buf[0]).isEqualTo(2f);
        assertThat((double) w3[0]).isCloseTo(1 - 0.1 * (1 + 0.5 * 2), within(1e-7));
        assertThatThrownBy(() -> REF.adamUpdate(w, 0, g, 0, m, 0, v, 0, 2, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, false, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("step 0");
        assertThatThrownBy(() -> REF.adamUpdate(w, 0, g, 0, m, 0, v, 0, 2, 0.1f, 1f, 0.999f, 1e-8f, 0f, false, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1)");
    }
}
