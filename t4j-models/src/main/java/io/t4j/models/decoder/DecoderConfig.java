package io.t4j.models.decoder;

import io.t4j.models.PretrainedConfig;
import java.util.List;

/**
 * The config.json fields every decoder-only family has (Llama, Qwen2, Phi-3 records implement it), so that RoPE,
 * the KV cache and generation work on any of them.
 */
public interface DecoderConfig extends PretrainedConfig {
    Integer vocabSize();

    Integer hiddenSize();

    Integer numHiddenLayers();

    Integer numAttentionHeads();

    /** Key/value heads (grouped-query attention); equal to num_attention_heads for plain multi-head attention. */
    Integer numKeyValueHeads();

    /** The per-head dimension D. */
    Integer headDim();

    /** The context window the model was configured for. */
    Integer maxPositionEmbeddings();

    Double ropeTheta();

    /** {@code rope_scaling}, or null for plain RoPE. */
    RopeScaling ropeScaling();

    Integer bosTokenId();

    /** One or several end-of-sequence ids ({@code eos_token_id} may be an int or a list in config.json). */
    List<Integer> eosTokenId();

    Integer padTokenId();

    Boolean tieWordEmbeddings();

    /** Query heads per key/value head. */
    default int numKeyValueGroups() {
        return numAttentionHeads() / numKeyValueHeads();
    }
}
