package org.nntune.nn.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A data set: a float32 feature matrix (one row per example, row-major) with its targets.
 *
 * <p>Classification sets carry integer class ids in {@code [0, classCount)} and class names;
 * regression sets carry {@code targetDim} float targets per example. Every example has the same
 * feature shape (e.g. {@code [4]} for iris, {@code [1, 28, 28]} for Fashion-MNIST: channels,
 * height, width); its product is {@link #featureCount()}.
 *
 * <p>A Dataset is immutable. {@link #subset(int[])} returns a view that shares the storage of its
 * parent: splits and folds never copy the features. The {@link #fingerprint()} is a SHA-256 of
 * the view's content (features, targets, shape, names), so two views with the same content have
 * the same fingerprint whatever their storage.
 */
public final class Dataset {
    private final String name;
    private final Task task;
    private final float[] x;          // base storage: baseRows × featureCount
    private final int[] shape;        // feature shape; product == featureCount
    private final int featureCount;
    private final int[] labels;       // classification: baseRows; else empty
    private final float[] targets;    // regression: baseRows × targetDim; else empty
    private final int targetDim;      // 0 for classification
    private final List<String> featureNames;
    private final List<String> classNames;
    private final int[] rows;         // view: indices into the base rows; null = all base rows in order
    private final int size;
    /** Rows in time order ({@link #timeOrdered}): the rows a time-ordered hold-out leaves out before it; -1 when not in time order. */
    private final int timeGap;
    /** Whether a model of these rows learns each target's change from the row's last feature ({@link #changeTarget}). */
    private final boolean changeTarget;
    private volatile String fingerprint;

    private Dataset(String name, Task task, float[] x, int[] shape, int[] labels, float[] targets, int targetDim,
                    List<String> featureNames, List<String> classNames, int[] rows) {
        this(name, task, x, shape, labels, targets, targetDim, featureNames, classNames, rows, -1, false);
    }

    private Dataset(String name, Task task, float[] x, int[] shape, int[] labels, float[] targets, int targetDim,
                    List<String> featureNames, List<String> classNames, int[] rows, int timeGap, boolean changeTarget) {
        this.name = name;
        this.task = task;
        this.x = x;
        this.shape = shape;
        this.featureCount = product(shape);
        this.labels = labels;
        this.targets = targets;
        this.targetDim = targetDim;
        this.featureNames = featureNames;
        this.classNames = classNames;
        this.rows = rows;
        this.size = rows != null ? rows.length : x.length / Math.max(1, featureCount);
        this.timeGap = timeGap;
        this.changeTarget = changeTarget;
    }

    /**
     * A classification set. The arrays are taken as they are (not copied): the caller hands them over.
     *
     * @param features     rows × product(featureShape) floats, row-major
     * @param featureShape shape of one example, e.g. {@code [64]} or {@code [1, 8, 8]}
     * @param labels       one class id per row, in {@code [0, classNames.size())}
     * @param featureNames one name per feature (flattened), or an empty list for unnamed features
     * @param classNames   one name per class; at least two classes
     */
    public static Dataset classification(String name, float[] features, int[] featureShape, int[] labels,
                                         List<String> featureNames, List<String> classNames) {
        Objects.requireNonNull(labels, "labels");
        int[] shape = checkShape(featureShape);
        int n = checkRows(features, shape);
        if (labels.length != n) {
            throw new IllegalArgumentException("data set '" + name + "': " + n + " rows of features but " + labels.length + " labels");
        }
        if (classNames.size() < 2) {
            throw new IllegalArgumentException("data set '" + name + "': a classification set needs at least 2 classes, got " + classNames);
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("data set '" + name + "': label " + labels[i] + " of row " + i
                        + " is outside [0, " + classNames.size() + ")");
            }
        }
        return new Dataset(name, Task.CLASSIFICATION, features, shape, labels, new float[0], 0,
                names(featureNames, product(shape), name), List.copyOf(classNames), null);
    }

    /** A regression set with {@code targetDim} float targets per row ({@code targets.length == rows × targetDim}). */
    public static Dataset regression(String name, float[] features, int[] featureShape, float[] targets, int targetDim,
                                     List<String> featureNames) {
        Objects.requireNonNull(targets, "targets");
        int[] shape = checkShape(featureShape);
        int n = checkRows(features, shape);
        if (targetDim < 1 || targets.length != (long) n * targetDim) {
            throw new IllegalArgumentException("data set '" + name + "': " + n + " rows need " + n + " × " + targetDim
                    + " targets, got " + targets.length);
        }
        return new Dataset(name, Task.REGRESSION, features, shape, new int[0], targets, targetDim,
                names(featureNames, product(shape), name), List.of(), null);
    }

    /**
     * A classification set from rows of features in memory, one {@code double[]} per example (all of
     * one length, the feature count), as float32; the features are unnamed.
     *
     * @param x          one row per example, at least one
     * @param y          one class id per row, in {@code [0, classNames.size())}
     * @param classNames one name per class; at least two classes
     * @throws IllegalArgumentException naming the data set and the row, if x has no rows, rows of
     *     different lengths or of length 0, or y another length or a class id out of range
     */
    public static Dataset classification(String name, double[][] x, int[] y, List<String> classNames) {
        return classification(name, flatten(name, x.length, i -> x[i] == null ? -1 : x[i].length, (i, j) -> (float) x[i][j]),
                new int[] {x[0].length}, y, List.of(), classNames);
    }

    /** {@link #classification(String, double[][], int[], List)} from rows of float32 features. */
    public static Dataset classification(String name, float[][] x, int[] y, List<String> classNames) {
        return classification(name, flatten(name, x.length, i -> x[i] == null ? -1 : x[i].length, (i, j) -> x[i][j]),
                new int[] {x[0].length}, y, List.of(), classNames);
    }

    /**
     * A regression set with one target per example from rows of features in memory, one
     * {@code double[]} per example (all of one length), as float32; the features are unnamed.
     *
     * @param x one row per example, at least one
     * @param y one target per row
     * @throws IllegalArgumentException naming the data set and the row, if x has no rows, rows of
     *     different lengths or of length 0, or y another length
     */
    public static Dataset regression(String name, double[][] x, double[] y) {
        Objects.requireNonNull(y, "y");
        float[] targets = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            targets[i] = (float) y[i];
        }
        return regression(name, flatten(name, x.length, i -> x[i] == null ? -1 : x[i].length, (i, j) -> (float) x[i][j]),
                new int[] {x[0].length}, targets, 1, List.of());
    }

    /** {@link #regression(String, double[][], double[])} from rows of float32 features and targets. */
    public static Dataset regression(String name, float[][] x, float[] y) {
        return regression(name, flatten(name, x.length, i -> x[i] == null ? -1 : x[i].length, (i, j) -> x[i][j]),
                new int[] {x[0].length}, Objects.requireNonNull(y, "y").clone(), 1, List.of());
    }

    /** Reads one value of row i, column j of a caller's rows. */
    private interface Cell {
        float at(int i, int j);
    }

    /** Rows of equal length ≥ 1 (-1: a null row) as one row-major float32 array. */
    private static float[] flatten(String name, int rows, java.util.function.IntUnaryOperator length, Cell cell) {
        if (rows == 0) {
            throw new IllegalArgumentException("data set '" + name + "': x has no rows; give at least one row of features");
        }
        int f = length.applyAsInt(0);
        for (int i = 0; i < rows; i++) {
            int len = length.applyAsInt(i);
            if (len < 0) {
                throw new IllegalArgumentException("data set '" + name + "': row " + i + " of x is null");
            }
            if (len == 0) {
                throw new IllegalArgumentException("data set '" + name + "': row " + i + " of x has no features");
            }
            if (len != f) {
                throw new IllegalArgumentException("data set '" + name + "': row " + i + " of x has " + len
                        + " features but row 0 has " + f + "; every row needs the same number");
            }
        }
        float[] flat = new float[Math.multiplyExact(rows, f)];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < f; j++) {
                flat[i * f + j] = cell.at(i, j);
            }
        }
        return flat;
    }

    private static int[] checkShape(int[] featureShape) {
        if (featureShape.length == 0) {
            throw new IllegalArgumentException("feature shape must have at least one dimension");
        }
        for (int d : featureShape) {
            if (d <= 0) {
                throw new IllegalArgumentException("feature shape " + Arrays.toString(featureShape) + " has a non-positive dimension");
            }
        }
        return featureShape.clone();
    }

    private static int checkRows(float[] features, int[] shape) {
        int f = product(shape);
        if (features.length % f != 0) {
            throw new IllegalArgumentException(features.length + " feature values are not a whole number of rows of "
                    + f + " (shape " + Arrays.toString(shape) + ")");
        }
        return features.length / f;
    }

    private static List<String> names(List<String> featureNames, int featureCount, String name) {
        if (featureNames.isEmpty()) {
            return List.of();
        }
        if (featureNames.size() != featureCount) {
            throw new IllegalArgumentException("data set '" + name + "': " + featureNames.size() + " feature names for "
                    + featureCount + " features");
        }
        return List.copyOf(featureNames);
    }

    private static int product(int[] shape) {
        int p = 1;
        for (int d : shape) {
            p = Math.multiplyExact(p, d);
        }
        return p;
    }

    /** The base row behind row {@code i} of this view. */
    private int base(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("row " + i + " of a data set with " + size + " rows");
        }
        return rows == null ? i : rows[i];
    }

    /** @return the name messages give the set (e.g. {@code iris}, a file name without {@code .csv}) */
    public String name() { return name; }
    /** @return classification (class ids) or regression (targets) */
    public Task task() { return task; }
    /** @return the number of rows (of this view, for a subset) */
    public int size() { return size; }
    /** @return the values per row: the product of {@link #featureShape()} */
    public int featureCount() { return featureCount; }
    /** Shape of one example (a copy). */
    public int[] featureShape() { return shape.clone(); }
    /** Number of classes (classification), 0 for regression. */
    public int classCount() { return classNames.size(); }
    /** @return one name per class, indexed by class id (classification); empty for regression */
    public List<String> classNames() { return classNames; }
    /** One name per flattened feature, or empty when the features are unnamed (pixels). */
    public List<String> featureNames() { return featureNames; }
    /** Targets per example (regression), 0 for classification. */
    public int targetDim() { return targetDim; }

    /** Class id of row {@code i} (classification only). */
    public int label(int i) {
        requireTask(Task.CLASSIFICATION);
        return labels[base(i)];
    }

    /** Target {@code j} of row {@code i} (regression only). */
    public float target(int i, int j) {
        requireTask(Task.REGRESSION);
        return targets[base(i) * targetDim + j];
    }

    /** Feature {@code j} of row {@code i}. */
    public float feature(int i, int j) {
        return x[base(i) * featureCount + j];
    }

    /** Copies row {@code i}'s features into {@code dst[off .. off + featureCount)}. */
    public void copyFeatures(int i, float[] dst, int off) {
        System.arraycopy(x, base(i) * featureCount, dst, off, featureCount);
    }

    /** The class ids of this view, in order (a new array). */
    public int[] labels() {
        requireTask(Task.CLASSIFICATION);
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = labels[base(i)];
        }
        return out;
    }

    /** The features of this view as a new row-major array of {@code size × featureCount}. */
    public float[] features() {
        float[] out = new float[size * featureCount];
        for (int i = 0; i < size; i++) {
            copyFeatures(i, out, i * featureCount);
        }
        return out;
    }

    /** The regression targets of this view as a new array of {@code size × targetDim}. */
    public float[] targets() {
        requireTask(Task.REGRESSION);
        float[] out = new float[size * targetDim];
        for (int i = 0; i < size; i++) {
            System.arraycopy(targets, base(i) * targetDim, out, i * targetDim, targetDim);
        }
        return out;
    }

    /**
     * Gathers the rows {@code order[from .. from + count)} of this view into a batch: their features
     * into {@code xDst} (count × featureCount) and their class ids into {@code yDst} (classification)
     * or their targets into {@code tDst} (count × targetDim, regression). Pass {@code null} for the
     * target array the task does not use. This is the batching hot path: it allocates nothing.
     */
    public void gather(int[] order, int from, int count, float[] xDst, int[] yDst, float[] tDst) {
        for (int r = 0; r < count; r++) {
            int b = base(order[from + r]);
            System.arraycopy(x, b * featureCount, xDst, r * featureCount, featureCount);
            if (task == Task.CLASSIFICATION) {
                yDst[r] = labels[b];
            } else {
                System.arraycopy(targets, b * targetDim, tDst, r * targetDim, targetDim);
            }
        }
    }

    /**
     * A view of the rows {@code indices} (positions in this view, repeats allowed), sharing this set's
     * storage. Views of views compose.
     */
    public Dataset subset(int[] indices) {
        int[] mapped = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            mapped[i] = base(indices[i]);
        }
        boolean ascending = true;
        for (int i = 1; i < indices.length && ascending; i++) {
            ascending = indices[i] > indices[i - 1];
        }
        // a shuffled view is no longer in time order; an ascending one (a time-order split's part) still is
        return new Dataset(name, task, x, shape, labels, targets, targetDim, featureNames, classNames, mapped, ascending ? timeGap : -1,
                changeTarget);
    }

    /**
     * A data set with the same targets, names and shape but other features, e.g. scaled ones.
     * {@code newFeatures} holds this view's rows in order ({@code size × featureCount}); it is taken over.
     */
    public Dataset withFeatures(float[] newFeatures) {
        if (newFeatures.length != size * featureCount) {
            throw new IllegalArgumentException("withFeatures: expected " + size * featureCount + " values, got " + newFeatures.length);
        }
        if (task == Task.CLASSIFICATION) {
            return new Dataset(name, task, newFeatures, shape, labels(), new float[0], 0, featureNames, classNames, null, timeGap,
                    changeTarget);
        }
        return new Dataset(name, task, newFeatures, shape, new int[0], targets(), targetDim, featureNames, classNames, null, timeGap,
                changeTarget);
    }

    /**
     * The same rows with another feature shape of the same size (e.g. {@code [64]} to
     * {@code [1, 8, 8]}), sharing the storage.
     */
    public Dataset withShape(int... newShape) {
        int[] checked = checkShape(newShape);
        if (product(checked) != featureCount) {
            throw new IllegalArgumentException("shape " + Arrays.toString(newShape) + " holds " + product(checked)
                    + " features; data set '" + name + "' has " + featureCount + " per row");
        }
        return new Dataset(name, task, x, checked, labels, targets, targetDim, featureNames, classNames, rows, timeGap, changeTarget);
    }

    /** The same content under another name. */
    public Dataset named(String newName) {
        return new Dataset(newName, task, x, shape, labels, targets, targetDim, featureNames, classNames, rows, timeGap, changeTarget);
    }

    /**
     * Whether the rows are in time order, as {@code SeriesWindows.windows} makes them: a
     * validation fraction of {@code fit} ({@code FitOptions.validationFraction}) then holds out the
     * last rows, {@link #timeOrderGap()} rows after the fitted ones, instead of random ones, which
     * would sit between fitted rows in time and overlap them. A subset keeps the mark when its
     * indices ascend.
     */
    public boolean timeOrdered() {
        return timeGap >= 0;
    }

    /** @return the rows a time-ordered hold-out leaves out between the fitted rows and the held-out ones; -1 when not {@link #timeOrdered} */
    public int timeOrderGap() {
        return timeGap;
    }

    /**
     * The same rows marked as in time order ({@link #timeOrdered}), e.g. a table of days oldest
     * first.
     *
     * @param gap ≥ 0: rows a time-ordered hold-out leaves out between the fitted rows and the
     *     held-out ones, so that no fitted target reaches a held-out one (a forecaster of
     *     {@code horizon} values: {@code horizon − 1})
     */
    public Dataset inTimeOrder(int gap) {
        if (gap < 0) {
            throw new IllegalArgumentException("the gap of a time-ordered hold-out must be >= 0, got " + gap);
        }
        return new Dataset(name, task, x, shape, labels, targets, targetDim, featureNames, classNames, rows, gap, changeTarget);
    }

    /**
     * Whether a model of these rows should learn each target's change from the row's last feature
     * (the window's last value, for {@code SeriesWindows.windows} with {@code Target.CHANGE}) and
     * add that value back to its forecasts: a trend or a random walk is then learnable. The targets
     * themselves stay the values to forecast; {@code NetworkEstimator} builds such a model with
     * {@code Sequential.Builder#changeFromLastInput}.
     */
    public boolean changeTarget() {
        return changeTarget;
    }

    /**
     * The same rows marked (or not) for a {@link #changeTarget change target}.
     *
     * @throws IllegalStateException if this is a classification set
     */
    public Dataset withChangeTarget(boolean change) {
        if (change && task != Task.REGRESSION) {
            throw new IllegalStateException("a change target is for regression; data set '" + name + "' is a classification set");
        }
        return new Dataset(name, task, x, shape, labels, targets, targetDim, featureNames, classNames, rows, timeGap, change);
    }

    /**
     * SHA-256 (hex) of this view's content: task, shape, names, every feature's bits and every
     * target in row order, and whether it has a {@link #changeTarget change target}. Studies and
     * saved models record it to tell whether data changed.
     */
    public String fingerprint() {
        String f = fingerprint;
        if (f == null) {
            f = computeFingerprint();
            fingerprint = f;
        }
        return f;
    }

    private String computeFingerprint() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        // a change target is another learning problem on the same numbers (a study resumed with it must not mix trials);
        // left out when off, so every other set's fingerprint stays what it was
        md.update((task + "|" + Arrays.toString(shape) + "|" + targetDim + "|" + featureNames + "|" + classNames + "|" + size
                + (changeTarget ? "|change" : "")).getBytes(StandardCharsets.UTF_8));
        ByteBuffer buf = ByteBuffer.allocate(4 * (featureCount + Math.max(1, targetDim))).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < size; i++) {
            buf.clear();
            int b = base(i);
            for (int j = 0; j < featureCount; j++) {
                buf.putInt(Float.floatToIntBits(x[b * featureCount + j]));
            }
            if (task == Task.CLASSIFICATION) {
                buf.putInt(labels[b]);
            } else {
                for (int j = 0; j < targetDim; j++) {
                    buf.putInt(Float.floatToIntBits(targets[b * targetDim + j]));
                }
            }
            md.update(buf.array(), 0, buf.position());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private void requireTask(Task wanted) {
        if (task != wanted) {
            throw new IllegalStateException("data set '" + name + "' is a " + task.name().toLowerCase()
                    + " set; this needs a " + wanted.name().toLowerCase() + " set");
        }
    }

    @Override
    public String toString() {
        return "Dataset[" + name + ", " + task.name().toLowerCase() + ", " + size + " × " + Arrays.toString(shape)
                + (task == Task.CLASSIFICATION ? ", " + classCount() + " classes" : ", " + targetDim + " targets") + "]";
    }
}
