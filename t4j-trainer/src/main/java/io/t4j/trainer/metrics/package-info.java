/**
 * Classification metrics with scikit-learn's semantics (sklearn/metrics/_classification.py, _ranking.py), HF's
 * {@code EvalPrediction} (trainer_utils.py), and seqeval's entity-level metrics for token classification
 * ({@link io.t4j.trainer.metrics.Seqeval}, as run_ner.py's {@code compute_metrics} reports them): what
 * {@code compute_metrics} receives and returns.
 */
package io.t4j.trainer.metrics;
