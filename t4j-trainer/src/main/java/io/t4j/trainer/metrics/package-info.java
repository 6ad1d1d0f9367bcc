/**
 * Classification metrics with scikit-learn's semantics (sklearn/metrics/_classification.py, _ranking.py) and HF's
 * {@code EvalPrediction} (trainer_utils.py): what {@code compute_metrics} receives and returns.
 */
package io.t4j.trainer.metrics;
