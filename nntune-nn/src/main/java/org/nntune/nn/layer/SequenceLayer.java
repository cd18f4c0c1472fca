package org.nntune.nn.layer;

import java.util.Arrays;

/**
 * A layer over sequences: each example is {@code [time, features]} (row-major, time steps one
 * after another) and has its own length, the number of real steps at its start; the steps after
 * it are padding. A sequence layer reads the lengths from its cache, where the network (or a
 * caller driving the layer directly) puts them with {@link #setLengths} before the forward pass;
 * a cache whose lengths were never set treats every row as full length.
 *
 * <p>Padding never changes a result: the layer computes only over each row's real steps and
 * writes zeros at padded steps, so the same rows padded to 50 or to 200 steps give the same
 * outputs and gradients, bit for bit. (A {@link Dropout} layer on a whole sequence is not
 * length-aware: it draws a mask value for every step, padded or not, so with one the random
 * stream, not the arithmetic, depends on the padding; the recurrent layers' own dropout between
 * stacked layers draws for the real steps only.)
 */
public abstract class SequenceLayer extends Layer {

    /** A cache that carries the per-row lengths of the batch. */
    public abstract static class SequenceCache implements Cache {
        final int[] lengths;

        /**
         * @param batch the rows the cache holds
         * @param time the input's time steps: every row is full length until {@link #setLengths}
         *     says otherwise
         */
        protected SequenceCache(int batch, int time) {
            lengths = new int[batch];
            Arrays.fill(lengths, time);
        }
    }

    /**
     * Sets the lengths of the next batch's rows ({@code lengths[0 .. n)}, each in
     * {@code [0, time]}) in a cache of this layer.
     */
    public final void setLengths(Cache cache, int[] lengths, int n) {
        int time = time();
        int[] dst = ((SequenceCache) cache).lengths;
        if (n > dst.length) {
            throw new IllegalArgumentException(n + " lengths for a cache of " + dst.length + " rows");
        }
        for (int i = 0; i < n; i++) {
            if (lengths[i] < 0 || lengths[i] > time) {
                throw new IllegalArgumentException("row " + i + " has length " + lengths[i] + "; allowed: 0 to " + time
                        + " (the input's time steps)");
            }
        }
        System.arraycopy(lengths, 0, dst, 0, n);
    }

    /** The lengths of the rows of the cache's current batch. */
    static int[] lengths(Cache cache) {
        return ((SequenceCache) cache).lengths;
    }

    /** The longest of the first n lengths. */
    static int maxLength(int[] lengths, int n) {
        int m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, lengths[i]);
        }
        return m;
    }

    /** Time steps of the input. */
    public final int time() {
        return inputShape()[0];
    }

    /** Features per time step of the input. */
    final int stepFeatures() {
        int[] in = inputShape();
        return in.length == 1 ? 1 : in[1];
    }

    /** The sequence shape [time, features] this layer needs, or an error naming the layer. */
    static int[] requireSequence(String kind, int[] in) {
        if (in.length != 2) {
            throw new IllegalArgumentException(kind + " needs a sequence input [time, features], got " + Arrays.toString(in)
                    + "; put an embedding before it for token ids, or declare the input as input(time, features)");
        }
        return in;
    }
}
