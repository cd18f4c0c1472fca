package org.nntune.nn.model;

import java.util.List;

/**
 * The record of one {@code fit}: a result per epoch run, and why training stopped
 * ({@code "completed N epochs"}, or the reason a listener or stopping rule gave).
 */
public record History(List<EpochResult> epochs, String stopReason) {

    /** Keeps an unmodifiable copy of the epochs' results. */
    public History {
        epochs = List.copyOf(epochs);
    }

    /** Number of epochs run. */
    public int epochCount() {
        return epochs.size();
    }

    /** The last epoch's result; an error when no epoch ran. */
    public EpochResult last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("no epoch was run");
        }
        return epochs.get(epochs.size() - 1);
    }
}
