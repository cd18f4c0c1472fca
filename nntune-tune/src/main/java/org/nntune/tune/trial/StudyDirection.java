package org.nntune.tune.trial;

/** Whether an objective is to be minimised or maximised. */
public enum StudyDirection {
    /** Smaller values are better (a loss, an error). */
    MINIMIZE,
    /** Larger values are better (an accuracy, an R²). */
    MAXIMIZE;

    /** @return whether {@code a} is strictly better than {@code b} in this direction */
    public boolean isBetter(double a, double b) {
        return this == MINIMIZE ? a < b : a > b;
    }

    /** @return the value turned so that smaller is better ({@code -v} when maximising) */
    public double toMinimized(double v) {
        return this == MINIMIZE ? v : -v;
    }
}
