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

    public int[] labels() { return labels; }
    public float[] values() { return values; }
    public boolean hasLabels() { return labels.length > 0; }
}
