package io.t4j.models.decoder;

import io.t4j.engine.DType;
import io.t4j.models.ModelInputs;
import io.t4j.models.ModelWithLoss;

/**
 * A decoder-only language model as generation sees it: HF's {@code *ForCausalLM} with the {@code GenerationMixin}
 * hooks it overrides. Implemented by {@code LlamaForCausalLM}, {@code Qwen2ForCausalLM} and {@code Phi3ForCausalLM}.
 */
public interface CausalLM extends ModelWithLoss, AutoCloseable {

    /** The model's config (sizes, context window, special token ids, RoPE). */
    DecoderConfig decoderConfig();

    /** One forward: logits, loss when labels are given, and the extended cache. */
    CausalLMOutput forward(CausalLMInputs inputs);

    /**
     * The Trainer's forward: input_ids, attention_mask [B,T] and labels [B,T] (-100 where ignored; shifted inside, as
     * HF) → logits [B,T,V] and the causal-LM loss, without a cache.
     */
    @Override
    default CausalLMOutput forward(ModelInputs inputs) {
        return forward(new CausalLMInputs(inputs.inputIds(), inputs.attentionMask(), null, null, inputs.labels(), 0));
    }

    /** Labels are the inputs, scored against the next position. */
    @Override
    default boolean shiftsLabels() {
        return true;
    }

    /** The dtype computation runs in (that of the weights). */
    DType dtype();

    /** A fresh cache for this model, sized for {@code capacity} positions (0 if unknown). */
    default DynamicCache newCache(long capacity) {
        return new DynamicCache(decoderConfig().numHiddenLayers(), capacity);
    }

    /**
     * HF's {@code prepare_inputs_for_generation} override point: true when, before feeding the next token, the
     * cache must be dropped and the whole sequence ({@code sequenceLength} tokens, {@code pastLength} cached)
     * re-encoded. Only Phi-3 with LongRoPE does this (it switches from short to long factors).
     */
    default boolean dropsCacheBeforeStep(long sequenceLength, long pastLength) {
        return false;
    }

    @Override
    void close();
}
