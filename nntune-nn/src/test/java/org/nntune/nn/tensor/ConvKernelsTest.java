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
}
