package org.nntune.nn.layer;

import org.nntune.nn.tensor.Rng;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * A lookup table from token ids to vectors, as PyTorch's {@code nn.Embedding}: the input is a
 * sequence of {@code time} token ids (stored as floats, exact below 2²⁴), the output
 * {@code [time, dim]}, row t the table's row of token t. Weights start N(0, 1).
 *
 * <p>The padding id's row starts at zero, stays zero and gets no gradient, so padded steps embed
 * to zero vectors. Sequences are right-padded with it: a row's length (what the recurrent layers
 * after it use) is the position after its last non-padding token, see {@link #lengths}.
 *
 * <p>The table's gradient is non-zero only in the rows of the tokens the batch used (the padding
 * row never); the backward pass clears it with one fill (regularisation may have added to every
 * row since) and then adds each token's output gradient to its row. The input is not
 * differentiable: an embedding is the network's first layer.
 */
public final class Embedding extends Layer {
    private final int vocabulary;
    private final int dim;
    private final int paddingId;
    private Param table;

    /**
     * @param vocabulary number of token ids, {@code [0, vocabulary)}
     * @param dim        size of each vector
     * @param paddingId  the padding token's id, in {@code [0, vocabulary)}
     */
    public Embedding(int vocabulary, int dim, int paddingId) {
        checkPositive("embedding vocabulary size", vocabulary);
        checkPositive("embedding size", dim);
        if (paddingId < 0 || paddingId >= vocabulary) {
            throw new IllegalArgumentException("embedding padding id " + paddingId + " is outside the vocabulary [0, " + vocabulary + ")");
        }
        this.vocabulary = vocabulary;
        this.dim = dim;
        this.paddingId = paddingId;
    }

    /** @return the number of token ids: the input holds ids in {@code [0, vocabulary)} */
    public int vocabulary() { return vocabulary; }
    /** @return the size of each token's vector: the output is {@code [time, dim]} */
    public int dim() { return dim; }
    /** @return the padding token's id: its vector stays zero, and a row ends after its last other token */
    public int paddingId() { return paddingId; }

    @Override
    protected int[] configure(int[] in) {
        if (in.length != 1) {
            throw new IllegalArgumentException("embedding needs a sequence of token ids, input(time), got " + Arrays.toString(in));
        }
        table = new Param("weight", true, vocabulary, dim);
        return new int[] {in[0], dim};
    }

    @Override
    public String kind() {
        return "embedding";
    }

    @Override
    public String describe() {
        return vocabulary + " tokens, padding id " + paddingId;
    }

    @Override
    public void writeConfig(DataOutputStream out) throws IOException {
        out.writeInt(vocabulary);
        out.writeInt(dim);
        out.writeInt(paddingId);
    }

    @Override
    public List<Param> params() {
        return List.of(table);
    }

    @Override
    public void initialize(Rng rng) {
        float[] w = table.value().data();
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rng.nextGaussian();
        }
        Arrays.fill(w, paddingId * dim, (paddingId + 1) * dim, 0f);
    }

    /** The id at x[i], checked: an integer in {@code [0, vocabulary)}. */
    private int id(float[] x, int i) {
        float v = x[i];
        int id = (int) v;
        if (id != v || id < 0 || id >= vocabulary) {
            int time = inputSize();
            throw new IllegalArgumentException("embedding: token id " + v + " at row " + (i / time) + ", step " + (i % time)
                    + " is not an integer in [0, " + vocabulary + ")");
        }
        return id;
    }

    /**
     * Per row of {@code n} token-id rows of {@code time} steps: the position after the last token
     * that is not {@code paddingId} (0 for a row of padding only).
     */
    public static void lengths(float[] ids, int n, int time, int paddingId, int[] lengths) {
        for (int r = 0; r < n; r++) {
            int len = time;
            while (len > 0 && ids[r * time + len - 1] == paddingId) {
                len--;
            }
            lengths[r] = len;
        }
    }

    @Override
    public void forward(float[] x, float[] y, int n, Cache cache, Pass pass) {
        float[] w = table.value().data();
        int tokens = n * inputSize();
        for (int i = 0; i < tokens; i++) {
            System.arraycopy(w, id(x, i) * dim, y, i * dim, dim);
        }
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int n, Cache cache) {
        float[] g = table.grad().data();
        Arrays.fill(g, 0f);
        int tokens = n * inputSize();
        for (int i = 0; i < tokens; i++) {
            int id = id(x, i);
            if (id == paddingId) {
                continue;
            }
            int go = id * dim;
            int yo = i * dim;
            for (int j = 0; j < dim; j++) {
                g[go + j] += dy[yo + j];
            }
        }
        if (dx != null) {
            Arrays.fill(dx, 0, tokens, 0f);
        }
    }
}
