package io.t4j.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The bodies of OpenAI's API that t4j serves (chat completions, legacy completions, embeddings, models), with
 * OpenAI's field names, plus the vLLM extras t4j implements ({@code top_k}, {@code repetition_penalty},
 * {@code guided_choice}). Requests list every field OpenAI defines, so a field that is not OpenAI's is refused
 * (400, as OpenAI answers "Unrecognized request argument"), and one that t4j cannot honour is refused by name rather
 * than ignored. Fields typed {@link JsonNode} take OpenAI's several shapes (a string or an array).
 */
public final class OpenAi {
    private OpenAi() {}

    /** A chat message: {@code content} is a string or an array of {@code {"type": "text", "text": ...}} parts. */
    public record ChatMessage(String role, JsonNode content, String name, JsonNode toolCalls, String toolCallId,
                              String refusal, JsonNode functionCall, JsonNode audio) {}

    /** {@code stream_options}: {@code include_usage} adds a last chunk with the usage. */
    public record StreamOptions(Boolean includeUsage, Boolean includeObfuscation) {}

    /** {@code POST /v1/chat/completions}. */
    public record ChatCompletionRequest(
            String model, List<ChatMessage> messages, Integer maxTokens, Integer maxCompletionTokens,
            Double temperature, Double topP, Integer n, Boolean stream, StreamOptions streamOptions, JsonNode stop,
            Long seed, Double presencePenalty, Double frequencyPenalty, JsonNode logitBias, Boolean logprobs,
            Integer topLogprobs, String user, JsonNode responseFormat, JsonNode tools, JsonNode toolChoice,
            Boolean parallelToolCalls, Boolean store, JsonNode metadata, String serviceTier, String reasoningEffort,
            JsonNode modalities, JsonNode prediction, JsonNode audio, JsonNode functions, JsonNode functionCall,
            JsonNode webSearchOptions, String verbosity, String safetyIdentifier, String promptCacheKey,
            Integer topK, Double repetitionPenalty, List<String> guidedChoice) {}

    /** {@code POST /v1/completions} (OpenAI's legacy text completions). */
    public record CompletionRequest(
            String model, JsonNode prompt, Integer maxTokens, Double temperature, Double topP, Integer n,
            Boolean stream, StreamOptions streamOptions, JsonNode stop, Long seed, Boolean echo, String suffix,
            Integer logprobs, Integer bestOf, Double presencePenalty, Double frequencyPenalty, JsonNode logitBias,
            String user, Integer topK, Double repetitionPenalty, List<String> guidedChoice) {}

    /** {@code POST /v1/embeddings}: {@code input} as TEI and OpenAI take it (texts or token ids). */
    public record EmbeddingRequest(Tei.EmbedInput input, String model, String encodingFormat, Integer dimensions,
                                   String user) {}

    public record Usage(int promptTokens, int completionTokens, int totalTokens) {}

    /** The assistant's message of a non-streamed choice. */
    public record AssistantMessage(String role, String content, String refusal) {}

    public record ChatChoice(int index, AssistantMessage message, Object logprobs, String finishReason) {}

    public record ChatCompletion(String id, String object, long created, String model, List<ChatChoice> choices,
                                 Usage usage, String systemFingerprint) {}

    /** A streamed delta: the role in the first chunk, then content; an empty object in the last. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(String role, String content) {}

    public record ChunkChoice(int index, Delta delta, Object logprobs, String finishReason) {}

    /** One server-sent chunk; {@code usage} only in the last one, when asked for. */
    public record ChatCompletionChunk(String id, String object, long created, String model, String systemFingerprint,
                                      List<ChunkChoice> choices,
                                      @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {}

    public record CompletionChoice(String text, int index, Object logprobs, String finishReason) {}

    /** A text completion, or one streamed chunk of it (the same object). */
    public record Completion(String id, String object, long created, String model, List<CompletionChoice> choices,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage, String systemFingerprint) {}

    /** One vector: a list of floats, or with {@code encoding_format: "base64"} the little-endian float32 bytes. */
    public record Embedding(String object, Object embedding, int index) {}

    public record EmbeddingUsage(int promptTokens, int totalTokens) {}

    public record EmbeddingList(String object, List<Embedding> data, String model, EmbeddingUsage usage) {}

    /** {@code GET /v1/models} entry: OpenAI's {@code id, object, created, owned_by} and t4j's description. */
    public record Model(@JsonUnwrapped Api.ModelInfo info, long created, String ownedBy) {}

    public record ModelList(String object, List<Model> data, Api.Limits limits) {}

    /** OpenAI's error body: {@code {"error": {"message", "type", "param", "code"}}}. */
    public record ErrorBody(String message, String type, String param, String code) {}

    public record Error(ErrorBody error) {}
}
