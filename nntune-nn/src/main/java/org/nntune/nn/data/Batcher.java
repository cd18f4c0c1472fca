package org.nntune.nn.data;

import java.util.SplittableRandom;

/**
 * Mini-batches over a data set, reusing preallocated buffers. Each epoch visits every row once in
 * an order shuffled with a seed derived from the base seed and the epoch number alone
 * ({@code seed + epoch × 0x9E3779B97F4A7C15}), so epoch e's order is the same whether or not
 * earlier epochs ran (a resumed run repeats it). The last batch of an epoch is kept even when it is
 * smaller than the batch size. Rows are copied only into the batch buffers, via
 * {@link Dataset#gather}.
 *
 * <pre>
 * Batcher b = new Batcher(train, 32, seed, true);
 * for (int epoch = 0; epoch &lt; epochs; epoch++) {
 *     b.startEpoch(epoch);
 *     for (int n; (n = b.nextBatch()) &gt; 0; ) {
 *         // b.features(): n × featureCount floats; b.labels() or b.targets()
 *     }
 * }
 * </pre>
 *
 * Not thread-safe: one batcher per training loop.
 */
public final class Batcher {
    private final Dataset data;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;
    private final int[] order;
    private final float[] x;
    private final int[] y;
    private final float[] t;
    private int position;
    private int epoch = -1;

    /**
     * @param data      the rows to batch (a view is fine)
     * @param batchSize rows per batch, at least 1 (capped at the data set's size)
     * @param seed      base seed of the per-epoch shuffles
     * @param shuffle   false: every epoch visits the rows in their order
     */
    public Batcher(Dataset data, int batchSize, long seed, boolean shuffle) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (data.size() == 0) {
            throw new IllegalArgumentException("data set '" + data.name() + "' has no rows to batch");
        }
        this.data = data;
        this.batchSize = Math.min(batchSize, data.size());
        this.seed = seed;
        this.shuffle = shuffle;
        this.order = Splits.identity(data.size());
        this.x = new float[this.batchSize * data.featureCount()];
        this.y = data.task() == Task.CLASSIFICATION ? new int[this.batchSize] : new int[0];
        this.t = data.task() == Task.REGRESSION ? new float[this.batchSize * data.targetDim()] : new float[0];
    }

    /** Starts epoch {@code epoch} (≥ 0): resets the position and reshuffles for that epoch. */
    public void startEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        this.epoch = epoch;
        this.position = 0;
        for (int i = 0; i < order.length; i++) order[i] = i;
        if (shuffle) {
            Splits.shuffle(order, new SplittableRandom(seed + epoch * 0x9E3779B97F4A7C15L));
        }
    }

    /**
     * Fills the buffers with the next batch and returns its row count; 0 when the epoch is over.
     * The batch's rows are {@link #features()} {@code [0, n × featureCount)} and
     * {@link #labels()} or {@link #targets()} {@code [0, n)} / {@code [0, n × targetDim)}.
     */
    public int nextBatch() {
        if (epoch < 0) {
            throw new IllegalStateException("call startEpoch(epoch) before nextBatch()");
        }
        int n = Math.min(batchSize, order.length - position);
        if (n <= 0) {
            return 0;
        }
        data.gather(order, position, n, x, y, t);
        position += n;
        return n;
    }

    /** The feature buffer (batchSize × featureCount), reused by every batch. */
    public float[] features() { return x; }
    /** The class-id buffer (classification), reused by every batch. */
    public int[] labels() { return y; }
    /** The target buffer (regression), reused by every batch. */
    public float[] targets() { return t; }
    /** @return rows per full batch: the size asked for, or the data set's size when that is smaller */
    public int batchSize() { return batchSize; }
    /** Batches per epoch, the last one possibly partial: ceil(size / batchSize). */
    public int batchesPerEpoch() { return (data.size() + batchSize - 1) / batchSize; }
    /** The row positions of the current epoch in visiting order (a copy). */
    public int[] epochOrder() { return order.clone(); }
}
