package org.nntune.cli.run;

/** Counts trials failing in a row with the same reason; trips at the limit. */
final class RepeatedFailures {
    private final int limit;
    private String reason;
    private int count;
    private boolean tripped;

    RepeatedFailures(int limit) {
        this.limit = limit;
    }

    /** Records a failure; true when this one reaches the limit. */
    synchronized boolean add(String why) {
        count = why.equals(reason) ? count + 1 : 1;
        reason = why;
        if (count >= limit) {
            tripped = true;
        }
        return tripped;
    }

    synchronized void reset() {
        count = 0;
        reason = null;
    }

    synchronized boolean tripped() {
        return tripped;
    }

    synchronized int count() {
        return count;
    }

    synchronized String reason() {
        return reason;
    }
}
