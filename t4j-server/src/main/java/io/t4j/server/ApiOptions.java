package io.t4j.server;

import io.t4j.pipelines.Pooling;

/**
 * What the TEI- and OpenAI-compatible APIs add to a {@link ServerConfig}, under TEI's and vLLM's option names.
 *
 * @param servedModelName   the model id clients name in OpenAI requests and {@code GET /v1/models} (vLLM's
 *                          {@code --served-model-name}); null: the {@code --model} argument
 * @param maxBatchTokens    TEI's {@code --max-batch-tokens}: a micro-batch's padded tokens (longest text × texts)
 *                          stay within this; 0 bounds batches by {@code max_batch_size} only
 * @param autoTruncate      TEI's {@code --auto-truncate}: the default of a TEI request's {@code truncate}
 * @param pooling           TEI's {@code --pooling} for {@code /embed} and {@code /v1/embeddings}; null: the folder's
 *                          sentence-transformers pooling ({@code 1_Pooling/config.json}), else cls
 * @param defaultPromptName TEI's {@code --default-prompt-name}: a sentence-transformers prompt applied when a request
 *                          names none; null for none
 */
public record ApiOptions(String servedModelName, int maxBatchTokens, boolean autoTruncate, Pooling pooling,
                         String defaultPromptName) {
    /** TEI's default token budget. */
    public static final int DEFAULT_MAX_BATCH_TOKENS = 16384;

    public ApiOptions {
        if (maxBatchTokens < 0) {
            throw new IllegalArgumentException("max_batch_tokens must be >= 0 (0: no token budget), got " + maxBatchTokens);
        }
    }

    /** TEI's defaults: a 16,384-token budget, no auto-truncation, the folder's pooling, no default prompt. */
    public static ApiOptions defaults() {
        return new ApiOptions(null, DEFAULT_MAX_BATCH_TOKENS, false, null, null);
    }

    public ApiOptions withServedModelName(String name) {
        return new ApiOptions(name, maxBatchTokens, autoTruncate, pooling, defaultPromptName);
    }

    public ApiOptions withMaxBatchTokens(int tokens) {
        return new ApiOptions(servedModelName, tokens, autoTruncate, pooling, defaultPromptName);
    }

    public ApiOptions withAutoTruncate(boolean truncate) {
        return new ApiOptions(servedModelName, maxBatchTokens, truncate, pooling, defaultPromptName);
    }

    public ApiOptions withPooling(Pooling p) {
        return new ApiOptions(servedModelName, maxBatchTokens, autoTruncate, p, defaultPromptName);
    }

    public ApiOptions withDefaultPromptName(String name) {
        return new ApiOptions(servedModelName, maxBatchTokens, autoTruncate, pooling, name);
    }
}
