package io.t4j.models.decoder;

import io.t4j.models.ModelOutput;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * HF's {@code CausalLMOutputWithPast}: {@code logits} [B,T,V] (or the last {@code logitsToKeep} positions) in the
 * model's dtype, {@code loss} (float32 scalar, null without labels) and the cache that was extended.
 */
public record CausalLMOutput(Tensor loss, Tensor logits, DynamicCache pastKeyValues) implements ModelOutput.WithLogits {

    /**
     * HF's {@code ForCausalLMLoss}: logits upcast to float32, position t predicts label t+1, mean cross-entropy over
     * labels that are not -100.
     */
    public static Tensor causalLmLoss(Tensor logits, Tensor labels) {
        long t = logits.size(1);
        long v = logits.size(2);
        Tensor shiftLogits = logits.to(ScalarType.Float).narrow(1, 0, t - 1).reshape(-1, v); // [B,T-1,V] -> [B*(T-1),V]
        Tensor shiftLabels = labels.narrow(1, 1, t - 1).reshape(-1);                        // [B,T-1] -> [B*(T-1)]
        return torch.cross_entropy(shiftLogits, shiftLabels.to(ScalarType.Long));
    }
}
