package org.nntune.tune.sampler;

import java.util.ArrayList;
import java.util.List;

/**
 * Reusable scratch arrays for the TPE hot path, so that sampling allocates (almost) nothing per
 * trial: after {@link #reset()} the k-th request gets the k-th buffer again, grown when too short.
 * Buffers hold stale values beyond what the caller writes. Not thread-safe (the sampler's lock
 * guards it).
 */
final class Arena {
    private final List<double[]> doubles = new ArrayList<>();
    private final List<int[]> ints = new ArrayList<>();
    private int nextDouble;
    private int nextInt;

    /** Makes every buffer available again. */
    void reset() {
        nextDouble = 0;
        nextInt = 0;
    }

    /** @return a double buffer of at least n elements (contents undefined) */
    double[] doubles(int n) {
        if (nextDouble == doubles.size()) {
            doubles.add(new double[Math.max(n, 16)]);
        }
        double[] a = doubles.get(nextDouble);
        if (a.length < n) {
            a = new double[Math.max(n, a.length * 2)];
            doubles.set(nextDouble, a);
        }
        nextDouble++;
        return a;
    }

    /** @return an int buffer of at least n elements (contents undefined) */
    int[] ints(int n) {
        if (nextInt == ints.size()) {
            ints.add(new int[Math.max(n, 16)]);
        }
        int[] a = ints.get(nextInt);
        if (a.length < n) {
            a = new int[Math.max(n, a.length * 2)];
            ints.set(nextInt, a);
        }
        nextInt++;
        return a;
    }
}
