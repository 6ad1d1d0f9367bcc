package io.t4j.pipelines;

import io.t4j.models.generation.FinishReason;

/**
 * One generation of the text-generation pipeline with what a server reports about it.
 *
 * @param text         the generated text (with HF's {@code return_full_text}, the prompt text first)
 * @param promptTokens tokens of the prompt as the model saw it (the rendered chat template)
 * @param newTokens    tokens generated, the eos or stop string included
 * @param finishReason why generation stopped
 */
public record GeneratedText(String text, int promptTokens, int newTokens, FinishReason finishReason) {}
