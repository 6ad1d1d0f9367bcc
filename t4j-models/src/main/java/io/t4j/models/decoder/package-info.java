/**
 * What the decoder-only families (Llama, Qwen2, Phi-3) share, ported from HF transformers v4.46.1:
 * rotary position embeddings and their scaling types (modeling_rope_utils.py and the families'
 * {@code *RotaryEmbedding} classes), {@code rotate_half}/{@code apply_rotary_pos_emb}/{@code repeat_kv}, the causal
 * padding mask ({@code _prepare_4d_causal_attention_mask_with_cache_position}), the KV cache (cache_utils.py
 * {@code DynamicCache}), and the typed inputs/outputs of a causal LM ({@code CausalLMOutputWithPast}).
 */
package io.t4j.models.decoder;
