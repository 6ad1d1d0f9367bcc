package io.t4j.trainer;

import io.t4j.engine.nn.CrossEntropyLoss;
import org.bytedeco.pytorch.Tensor;

/**
 * HF's {@code LabelSmoother} (trainer_pt_utils.py), what {@code label_smoothing_factor} turns on: the loss of logits
 * against class-index labels is {@code (1 - epsilon) * nll + epsilon * (sum over classes of -log p) / num_classes},
 * both averaged over the positions whose label is not -100. That is {@code torch.nn.CrossEntropyLoss}'s own
 * {@code label_smoothing} with the ignored index, which computes it here.
 *
 * @param epsilon the smoothing factor, in [0, 1)
 */
public record LabelSmoother(double epsilon) {
    public LabelSmoother {
        checkFactor(epsilon);
    }

    /** {@code label_smoothing_factor} must lie in [0, 1) (TrainingArguments checks it with this when built). */
    static void checkFactor(double epsilon) {
        if (!(epsilon >= 0 && epsilon < 1)) {
            throw new IllegalArgumentException("label_smoothing_factor must be in [0, 1), got " + epsilon);
        }
    }

    /**
     * The smoothed loss of {@code logits} [..., C] (any float dtype, computed in float32) against int64
     * {@code labels} [...] (-100 ignored). With {@code shiftLabels} (a causal LM, whose labels are its inputs)
     * position t's logits are scored against label t + 1, as the model's own loss does.
     */
    public Tensor loss(Tensor logits, Tensor labels, boolean shiftLabels) {
        if (labels.is_floating_point()) {
            throw new IllegalArgumentException("label_smoothing_factor needs class-index labels, but the labels are "
                    + labels.scalar_type() + " (regression or multi-label classification); set label_smoothing_factor 0");
        }
        long classes = logits.size(-1);
        if (shiftLabels) {
            long t = labels.size(-1);
            logits = logits.narrow(-2, 0, t - 1); // [B,T,C] -> [B,T-1,C]
            labels = labels.narrow(-1, 1, t - 1); // [B,T] -> [B,T-1]
        }
        Tensor flatLogits = logits.reshape(-1, classes); // [..., C] -> [N, C]
        Tensor flatLabels = labels.reshape(-1);          // [...] -> [N]
        return new CrossEntropyLoss(epsilon).forward(flatLogits, flatLabels);
    }
}
