/**
 * Llama, ported from transformers/models/llama/modeling_llama.py and configuration_llama.py (v4.46.1):
 * {@link io.t4j.models.llama.LlamaConfig} and the forward path in {@link io.t4j.models.llama.LlamaModeling}.
 */
package io.t4j.models.llama;
