package org.nntune.nn.data;

/** What a data set's targets are: class ids, or real-valued targets. */
public enum Task {
    /** Integer class ids in {@code [0, classCount)}. */
    CLASSIFICATION,
    /** One or more float targets per example. */
    REGRESSION
}
