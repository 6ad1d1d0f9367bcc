/**
 * Text generation for {@link io.t4j.models.decoder.CausalLM}s, ported from HF transformers v4.46.1
 * generation/utils.py ({@code GenerationMixin.generate}, greedy and sampling), generation/logits_process.py
 * (repetition penalty, temperature, top-k, top-p, prefix-constrained), generation/stopping_criteria.py
 * (max length, EOS, stop strings), generation/configuration_utils.py ({@code GenerationConfig}) and
 * generation/streamers.py.
 *
 * <p>It lives in t4j-models, as HF keeps generation next to its models: generation drives the model's forward
 * with the KV cache step by step and honours model-specific hooks (Phi-3's LongRoPE re-encode), so it is part of
 * what a causal LM is rather than a pipeline on top of it. Text in and out (chat templates, prompting) is
 * the tokenizer's and the pipelines' business.
 */
package io.t4j.models.generation;
