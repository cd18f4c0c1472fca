package org.nntune.nn.loss;

/**
 * The targets of one batch: class ids for classification losses, or float targets (batch ×
 * outputs, row-major) for regression and binary losses. A holder the training loop fills for
 * every batch without allocating; the array the task does not use is empty.
 */
public final class Targets {
    private final int[] labels;
    private final float[] values;

    private Targets(int[] labels, float[] values) {
        this.labels = labels;
        this.values = values;
    }

    /** Class ids (the array is used, not copied). */
    public static Targets labels(int[] labels) {
        return new Targets(labels, new float[0]);
    }

    /** Float targets (the array is used, not copied). */
    public static Targets values(float[] values) {
        return new Targets(new int[0], values);
    }

    /** @return the class ids, one per row (the array itself); empty for float targets */
    public int[] labels() { return labels; }
    /** @return the float targets, rows × outputs, row-major (the array itself); empty for class ids */
    public float[] values() { return values; }
    /** @return whether these are class ids (a non-empty label array) rather than float targets */
    public boolean hasLabels() { return labels.length > 0; }
}
