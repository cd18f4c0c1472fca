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

    /** The held-out rows of {@code data} as a view (no copy). */
    public Dataset test(Dataset data) {
        return data.subset(test);
    }
}
