package org.nntune.nn.tensor;

import java.util.Arrays;

/**
 * A float32 tensor: a contiguous, row-major array with a shape. The last dimension varies
 * fastest: element {@code (i, j)} of a {@code [rows, cols]} tensor is {@code data()[i * cols + j]}.
 *
 * <p>A tensor owns its array and exposes it through {@link #data()} so that kernels work on it
 * without copies; its shape never changes. Tensors are not thread-safe when written.
 */
public final class Tensor {
    private final float[] data;
    private final int[] shape;

    private Tensor(float[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /** A tensor of zeros with the given shape (every dimension positive). */
    public static Tensor zeros(int... shape) {
        int[] s = checkShape(shape);
        return new Tensor(new float[size(s)], s);
    }

    /** A tensor over {@code data} (taken over, not copied), whose length must equal the product of the shape. */
    public static Tensor of(float[] data, int... shape) {
        int[] s = checkShape(shape);
        if (data.length != size(s)) {
            throw new IllegalArgumentException("shape " + Arrays.toString(s) + " holds " + size(s)
                    + " values, the array has " + data.length);
        }
        return new Tensor(data, s);
    }

    private static int[] checkShape(int[] shape) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("a tensor needs at least one dimension");
        }
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a non-positive dimension");
            }
        }
        return shape.clone();
    }

    /** The product of the dimensions. */
    public static int size(int... shape) {
        int p = 1;
        for (int d : shape) {
            p = Math.multiplyExact(p, d);
        }
        return p;
    }

    /** The backing array (not a copy). */
    public float[] data() {
        return data;
    }

    /** The shape (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code d}. */
    public int dim(int d) {
        return shape[d];
    }

    /** Number of elements. */
    public int size() {
        return data.length;
    }

    /** The element at the given indices, one per dimension. */
    public float get(int... index) {
        return data[offset(index)];
    }

    /** Sets the element at the given indices. */
    public void set(float value, int... index) {
        data[offset(index)] = value;
    }

    private int offset(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(index.length + " indices for a tensor of rank " + shape.length);
        }
        int off = 0;
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " outside shape " + Arrays.toString(shape));
            }
            off = off * shape[d] + index[d];
        }
        return off;
    }

    /** Sets every element to {@code value}. */
    public void fill(float value) {
        Arrays.fill(data, value);
    }

    /** A deep copy. */
    public Tensor copy() {
        return new Tensor(data.clone(), shape.clone());
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
