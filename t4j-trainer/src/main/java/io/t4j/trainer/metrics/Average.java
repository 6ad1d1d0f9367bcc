package io.t4j.trainer.metrics;

/** sklearn's {@code average} for precision, recall and F1. */
public enum Average {
    /** Only the positive class ({@code pos_label}, 1 by default); the targets must be binary. */
    BINARY,
    /** Unweighted mean of the per-class scores. */
    MACRO,
    /** Scores of the pooled true positives, false positives and false negatives. */
    MICRO,
    /** Mean of the per-class scores weighted by each class's support (number of true instances). */
    WEIGHTED
}
