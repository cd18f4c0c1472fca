package org.nntune.nn.tensor;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The fast im2col / col2im against the reference on many window shapes, odd sizes, strides and paddings. */
class ConvKernelsTest {
    private static final Kernels REF = KernelProvider.plain();

    static List<Kernels> fast() {
        List<Kernels> list = new ArrayList<>(List.of(KernelProvider.get(), new BlockedKernels(1)));
        if (!KernelProviderTest.forcedPlain() && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            list.add(KernelProvider.choose("vector", 1).kernels());
        }
        return list;
    }

    @Test
    void im2colAndCol2imMatchTheReferenceExactly() {
        SplittableRandom rnd = new SplittableRandom(11);
        int checked = 0;
        for (int size : new int[] {1, 2, 7, 13}) {
            for (int kernel : new int[] {1, 2, 3, 5}) {
                for (int stride : new int[] {1, 2, 3}) {
                    for (int pad : new int[] {0, 1, 2, 4}) {
                        int h = size, w = size + rnd.nextInt(3);
                        if (h + 2 * pad < kernel || w + 2 * pad < kernel) {
                            continue;
                        }
                        int ch = 1 + rnd.nextInt(3);
                        int oh = Kernels.outSize(h, kernel, stride, pad), ow = Kernels.outSize(w, kernel, stride, pad);
                        int off = rnd.nextInt(4);
                        float[] img = new float[off + ch * h * w + 2];
                        for (int i = 0; i < img.length; i++) img[i] = (float) rnd.nextDouble();
                        float[] colsRef = new float[off + ch * kernel * kernel * oh * ow + 2];
                        Arrays.fill(colsRef, Float.NaN);
                        REF.im2col(img, off, ch, h, w, kernel, kernel, stride, stride, pad, pad, colsRef, off);
                        float[] grad = new float[colsRef.length];
                        for (int i = 0; i < grad.length; i++) grad[i] = (float) rnd.nextDouble();
                        float[] backRef = img.clone();
                        REF.col2im(grad, off, ch, h, w, kernel, kernel, stride, stride, pad, pad, backRef, off);
                        for (Kernels k : fast()) {
                            String what = k.name() + " size " + h + "×" + w + " kernel " + kernel + " stride " + stride
                                    + " pad " + pad;
                            float[] cols = new float[colsRef.length];
                            Arrays.fill(cols, Float.NaN);
                            k.im2col(img, off, ch, h, w, kernel, kernel, stride, stride, pad, pad, cols, off);
                            assertThat(cols).as("im2col " + what).containsExactly(colsRef);
                            float[] back = img.clone();
                            k.col2im(grad, off, ch, h, w, kernel, kernel, stride, stride, pad, pad, back, off);
                            assertThat(back).as("col2im " + what).containsExactly(backRef);
                        }
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(100);
    }

    @Test
    void rectangularWindowsWithDifferentStridesAndPaddingsMatchToo() {
        SplittableRandom rnd = new SplittableRandom(12);
        int ch = 2, h = 9, w = 11, kh = 3, kw = 4, sh = 2, sw = 1, ph = 1, pw = 2;
        int oh = Kernels.outSize(h, kh, sh, ph), ow = Kernels.outSize(w, kw, sw, pw);
        float[] img = new float[ch * h * w];
        for (int i = 0; i < img.length; i++) img[i] = (float) rnd.nextDouble();
        float[] ref = new float[ch * kh * kw * oh * ow];
        REF.im2col(img, 0, ch, h, w, kh, kw, sh, sw, ph, pw, ref, 0);
        float[] backRef = new float[img.length];
        REF.col2im(ref, 0, ch, h, w, kh, kw, sh, sw, ph, pw, backRef, 0);
        for (Kernels k : fast()) {
            float[] cols = new float[ref.length];
            k.im2col(img, 0, ch, h, w, kh, kw, sh, sw, ph, pw, cols, 0);
            assertThat(cols).as(k.name()).containsExactly(ref);
            float[] back = new float[img.length];
            k.col2im(cols, 0, ch, h, w, kh, kw, sh, sw, ph, pw, back, 0);
            assertThat(back).as(k.name()).containsExactly(backRef);
        }
    }

    /** Arrays equal bit for bit; on failure, the first difference (AssertJ's diff is quadratic on large arrays). */
    private static void exact(float[] actual, float[] expected, String what) {
        assertThat(actual.length).as(what + ": length").isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(actual[i]) != Float.floatToIntBits(expected[i])) {
                org.assertj.core.api.Assertions.fail("%s: first difference at %d: %s, expected %s", what, i, actual[i], expected[i]);
            }
        }
    }

    /** The fast kernels with two threads too, so that the batch passes' split is exercised. */
    static List<Kernels> fastWithThreads() {
        List<Kernels> list = new ArrayList<>();
        for (Kernels k : fast()) {
            list.add(k);
            list.add(k.withThreads(2));
        }
        return list;
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }

    @Test
    void batchIm2colAndCol2imPutEachImageSideBySide() {
        SplittableRandom rnd = new SplittableRandom(13);
        // {images, channels, height, width, kernel, stride, pad}; the last ones are large enough to split over threads
        int[][] shapes = {{1, 1, 1, 1, 1, 1, 0}, {7, 2, 7, 9, 3, 1, 1}, {13, 3, 13, 7, 3, 2, 0}, {3, 1, 5, 5, 5, 1, 2},
                {127, 1, 28, 28, 3, 1, 0}, {13, 32, 13, 13, 3, 1, 0}, {7, 5, 12, 11, 2, 2, 1}};
        for (int[] sh : shapes) {
            int images = sh[0], ch = sh[1], h = sh[2], w = sh[3], kernel = sh[4], stride = sh[5], pad = sh[6];
            int hw = Kernels.outSize(h, kernel, stride, pad) * Kernels.outSize(w, kernel, stride, pad);
            int rows = ch * kernel * kernel;
            int inSize = ch * h * w;
            float[] img = random(rnd, 3 + images * inSize);
            float[] expected = new float[rows * images * hw];
            float[] one = new float[rows * hw];
            for (int i = 0; i < images; i++) {
                REF.im2col(img, 3 + i * inSize, ch, h, w, kernel, kernel, stride, stride, pad, pad, one, 0);
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(one, r * hw, expected, r * images * hw + i * hw, hw);
                }
            }
            float[] grad = random(rnd, 2 + rows * images * hw);
            float[] backExpected = new float[1 + images * inSize];
            java.util.Arrays.fill(backExpected, 0, 1, 5f);
            for (int i = 0; i < images; i++) {
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(grad, 2 + r * images * hw + i * hw, one, r * hw, hw);
                }
                REF.col2im(one, 0, ch, h, w, kernel, kernel, stride, stride, pad, pad, backExpected, 1 + i * inSize);
            }
            List<Kernels> all = new ArrayList<>(fastWithThreads());
            all.add(REF);
            for (Kernels k : all) {
                String what = k.name() + "/" + k.threads() + " " + java.util.Arrays.toString(sh);
                float[] cols = new float[1 + expected.length];
                java.util.Arrays.fill(cols, Float.NaN);
                k.im2colBatch(img, 3, images, ch, h, w, kernel, kernel, stride, stride, pad, pad, cols, 1);
                exact(java.util.Arrays.copyOfRange(cols, 1, cols.length), expected, "im2colBatch " + what);
                assertThat(cols[0]).as("nothing written before the offset").isNaN();
                float[] back = new float[backExpected.length];
                java.util.Arrays.fill(back, Float.NaN); // overwritten, not accumulated
                back[0] = 5f;
                k.col2imBatch(grad, 2, images, ch, h, w, kernel, kernel, stride, stride, pad, pad, back, 1);
                exact(back, backExpected, "col2imBatch " + what);
            }
        }
    }

