/**
 * Classification metrics with scikit-learn's semantics (sklearn/metrics/_classification.py, _ranking.py), HF's
 * {@code EvalPrediction} (trainer_utils.py): what {@code compute_metrics} receives and returns. seqeval's
 * entity-level metrics for token classification ({@link io.t4j.trainer.metrics.Seqeval}, as run_ner.py's
 * {@code compute_metrics} reports them). The official SQuAD v1.1 and v2.0 scores:
 * {@link io.t4j.trainer.metrics.SquadMetric}, {@link io.t4j.trainer.metrics.SquadV2Metric}.
 */
package io.t4j.trainer.metrics;
