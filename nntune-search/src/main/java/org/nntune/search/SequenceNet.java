package org.nntune.search;

import java.util.List;

/**
 * The sequence part of a network (family {@code rnn}): for token-id inputs an embedding, then a
 * recurrent layer (LSTM or GRU, stacked, optionally bidirectional, with a readout over time) or a
 * text CNN block (a 1-D convolution with ReLU and global max pooling over time), then dropout;
 * the dense head and the output layer follow as in {@link NetworkConfig}. Also the token limits
 * applied to encoded text ({@link org.nntune.nn.data.TokenLimit}) and gradient clipping.
 *
 * @param cell          lstm, gru, or cnn (the text CNN)
 * @param embedding     size of the token vectors (token-id inputs only)
 * @param hiddenSize    units of each recurrent layer
 * @param layers        stacked recurrent layers
 * @param bidirectional both directions, their states side by side
 * @param dropout       between stacked recurrent layers and after the readout, in [0, 1)
 * @param readout       last, mean or max over each row's real steps
 * @param maxLength     tokens kept from each text (at most the data's own length)
 * @param vocabSize     token ids kept, padding and unknown included (the most frequent words)
 * @param filters       the text CNN's filters
 * @param kernel        the text CNN's window in tokens
 * @param clipNorm      gradient clipping by global norm; 0 is off
 */
public record SequenceNet(String cell, int embedding, int hiddenSize, int layers, boolean bidirectional, double dropout,
                          String readout, int maxLength, int vocabSize, int filters, int kernel, double clipNorm) {

    /** The cell names. */
    public static final List<String> CELLS = List.of("lstm", "gru", "cnn");
    /** The readout names. */
    public static final List<String> READOUTS = List.of("last", "mean", "max");

    /**
     * @throws IllegalArgumentException if cell or readout is not one of {@link #CELLS} or
     *     {@link #READOUTS}, a size is below 1, vocabSize below 3, dropout outside [0, 1), or clipNorm
     *     negative or not finite
     */
    public SequenceNet {
        NetworkConfig.oneOf("cell", cell, CELLS);
        NetworkConfig.oneOf("readout", readout, READOUTS);
        for (var e : List.of(java.util.Map.entry("embedding", embedding), java.util.Map.entry("hidden_size", hiddenSize),
                java.util.Map.entry("rnn_layers", layers), java.util.Map.entry("max_length", maxLength),
                java.util.Map.entry("filters", filters), java.util.Map.entry("kernel", kernel))) {
            if (e.getValue() < 1) {
                throw new IllegalArgumentException(e.getKey() + " must be >= 1, got " + e.getValue());
            }
        }
        if (vocabSize < 3) {
            throw new IllegalArgumentException("vocab_size must be >= 3 (padding, unknown and one word), got " + vocabSize);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clip_norm must be finite and >= 0 (0 = off), got " + clipNorm);
        }
    }

    /** Whether this is the text CNN rather than a recurrent network. */
    public boolean cnn() {
        return cell.equals("cnn");
    }
}
