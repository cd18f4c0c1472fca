package org.nntune.nn.internal.kernels;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The fast im2col / col2im against the reference on many window shapes, odd sizes, strides and paddings. */
class ConvKernelsTest {
    private static final Kernels REF = KernelProvider.reference();

    static List<Kernels> fast() {
        List<Kernels> list = new ArrayList<>(List.of(KernelProvider.get(), new JavaKernels(1)));
        if (!KernelProviderTest.forcedJava() && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
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

    /**
     * Padding as wide as the image or wider, the image at offset 0 of an array of its exact size
     * (no slack before or after): a window column that sees only padding reads nothing.
     */
    @Test
    void paddingWiderThanTheImageMatchesTheReference() {
        SplittableRandom rnd = new SplittableRandom(15);
        int[][] shapes = {{1, 4, 4, 11, 11, 1, 1, 5, 5}, {1, 8, 8, 21, 21, 1, 1, 10, 10}, {2, 14, 14, 41, 41, 1, 1, 20, 20},
                {3, 1, 1, 5, 5, 1, 1, 2, 2}, {2, 3, 5, 9, 12, 2, 3, 4, 6}, {1, 2, 2, 7, 3, 3, 1, 3, 1}, {2, 4, 4, 9, 9, 1, 1, 4, 4}};
        for (int[] sh : shapes) {
            int ch = sh[0], h = sh[1], w = sh[2], kh = sh[3], kw = sh[4], sy = sh[5], sx = sh[6], py = sh[7], px = sh[8];
            int oh = Kernels.outSize(h, kh, sy, py), ow = Kernels.outSize(w, kw, sx, px);
            float[] img = random(rnd, ch * h * w);
            float[] ref = new float[ch * kh * kw * oh * ow];
            REF.im2col(img, 0, ch, h, w, kh, kw, sy, sx, py, px, ref, 0);
            float[] grad = random(rnd, ref.length);
            float[] backRef = new float[img.length];
            REF.col2im(grad, 0, ch, h, w, kh, kw, sy, sx, py, px, backRef, 0);
            for (Kernels k : fast()) {
                String what = k.name() + " " + Arrays.toString(sh);
                float[] cols = new float[ref.length];
                Arrays.fill(cols, Float.NaN);
                k.im2col(img, 0, ch, h, w, kh, kw, sy, sx, py, px, cols, 0);
                exact(cols, ref, "im2col " + what);
                float[] back = new float[img.length];
                k.col2im(grad, 0, ch, h, w, kh, kw, sy, sx, py, px, back, 0);
                exact(back, backRef, "col2im " + what);
            }
        }
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

    /**
     * {images, channels, height, width, filters, kh, kw, strideH, strideW, padH, padW}: 1×1 and
     * single images, odd sizes and windows, strides and paddings, more images than one group, and
     * the small CNN's two layers at batch 64 (large enough to split over the threads).
     */
    private static final int[][] CONV_SHAPES = {{1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, {7, 2, 7, 9, 3, 3, 3, 1, 1, 1, 1},
            {13, 3, 13, 7, 5, 3, 2, 2, 1, 0, 1}, {3, 1, 5, 5, 1, 5, 5, 1, 1, 2, 2}, {17, 5, 12, 11, 7, 2, 2, 2, 2, 1, 0},
            {127, 1, 9, 8, 13, 3, 3, 1, 1, 0, 0}, {64, 1, 28, 28, 32, 3, 3, 1, 1, 0, 0}, {64, 32, 13, 13, 64, 3, 3, 1, 1, 0, 0},
            // padding as wide as the image or wider: some window columns see only padding
            {16, 1, 4, 4, 2, 11, 11, 1, 1, 5, 5}, {3, 2, 8, 8, 2, 21, 21, 1, 1, 10, 10}, {5, 2, 3, 5, 3, 9, 12, 2, 3, 4, 6}};

    private static ConvShape convShape(int[] sh) {
        return new ConvShape(sh[1], sh[2], sh[3], sh[4], sh[5], sh[6], sh[7], sh[8], sh[9], sh[10]);
    }

    /** The value of image i's input at (c, y, x) with zero padding, x in the batch layout. */
    private static double at(float[] x, ConvShape s, int i, int c, int y, int xx) {
        return y < 0 || y >= s.height() || xx < 0 || xx >= s.width() ? 0
                : x[i * s.inputSize() + (c * s.height() + y) * s.width() + xx];
    }

    @Test
    void batchConvolutionForwardFollowsTheDefinitionOnEveryPathAndThreadCount() {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int[] sh : CONV_SHAPES) {
            ConvShape s = convShape(sh);
            int images = sh[0], hw = s.positions();
            float[] x = random(rnd, images * s.inputSize());
            float[] w = random(rnd, s.filters() * s.k());
            float[] bias = random(rnd, s.filters());
            double[] expected = new double[images * s.outputSize()];
            for (int i = 0; i < images; i++) {
                for (int f = 0; f < s.filters(); f++) {
                    for (int oy = 0; oy < s.outH(); oy++) {
                        for (int ox = 0; ox < s.outW(); ox++) {
                            double sum = bias[f];
                            for (int c = 0; c < s.channels(); c++) {
                                for (int ky = 0; ky < s.kh(); ky++) {
                                    for (int kx = 0; kx < s.kw(); kx++) {
                                        sum += w[f * s.k() + (c * s.kh() + ky) * s.kw() + kx]
                                                * at(x, s, i, c, oy * s.strideH() - s.padH() + ky, ox * s.strideW() - s.padW() + kx);
                                    }
                                }
                            }
                            expected[i * s.outputSize() + f * hw + oy * s.outW() + ox] = sum;
                        }
                    }
                }
            }
            List<Kernels> all = new ArrayList<>(fastWithThreads());
            all.add(REF);
            float[] first = null;
            for (Kernels k : all) {
                for (boolean relu : new boolean[] {false, true}) {
                    String what = k.name() + "/" + k.threads() + (relu ? " relu " : " ") + Arrays.toString(sh);
                    float[] y = new float[expected.length + 1];
                    Arrays.fill(y, Float.NaN);
                    k.conv2dForward(s, x, images, w, bias, relu, y);
                    for (int j = 0; j < expected.length; j++) {
                        double e = relu ? Math.max(0, expected[j]) : expected[j];
                        if (Math.abs(y[j] - e) > 1e-4 * (1 + Math.sqrt(s.k()))) {
                            org.assertj.core.api.Assertions.fail("%s: output %d is %s, expected %s", what, j, y[j], e);
                        }
                    }
                    assertThat(y[expected.length]).as("nothing written after the batch, " + what).isNaN();
                    if (!relu && k.name().equals(all.get(0).name())) {
                        if (first == null) {
                            first = y;
                        } else {
                            exact(y, first, "the same output on 1 and 2 threads, " + what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void batchConvolutionBackwardFollowsTheDefinitionOnEveryPathAndThreadCount() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (int[] sh : CONV_SHAPES) {
            ConvShape s = convShape(sh);
            int images = sh[0], hw = s.positions(), k = s.k();
            float[] x = random(rnd, images * s.inputSize());
            float[] w = random(rnd, s.filters() * k);
            float[] dy = random(rnd, images * s.outputSize());
            float[] mask = random(rnd, dy.length); // the ReLU's output: the gradient passes where it is positive
            for (boolean masked : new boolean[] {false, true}) {
                double[] dw = new double[w.length];
                double[] db = new double[s.filters()];
                double[] dx = new double[x.length];
                for (int i = 0; i < images; i++) {
                    for (int f = 0; f < s.filters(); f++) {
                        for (int oy = 0; oy < s.outH(); oy++) {
                            for (int ox = 0; ox < s.outW(); ox++) {
                                int o = i * s.outputSize() + f * hw + oy * s.outW() + ox;
                                double g = masked && mask[o] <= 0 ? 0 : dy[o];
                                db[f] += g;
                                for (int c = 0; c < s.channels(); c++) {
                                    for (int ky = 0; ky < s.kh(); ky++) {
                                        for (int kx = 0; kx < s.kw(); kx++) {
                                            int yy = oy * s.strideH() - s.padH() + ky, xx = ox * s.strideW() - s.padW() + kx;
                                            int wi = f * k + (c * s.kh() + ky) * s.kw() + kx;
                                            dw[wi] += g * at(x, s, i, c, yy, xx);
                                            if (yy >= 0 && yy < s.height() && xx >= 0 && xx < s.width()) {
                                                dx[i * s.inputSize() + (c * s.height() + yy) * s.width() + xx] += g * w[wi];
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                List<Kernels> all = new ArrayList<>(fastWithThreads());
                all.add(REF);
                float[] firstDw = null;
                for (Kernels kern : all) {
                    String what = kern.name() + "/" + kern.threads() + (masked ? " masked " : " ") + Arrays.toString(sh);
                    float[] gw = new float[w.length], gb = new float[db.length], gx = new float[x.length];
                    Arrays.fill(gw, Float.NaN); // all three overwritten
                    Arrays.fill(gb, Float.NaN);
                    Arrays.fill(gx, Float.NaN);
                    float[] partials = new float[s.partialsSize(images)];
                    Arrays.fill(partials, Float.NaN);
                    kern.conv2dBackward(s, x, dy, masked ? mask : null, images, w, gw, gb, gx, partials);
                    close(gw, dw, 1e-4 * (1 + Math.sqrt((double) images * hw)), "dw " + what);
                    close(gb, db, 1e-4 * (1 + Math.sqrt((double) images * hw)), "db " + what);
                    close(gx, dx, 1e-4 * (1 + Math.sqrt(s.filters() * s.kh() * s.kw())), "dx " + what);
                    float[] again = new float[w.length];
                    kern.conv2dBackward(s, x, dy, masked ? mask : null, images, w, again, gb, null, partials);
                    exact(again, gw, "the same dw without the input gradient, " + what);
                    if (kern.name().equals(all.get(0).name())) {
                        if (firstDw == null) {
                            firstDw = gw;
                        } else {
                            exact(gw, firstDw, "the same dw on 1 and 2 threads, " + what);
                        }
                    }
                }
            }
        }
    }

    private static void close(float[] actual, double[] expected, double tolerance, String what) {
        for (int j = 0; j < expected.length; j++) {
            if (!(Math.abs(actual[j] - expected[j]) <= tolerance)) {
                org.assertj.core.api.Assertions.fail("%s: value %d is %s, expected %s", what, j, actual[j], expected[j]);
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
