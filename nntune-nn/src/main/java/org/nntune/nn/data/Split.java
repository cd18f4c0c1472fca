package org.nntune.nn.data;

/**
 * A split of a data set's rows into a training and a held-out part (a test part, or a fold's
 * validation part): two disjoint arrays of row positions, each sorted ascending.
 */
public record Split(int[] train, int[] test) {

    /** The training rows of {@code data} as a view (no copy). */
    public Dataset train(Dataset data) {
        return data.subset(train);
    }

    /** Equal when both parts hold the same rows. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Split s && java.util.Arrays.equals(train, s.train) && java.util.Arrays.equals(test, s.test);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(train) + java.util.Arrays.hashCode(test);
    }

    @Override
    public String toString() {
        return "Split[" + train.length + " train rows, " + test.length + " test rows]";
    }

    /** The held-out rows of {@code data} as a view (no copy). */
    public Dataset test(Dataset data) {
        return data.subset(test);
    }
}
