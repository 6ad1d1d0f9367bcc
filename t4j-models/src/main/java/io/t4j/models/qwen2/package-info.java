/**
 * Qwen2 (and Qwen2.5), ported from transformers/models/qwen2/modeling_qwen2.py and configuration_qwen2.py
 * (v4.46.1): {@link io.t4j.models.qwen2.Qwen2Config} and the forward path in {@link io.t4j.models.qwen2.Qwen2Modeling}.
 */
package io.t4j.models.qwen2;
