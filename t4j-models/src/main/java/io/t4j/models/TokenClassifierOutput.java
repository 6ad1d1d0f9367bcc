package io.t4j.models;

import io.t4j.engine.nn.CrossEntropyLoss;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * HF's {@code TokenClassifierOutput} (modeling_outputs.py): {@code logits} [B,T,num_labels] and {@code loss}, the
 * mean cross-entropy over the tokens whose label is not -100 (null without labels).
 */
public record TokenClassifierOutput(Tensor loss, Tensor logits) implements ModelOutput.WithLogits {

    /** The output for {@code logits}, with HF's loss when {@code labels} [B,T] is non-null. */
    public static TokenClassifierOutput of(Tensor logits, Tensor labels) {
        return new TokenClassifierOutput(labels == null ? null : tokenClassificationLoss(logits, labels), logits);
    }

    /** {@code CrossEntropyLoss()(logits.view(-1, num_labels), labels.view(-1))} in float32; -100 is ignored. */
    public static Tensor tokenClassificationLoss(Tensor logits, Tensor labels) {
        long k = logits.size(-1);
        return new CrossEntropyLoss().forward(logits.reshape(-1, k), labels.reshape(-1).to(ScalarType.Long)); // [B,T,K] -> [B*T,K]; [B,T] -> [B*T]
    }
}
