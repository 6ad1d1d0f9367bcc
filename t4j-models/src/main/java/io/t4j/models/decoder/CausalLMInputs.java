package io.t4j.models.decoder;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The arguments of a causal LM forward, as HF's {@code LlamaForCausalLM.forward}.
 *
 * @param inputIds       int64 [B,T]
 * @param attentionMask  int64 [B,S] over cached + new tokens (1 = token, 0 = padding), or null when nothing is padded
 * @param positionIds    int64 [B,T], or null for {@code past .. past+T-1}
 * @param pastKeyValues  the cache to read and extend, or null for a forward without cache
 * @param labels         int64 [B,T] for the loss (-100 = ignored; shifted inside, as HF), or null
 * @param logitsToKeep   HF's {@code num_logits_to_keep}: compute logits for the last N positions only (0 = all)
 */
public record CausalLMInputs(Tensor inputIds, Tensor attentionMask, Tensor positionIds, DynamicCache pastKeyValues,
                             Tensor labels, long logitsToKeep) {

    public static CausalLMInputs of(Tensor inputIds) {
        return new CausalLMInputs(inputIds, null, null, null, null, 0);
    }

    public static CausalLMInputs of(Tensor inputIds, Tensor attentionMask) {
        return new CausalLMInputs(inputIds, attentionMask, null, null, null, 0);
    }

    public CausalLMInputs withPositionIds(Tensor p) {
        return new CausalLMInputs(inputIds, attentionMask, p, pastKeyValues, labels, logitsToKeep);
    }

    public CausalLMInputs withCache(DynamicCache cache) {
        return new CausalLMInputs(inputIds, attentionMask, positionIds, cache, labels, logitsToKeep);
    }

    public CausalLMInputs withLabels(Tensor l) {
        return new CausalLMInputs(inputIds, attentionMask, positionIds, pastKeyValues, l, logitsToKeep);
    }

    public CausalLMInputs withLogitsToKeep(long n) {
        return new CausalLMInputs(inputIds, attentionMask, positionIds, pastKeyValues, labels, n);
    }

    /** HF's position ids when none are given: {@code past .. past+T-1}, [1,T]. */
    public static Tensor defaultPositionIds(long past, long t) {
        return torch.arange(new Scalar(past), new Scalar(past + t), new TensorOptions(ScalarType.Long)).unsqueeze(0); // [T] -> [1,T]
    }

    /**
     * The position ids {@code generate()} computes for a left-padded batch:
     * {@code (attention_mask.cumsum(-1) - 1).masked_fill(attention_mask == 0, 1)}, [B,S].
     */
    public static Tensor positionIdsFromMask(Tensor attentionMask) {
        Tensor pos = attentionMask.to(ScalarType.Long).cumsum(-1).sub(new Scalar(1L)); // [B,S]
        return pos.masked_fill(attentionMask.eq(new Scalar(0L)), new Scalar(1L));
    }
}
