package io.t4j.trainer;

import java.util.Map;

/**
 * HF's {@code PredictionOutput} (trainer_utils.py).
 *
 * @param predictions logits [num_examples][num_labels]
 * @param labelIds    gold labels, or null when the dataset has none
 * @param metrics     test_loss (with labels), test_&lt;metric&gt;, test_runtime, test_samples_per_second, ...
 */
public record PredictionOutput(float[][] predictions, int[] labelIds, Map<String, Double> metrics) {}
