package org.nntune.bench;

import java.util.Arrays;
import java.util.List;

/** Small robust statistics for benchmark figures: machines are noisy, so we quote medians. */
public final class Stats {
    private Stats() {}

    /** Median of the values; the mean of the two middle ones for an even count. */
    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("median of no values");
        }
        double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        int n = a.length;
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2.0;
    }
}
