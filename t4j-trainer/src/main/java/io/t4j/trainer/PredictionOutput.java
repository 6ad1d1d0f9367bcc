package io.t4j.trainer;

import io.t4j.data.NdArray;
import java.util.List;
import java.util.Map;

/**
 * HF's {@code PredictionOutput} (trainer_utils.py).
 *
 * @param predictionsTuple the model's prediction arrays over the dataset ([N,K] logits; start and end logits for
 *                         question answering), empty with {@code prediction_loss_only}
 * @param labelIdsTuple    the gold labels in label_names order, empty when the dataset has none
 * @param metrics          test_loss (with labels), test_&lt;metric&gt;, test_runtime, test_samples_per_second, ...
 */
public record PredictionOutput(List<NdArray> predictionsTuple, List<NdArray> labelIdsTuple, Map<String, Double> metrics) {
    /** The first (often only) prediction array, or null with {@code prediction_loss_only}. */
    public NdArray predictions() {
        return predictionsTuple.isEmpty() ? null : predictionsTuple.getFirst();
    }

    /** The first label array, or null when the dataset has no labels. */
    public NdArray labelIds() {
        return labelIdsTuple.isEmpty() ? null : labelIdsTuple.getFirst();
    }
}
