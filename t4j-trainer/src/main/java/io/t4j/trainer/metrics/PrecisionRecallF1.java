package io.t4j.trainer.metrics;

/** sklearn's {@code precision_recall_fscore_support} result for one averaging (support is null unless per class). */
public record PrecisionRecallF1(double precision, double recall, double f1) {}