    @Test
    void layoutChangesWithBiasReluAndMaskMatchTheirDefinitions() {
        SplittableRandom rnd = new SplittableRandom(14);
        // {images, channels, plane}; the last ones split over threads
        int[][] shapes = {{1, 1, 1}, {7, 13, 1}, {1, 7, 13}, {13, 7, 127}, {127, 13, 127}, {64, 64, 121}};
        for (int[] sh : shapes) {
            int images = sh[0], channels = sh[1], plane = sh[2];
            int size = images * channels * plane;
            float[] planes = random(rnd, size);
            float[] bias = random(rnd, channels);
            float[] imgs = random(rnd, 4 + size);
            float[] mask = random(rnd, 4 + size);
            float[] plainOut = new float[4 + size], reluOut = new float[4 + size];
            float[] toPlanes = new float[size], toPlanesMasked = new float[size];
            double[] sums = new double[channels], sumsMasked = new double[channels];
            for (int i = 0; i < images; i++) {
                for (int c = 0; c < channels; c++) {
                    for (int p = 0; p < plane; p++) {
                        int at = (i * channels + c) * plane + p;
                        int pm = c * images * plane + i * plane + p;
                        plainOut[4 + at] = planes[pm] + bias[c];
                        reluOut[4 + at] = Math.max(0f, planes[pm] + bias[c]);
                        toPlanes[pm] = imgs[4 + at];
                        toPlanesMasked[pm] = mask[4 + at] > 0 ? imgs[4 + at] : 0f;
                        sums[c] += toPlanes[pm];
                        sumsMasked[c] += toPlanesMasked[pm];
                    }
                }
            }
            List<Kernels> all = new ArrayList<>(fastWithThreads());
            all.add(REF);
            float[] refGrad = null;
            for (Kernels k : all) {
                String what = k.name() + "/" + k.threads() + " " + java.util.Arrays.toString(sh);
                float[] out = new float[4 + size];
                k.planesToImages(planes, images, channels, plane, bias, false, out, 4);
                exact(out, plainOut, "planesToImages " + what);
                k.planesToImages(planes, images, channels, plane, bias, true, out, 4);
                exact(out, reluOut, "planesToImages relu " + what);
                float[] dst = new float[size];
                float[] grad = new float[channels];
                java.util.Arrays.fill(grad, 1f);
                k.imagesToPlanes(imgs, null, 4, images, channels, plane, dst, grad);
                exact(dst, toPlanes, "imagesToPlanes " + what);
                for (int c = 0; c < channels; c++) {
                    assertThat((double) grad[c]).as("bias gradient added, " + what)
                            .isCloseTo(1 + sums[c], org.assertj.core.api.Assertions.within(1e-4 * (1 + Math.abs(sums[c]))));
                }
                float[] gradMasked = new float[channels];
                k.imagesToPlanes(imgs, mask, 4, images, channels, plane, dst, gradMasked);
                exact(dst, toPlanesMasked, "imagesToPlanes masked " + what);
                for (int c = 0; c < channels; c++) {
                    assertThat((double) gradMasked[c]).isCloseTo(sumsMasked[c],
                            org.assertj.core.api.Assertions.within(1e-4 * (1 + Math.abs(sumsMasked[c]))));
                }
                // the same summation order on every path and thread count: identical bias gradients
                if (refGrad == null) {
                    refGrad = gradMasked;
                } else {
                    exact(gradMasked, refGrad, "bias gradient independent of path and threads, " + what);
                }
            }
        }
    }

