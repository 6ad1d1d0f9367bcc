package io.t4j.models;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * HF's {@code problem_type} and the loss each implies (as in BertForSequenceClassification.forward): regression →
 * MSE, single-label → cross-entropy, multi-label → BCE with logits.
 */
public enum ProblemType {
    REGRESSION("regression"),
    SINGLE_LABEL_CLASSIFICATION("single_label_classification"),
    MULTI_LABEL_CLASSIFICATION("multi_label_classification");

    private final String configName;

    ProblemType(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static ProblemType fromConfig(String name) {
        for (ProblemType p : values()) {
            if (p.configName.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown problem_type '" + name
                + "' (expected regression, single_label_classification or multi_label_classification)");
    }

    /** HF's inference when problem_type is unset: one label → regression; integer labels → single-label; else multi-label. */
    public static ProblemType infer(String configured, int numLabels, Tensor labels) {
        if (configured != null) {
            return fromConfig(configured);
        }
        if (numLabels == 1) {
            return REGRESSION;
        }
        ScalarType t = labels.scalar_type().intern();
        return t == ScalarType.Long || t == ScalarType.Int ? SINGLE_LABEL_CLASSIFICATION : MULTI_LABEL_CLASSIFICATION;
    }

    /** The loss of {@code logits} [B, numLabels] against {@code labels}, as HF computes it for this problem type. */
    public Tensor loss(Tensor logits, Tensor labels, int numLabels) {
        return switch (this) {
            case REGRESSION -> numLabels == 1
                    ? torch.mse_loss(logits.squeeze().to(ScalarType.Float), labels.squeeze().to(ScalarType.Float))
                    : torch.mse_loss(logits.to(ScalarType.Float), labels.to(ScalarType.Float));
            case SINGLE_LABEL_CLASSIFICATION -> torch.cross_entropy(
                    logits.view(-1, numLabels).to(ScalarType.Float), labels.view(-1).to(ScalarType.Long)); // [B*, V] vs [B*]
            case MULTI_LABEL_CLASSIFICATION -> {
                if (labels.dim() != 2 || labels.size(0) != logits.size(0) || labels.size(1) != numLabels) {
                    throw new IllegalArgumentException("multi_label_classification takes labels of shape [batch, num_labels] = ["
                            + logits.size(0) + ", " + numLabels + "] (a 0/1 target per label), got "
                            + io.t4j.engine.Tensors.shapeString(labels));
                }
                yield torch.binary_cross_entropy_with_logits(logits.to(ScalarType.Float), labels.to(ScalarType.Float));
            }
        };
    }
}
