package org.nntune.dashboard;

import java.util.BitSet;

/** Deterministic downsampling: which of {@code n} items to draw when at most {@code cap} fit. */
final class Sample {
    private Sample() {}

    /**
     * @param n how many items there are
     * @param cap how many may be drawn
     * @param mustKeep items always kept (e.g. improvements of the best value); may be empty
     * @return the kept indices: all of them when {@code n <= cap}; else every {@code mustKeep}
     *     item (up to {@code cap}) and evenly spaced others filling up to {@code cap}
     */
    static BitSet keep(int n, int cap, BitSet mustKeep) {
        BitSet out = new BitSet(n);
        if (n <= cap) {
            out.set(0, n);
            return out;
        }
        int kept = 0;
        for (int i = mustKeep.nextSetBit(0); i >= 0 && i < n && kept < cap; i = mustKeep.nextSetBit(i + 1)) {
            out.set(i);
            kept++;
        }
        int room = cap - kept;
        if (room > 0) {
            // evenly spaced positions; collisions with must-keep items just lose a slot
            for (int k = 0; k < room; k++) {
                int i = (int) ((long) k * n / room);
                out.set(i);
            }
        }
        return out;
    }
}
