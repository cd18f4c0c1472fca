package org.nntune.tune.sampler;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ParzenEstimator#sortIndex} (kernel widths from neighbours) against a plain stable argsort of
 * the same 32-bit position keys, over sizes around its run length and merge passes, with ties; and
 * the truncated-normal draw given precomputed CDFs against the plain one.
 */
class SortIndexTest {
    private static long key(double v, double low, double high) {
        double q = (v - low) * (4294967295.0 / (high - low));
        return q <= 0 ? 0 : (q >= 4294967295.0 ? 4294967295L : (long) q);
    }

    private static int[] reference(double[] v, int n, double low, double high) {
        return IntStream.range(0, n).boxed()
                .sorted(Comparator.comparingLong((Integer i) -> key(v[i], low, high)).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    @Property(tries = 200)
    void sortsAsAStableArgsortOfTheKeys(@ForAll @IntRange(min = 1, max = 300) int n,
                                        @ForAll @IntRange(min = 0, max = 3) int ties, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double low = -5;
        double high = 5;
        double[] v = new double[n + 3];
        for (int i = 0; i < n; i++) {
            // ties: values from a small set; and some outside [low, high], clamped to the end keys
            v[i] = ties == 0 ? r.nextDouble(-6, 6) : Math.round(r.nextDouble(-5, 5) * ties) / (double) ties;
        }
        Arena arena = new Arena();
        int[] got = Arrays.copyOf(ParzenEstimator.sortIndex(v, n, low, high, arena), n);
        assertThat(got).containsExactly(reference(v, n, low, high));
        arena.reset(); // reused buffers hold stale values: the same answer again
        assertThat(Arrays.copyOf(ParzenEstimator.sortIndex(v, n, low, high, arena), n)).containsExactly(got);
    }

    @Test
    void keysAboveHalfTheRangeSortAfterThoseBelow() {
        double[] v = {4.9, -4.9, 0.01, -0.01, 5, -5, 0};
        int[] got = Arrays.copyOf(ParzenEstimator.sortIndex(v, v.length, -5, 5, new Arena()), v.length);
        assertThat(got).containsExactly(5, 1, 3, 6, 2, 0, 4);
    }

    /** The draw as written before the CDFs could be given: mirrored by recursion, CDFs inline. */
    private static double plainDraw(double a, double b, double u) {
        if (a > 0) {
            return -plainDraw(-b, -a, u);
        }
        double pa = TruncNorm.cdf(a);
        double pb = TruncNorm.cdf(b);
        double x = TruncNorm.ppf(pa + u * (pb - pa));
        return Math.max(a, Math.min(b, Double.isNaN(x) ? a : x));
    }

    @Test
    void drawWithPrecomputedCdfsIsThePlainDraw() {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 2000; i++) {
            double a = r.nextDouble(-20, 20);
            double b = a + r.nextDouble(1e-6, 10);
            double u = r.nextDouble();
            boolean m = TruncNorm.mirrored(a);
            assertThat(m).isEqualTo(a > 0);
            double lo = TruncNorm.cdf(m ? -b : a);
            double hi = TruncNorm.cdf(m ? -a : b);
            assertThat(TruncNorm.sample(a, b, lo, hi, u)).isEqualTo(plainDraw(a, b, u)).isBetween(a, b);
            assertThat(TruncNorm.sample(a, b, u)).isEqualTo(plainDraw(a, b, u));
        }
    }
}
