package io.t4j.trainer.metrics;

import io.t4j.data.NdArray;
import java.util.Arrays;
import java.util.List;

/**
 * HF's {@code EvalPrediction} (trainer_utils.py): what {@code compute_metrics} receives. HF's {@code predictions}
 * and {@code label_ids} are a numpy array each, or a tuple of them when the model returns several prediction
 * tensors (question answering's start and end logits) or takes several labels ({@code label_names}); here they are
 * always lists, and {@link #predictions()} / {@link #labelIds()} give the first (often only) one.
 *
 * @param predictionsTuple the gathered prediction tensors of the whole dataset, in the output's order: [N,K]
 *                         classification logits, [N,T,K] token logits (positions past a batch's length are -100), ...
 * @param labelIdsTuple    the gathered labels in label_names order ([N] class ids, [N,T] token labels, ...), or empty
 */
public record EvalPrediction(List<NdArray> predictionsTuple, List<NdArray> labelIdsTuple) {
    public EvalPrediction {
        predictionsTuple = List.copyOf(predictionsTuple);
        labelIdsTuple = List.copyOf(labelIdsTuple);
        if (predictionsTuple.isEmpty()) {
            throw new IllegalArgumentException("EvalPrediction needs at least one prediction array");
        }
        int n = predictionsTuple.getFirst().shape()[0];
        for (NdArray a : labelIdsTuple) {
            if (a.shape()[0] != n) {
                throw new IllegalArgumentException("predictions has " + n + " rows but label_ids has " + a.shape()[0]
                        + " (shape " + Arrays.toString(a.shape()) + ")");
            }
        }
    }

    /** A classifier's logits [N,K] and gold class ids [N] (the usual single-array case). */
    public static EvalPrediction of(float[][] logits, int[] labelIds) {
        int k = logits.length == 0 ? 0 : logits[0].length;
        float[] flat = new float[logits.length * k];
        for (int i = 0; i < logits.length; i++) {
            System.arraycopy(logits[i], 0, flat, i * k, k);
        }
        List<NdArray> labels = labelIds == null ? List.of()
                : List.of(NdArray.ofInts(labelIds, labelIds.length));
        return new EvalPrediction(List.of(NdArray.ofFloats(flat, logits.length, k)), labels);
    }

    /** HF's {@code predictions} when the model returns one prediction tensor: the first array. */
    public NdArray predictions() {
        return predictionsTuple.getFirst();
    }

    /** HF's {@code label_ids} for a single label name: the first array, or null when the data had no labels. */
    public NdArray labelIds() {
        return labelIdsTuple.isEmpty() ? null : labelIdsTuple.getFirst();
    }

    /** {@code predictions.argmax(-1)}, flattened: the first index of each row's largest logit, as numpy. */
    public int[] argmax() {
        return predictions().argmax();
    }
}
