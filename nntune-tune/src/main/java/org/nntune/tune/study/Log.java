package org.nntune.tune.study;

/** Whether a numeric parameter is searched on a log scale, as in {@code suggestFloat("lr", 1e-5, 1e-1, Log.YES)}. */
public enum Log {
    /** log-uniform */
    YES,
    /** uniform */
    NO
}
