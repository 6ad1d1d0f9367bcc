package io.t4j.models;

import org.bytedeco.pytorch.Tensor;

/** HF's {@code SequenceClassifierOutput}: {@code logits} [B, num_labels] and {@code loss} (null without labels). */
public record SequenceClassifierOutput(Tensor loss, Tensor logits) implements ModelOutput.WithLogits {

    /** The output for {@code logits}, with HF's problem-type loss when {@code labels} is non-null. */
    public static SequenceClassifierOutput of(Tensor logits, Tensor labels, PretrainedConfig config) {
        Tensor loss = labels == null ? null
                : ProblemType.infer(config.problemType(), config.numLabels(), labels).loss(logits, labels, config.numLabels());
        return new SequenceClassifierOutput(loss, logits);
    }
}
