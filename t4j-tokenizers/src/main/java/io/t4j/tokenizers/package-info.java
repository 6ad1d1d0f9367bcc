/**
 * HF's tokenizers for t4j: {@link io.t4j.tokenizers.AutoTokenizer} reads a tokenizer folder into a
 * {@link io.t4j.tokenizers.PreTrainedTokenizer} (HF's {@code PreTrainedTokenizerFast}, over HF's Rust tokenizers
 * through DJL), which encodes batches into {@link io.t4j.tokenizers.BatchEncoding} int arrays (models turn them
 * into tensors: {@code ModelInputs.of(encoding)}). Ports the call semantics of HF's
 * {@code tokenization_utils_base.py} ({@code __call__}, {@code pad}, {@code save_pretrained}).
 */
package io.t4j.tokenizers;
