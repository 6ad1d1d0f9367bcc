package io.t4j.models;

import io.t4j.engine.nn.CrossEntropyLoss;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * HF's {@code MaskedLMOutput} (modeling_outputs.py): {@code logits} [B,T,V] (prediction scores before softmax) and
 * {@code loss}, the mean cross-entropy over the positions whose label is not -100 (null without labels).
 */
public record MaskedLMOutput(Tensor loss, Tensor logits) implements ModelOutput.WithLogits {

    /** The output for {@code logits}, with HF's masked-LM loss when {@code labels} [B,T] is non-null. */
    public static MaskedLMOutput of(Tensor logits, Tensor labels) {
        return new MaskedLMOutput(labels == null ? null : maskedLmLoss(logits, labels), logits);
    }

    /** {@code CrossEntropyLoss()(logits.view(-1, V), labels.view(-1))}, computed in float32; -100 is ignored. */
    public static Tensor maskedLmLoss(Tensor logits, Tensor labels) {
        long v = logits.size(-1);
        return new CrossEntropyLoss().forward(logits.reshape(-1, v), labels.reshape(-1).to(ScalarType.Long)); // [B,T,V] -> [B*T,V]; [B,T] -> [B*T]
    }
}
