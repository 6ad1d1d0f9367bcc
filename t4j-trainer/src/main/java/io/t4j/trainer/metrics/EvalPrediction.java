package io.t4j.trainer.metrics;

/**
 * HF's {@code EvalPrediction} (trainer_utils.py): what {@code compute_metrics} receives.
 *
 * @param predictions logits, [num_examples][num_labels]
 * @param labelIds    the gold label of each example
 */
public record EvalPrediction(float[][] predictions, int[] labelIds) {
    public EvalPrediction {
        if (labelIds != null && labelIds.length != predictions.length) {
            throw new IllegalArgumentException("predictions has " + predictions.length + " rows but label_ids has "
                    + labelIds.length);
        }
    }

    /** {@code predictions.argmax(-1)}: the first index of each row's largest logit, as numpy. */
    public int[] argmax() {
        int[] out = new int[predictions.length];
        for (int i = 0; i < predictions.length; i++) {
            float[] row = predictions[i];
            int best = 0;
            for (int j = 1; j < row.length; j++) {
                if (row[j] > row[best]) {
                    best = j;
                }
            }
            out[i] = best;
        }
        return out;
    }
}