    @Test
    void maxPoolingAndItsBackwardFollowTheDefinitionOnEveryPathAndThreadCount() {
        SplittableRandom rnd = new SplittableRandom(15);
        // {planes, height, width, ph, pw, strideH, strideW}: the 2×2 fast case (even and odd sizes), others, and
        // shapes large enough to split over threads
        int[][] shapes = {{1, 1, 1, 1, 1, 1, 1}, {7, 4, 4, 2, 2, 2, 2}, {13, 7, 5, 2, 2, 2, 2}, {3, 7, 13, 3, 2, 1, 2},
                {2048, 26, 26, 2, 2, 2, 2}, {4096, 11, 11, 2, 2, 2, 2}, {127, 13, 13, 3, 3, 2, 2}};
        for (int[] sh : shapes) {
            int planes = sh[0], h = sh[1], w = sh[2], ph = sh[3], pw = sh[4], sy = sh[5], sx = sh[6];
            int oh = Kernels.outSize(h, ph, sy, 0), ow = Kernels.outSize(w, pw, sx, 0);
            float[] x = random(rnd, planes * h * w);
            for (int i = 0; i < x.length; i += 5) {
                x[i] = x[i + (i + 1 < x.length ? 1 : 0)]; // ties: the first maximum in row-major order wins
            }
            float[] dy = random(rnd, planes * oh * ow);
            float[] yExpected = new float[planes * oh * ow];
            int[] argExpected = new int[yExpected.length];
            float[] dxExpected = new float[x.length];
            for (int p = 0, o = 0; p < planes; p++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++, o++) {
                        int best = -1;
                        for (int ky = 0; ky < ph; ky++) {
                            for (int kx = 0; kx < pw; kx++) {
                                int at = (oy * sy + ky) * w + ox * sx + kx;
                                if (best < 0 || x[p * h * w + at] > x[p * h * w + best]) {
                                    best = at;
                                }
                            }
                        }
                        yExpected[o] = x[p * h * w + best];
                        argExpected[o] = best;
                        dxExpected[p * h * w + best] += dy[o];
                    }
                }
            }
            List<Kernels> all = new ArrayList<>(fastWithThreads());
            all.add(REF);
            for (Kernels k : all) {
                String what = k.name() + "/" + k.threads() + " " + java.util.Arrays.toString(sh);
                float[] y = new float[yExpected.length];
                int[] arg = new int[yExpected.length];
                k.maxPool2d(x, planes, h, w, ph, pw, sy, sx, y, arg);
                exact(y, yExpected, "maxPool2d " + what);
                assertThat(java.util.Arrays.equals(arg, argExpected)).as("argmax " + what).isTrue();
                float[] dx = new float[x.length];
                java.util.Arrays.fill(dx, Float.NaN); // overwritten
                k.maxPool2dBackward(dy, arg, planes, h, w, oh, ow, dx);
                exact(dx, dxExpected, "maxPool2dBackward " + what);
            }
        }
    }
}
