package org.nntune.nn.data;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Narrows rows of token ids (as {@link TextEncoder} writes them) to a smaller vocabulary and a
 * shorter length, in place: ids at or above {@code vocabulary} become {@link TextEncoder#UNKNOWN}
 * (the encoder numbers its words most frequent first, so this keeps the {@code vocabulary − 2}
 * most frequent words), and steps from {@code maxLength} on become padding. A search thus tunes
 * the vocabulary size and the maximum length over data encoded once at the largest of each; the
 * transform is saved in the model, so prediction narrows its input the same way.
 */
public record TokenLimit(int featureCount, int vocabulary, int maxLength) implements FittedTransform {
    /** What {@link #kind()} returns: the name model files store this transform under. */
    public static final String KIND = "token-limit";

    /**
     * @throws IllegalArgumentException if the time steps (featureCount) or maxLength is below 1 or the
     *     vocabulary below 2 (padding and unknown)
     */
    public TokenLimit {
        if (featureCount <= 0 || vocabulary < 2 || maxLength < 1) {
            throw new IllegalArgumentException("token limit needs time steps >= 1, a vocabulary >= 2 (padding and unknown) and a"
                    + " max length >= 1, got " + featureCount + ", " + vocabulary + ", " + maxLength);
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void transform(float[] x, int off, int rows) {
        for (int r = 0; r < rows; r++) {
            int o = off + r * featureCount;
            for (int t = 0; t < featureCount; t++) {
                if (t >= maxLength) {
                    x[o + t] = TextEncoder.PADDING;
                } else if (x[o + t] >= vocabulary) {
                    x[o + t] = TextEncoder.UNKNOWN;
                }
            }
        }
    }

    @Override
    public void writeParameters(DataOutputStream out) throws IOException {
        out.writeInt(featureCount);
        out.writeInt(vocabulary);
        out.writeInt(maxLength);
    }

    static TokenLimit read(DataInputStream in) throws IOException {
        return new TokenLimit(in.readInt(), in.readInt(), in.readInt());
    }
}
