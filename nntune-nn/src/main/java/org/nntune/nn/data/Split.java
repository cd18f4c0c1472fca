package org.nntune.nn.data;

/**
 * A split of a data set's rows into a training and a held-out part (a test part, or a fold's
 * validation part): two disjoint arrays of row positions, each sorted ascending.
 */
public record Split(int[] train, int[] test) {

    /**
     * Checks that no row is in both parts: a row trained on and scored would leak into its own
     * score (a predefined split given by hand can easily do so).
     *
     * @throws IllegalArgumentException naming a shared row
     */
    public Split {
        java.util.Objects.requireNonNull(train, "train");
        java.util.Objects.requireNonNull(test, "test");
        java.util.BitSet inTrain = new java.util.BitSet();
        for (int r : train) {
            if (r >= 0) { // a negative row is refused where the split meets its data, with the data's size
                inTrain.set(r);
            }
        }
        for (int r : test) {
            if (r >= 0 && inTrain.get(r)) {
                throw new IllegalArgumentException("row " + r + " is in both the training part and the held-out part of a split;"
                        + " the parts must be disjoint, or the row's own score leaks into the evaluation");
            }
        }
    }

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
