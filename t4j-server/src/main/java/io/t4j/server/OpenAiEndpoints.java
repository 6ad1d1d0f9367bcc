package io.t4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.t4j.models.generation.FinishReason;
import io.t4j.models.generation.GenerationConfig;
import io.t4j.models.generation.TextStreamer;
import io.t4j.models.generation.TokenStreamer;
import io.t4j.pipelines.ClassificationInput;
import io.t4j.pipelines.GeneratedText;
import io.t4j.pipelines.GuidedChoice;
import io.t4j.pipelines.TextGenerationPipeline;
import io.t4j.pipelines.TextGenerationPipeline.Prompt;
import io.t4j.server.Router.ErrorStyle;
import io.t4j.server.Router.Reply;
import io.t4j.server.Router.Request;
import io.t4j.tokenizers.ChatTemplate;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

/**
 * OpenAI's API over the served model, as vLLM serves it: {@code POST /v1/chat/completions} and
 * {@code /v1/completions} for a causal LM (streaming as server-sent events in OpenAI's chunk format, ending with
 * {@code data: [DONE]}), {@code POST /v1/embeddings} for an encoder, {@code GET /v1/models}. Errors are OpenAI's
 * {@code {"error": {"message", "type", "param", "code"}}}: 400 {@code invalid_request_error} for anything wrong with
 * a request (404 for an unknown model), 503 {@code server_error} when the queue is full, 500 for a failure.
 *
 * <p>Sampling follows OpenAI's parameters over the model folder's generation_config.json: {@code temperature} 0 is
 * greedy, above 0 samples at that temperature; absent, the folder decides (HF's {@code do_sample}, greedy by
 * default). {@code stop} ends the text before the stop sequence, as OpenAI. vLLM's {@code guided_choice} constrains
 * the answer to exactly one of the given strings (a trie of their tokens, as {@code t4j classify-llm}).
 */
final class OpenAiEndpoints {
    private static final String INVALID = "invalid_request_error";

    /** OpenAI's error body and status for every error of an OpenAI route. */
    static final ErrorStyle STYLE = e -> {
        int status = switch (e.status()) {
            case 404, 405, 500, 503 -> e.status();
            default -> e.status() >= 500 ? 500 : 400;
        };
        String type = status >= 500 ? "server_error" : INVALID;
        String code = e.type() == null || e.type().equals(ApiException.TOKENIZER_OR_VALUE)
                || Character.isUpperCase(e.type().charAt(0)) ? null : e.type(); // TEI's error types are not OpenAI codes
        Map<String, String> headers = e.retryAfterSeconds() == null ? Map.of()
                : Map.of("Retry-After", Integer.toString(e.retryAfterSeconds()));
        return new Reply(status, new OpenAi.Error(new OpenAi.ErrorBody(e.getMessage(), type, e.field(), code)), headers);
    };

    private final ServedModel model;
    private final ServerConfig config;
    private final ApiOptions options;
    private final MicroBatcher<BatchJob<?>> queue;
    private final TeiEndpoints tei;
    private final long created = System.currentTimeMillis() / 1000;

    OpenAiEndpoints(ServedModel model, ServerConfig config, ApiOptions options, MicroBatcher<BatchJob<?>> queue,
                    TeiEndpoints tei) {
        this.model = model;
        this.config = config;
        this.options = options;
        this.queue = queue;
        this.tei = tei;
    }

    /** The model id clients name: {@code --served-model-name}, else the {@code --model} argument. */
    String modelId() {
        return options.servedModelName() != null ? options.servedModelName() : model.info().id();
    }

    /** {@code GET /v1/models}: OpenAI's list, each entry with t4j's description of what is loaded. */
    Reply models(Request r) {
        Api.ModelInfo info = model.info();
        Api.ModelInfo named = new Api.ModelInfo(modelId(), info.object(), info.modelType(), info.architectures(),
                info.tasks(), info.id2label(), info.classifierPretrained(), info.dtype(), info.maxLength(),
                info.hiddenSize(), info.chatTemplate());
        return Reply.json(new OpenAi.ModelList("list", List.of(new OpenAi.Model(named, created, "t4j")), config.limits()));
    }

    /** {@code POST /v1/chat/completions}. */
    Reply chat(Request r) {
        GenerateRunner decoder = decoder("/v1/chat/completions");
        OpenAi.ChatCompletionRequest req = Json.read(r.body(), OpenAi.ChatCompletionRequest.class);
        checkModel(req.model());
        if (!decoder.hasChatTemplate()) {
            throw invalid("this model's tokenizer has no chat template, so it cannot take chat messages; use "
                    + "/v1/completions with a prompt", "messages");
        }
        refuse(req.n() != null && req.n() != 1, "n", "only n=1 is supported");
        refuse(nonZero(req.presencePenalty()), "presence_penalty", "presence_penalty is not supported; use "
                + "repetition_penalty (HF's, as vLLM accepts it)");
        refuse(nonZero(req.frequencyPenalty()), "frequency_penalty", "frequency_penalty is not supported; use "
                + "repetition_penalty (HF's, as vLLM accepts it)");
        refuse(present(req.logitBias()) && !req.logitBias().isEmpty(), "logit_bias", "logit_bias is not supported");
        refuse(Boolean.TRUE.equals(req.logprobs()) || req.topLogprobs() != null, "logprobs", "logprobs are not supported");
        refuse(present(req.tools()) && !req.tools().isEmpty() || present(req.functions()), "tools",
                "tool calls are not supported");
        refuse(present(req.toolChoice()) && !"none".equals(req.toolChoice().asText()), "tool_choice",
                "tool calls are not supported");
        refuse(present(req.responseFormat()) && !"text".equals(req.responseFormat().path("type").asText()),
                "response_format", "only response_format {\"type\": \"text\"} is supported; to constrain the answer to a "
                        + "set of strings send guided_choice");
        refuse(present(req.audio()) || present(req.modalities()) && !req.modalities().toString().equals("[\"text\"]"),
                "modalities", "only text output is supported");
        refuse(present(req.prediction()), "prediction", "predicted outputs are not supported");
        refuse(present(req.webSearchOptions()), "web_search_options", "web search is not supported");
        List<ChatTemplate.Message> messages = messages(req.messages());
        Prompt prompt = new Prompt.Chat(messages);
        Integer maxTokens = req.maxCompletionTokens() != null ? req.maxCompletionTokens() : req.maxTokens();
        String maxField = req.maxCompletionTokens() != null ? "max_completion_tokens" : "max_tokens";
        return generate(decoder, prompt, "messages", maxTokens, maxField, null, req.temperature(), req.topP(), req.topK(),
                req.repetitionPenalty(), req.seed(), req.stop(), req.guidedChoice(), false,
                Boolean.TRUE.equals(req.stream()), req.streamOptions(), true);
    }

    /** {@code POST /v1/completions}: a plain prompt (tokenized with the tokenizer's special tokens, as vLLM). */
    Reply completions(Request r) {
        GenerateRunner decoder = decoder("/v1/completions");
        OpenAi.CompletionRequest req = Json.read(r.body(), OpenAi.CompletionRequest.class);
        checkModel(req.model());
        refuse(req.n() != null && req.n() != 1, "n", "only n=1 is supported");
        refuse(req.bestOf() != null && req.bestOf() != 1, "best_of", "only best_of=1 is supported");
        refuse(req.suffix() != null, "suffix", "suffix (insertion) is not supported");
        refuse(req.logprobs() != null, "logprobs", "logprobs are not supported");
        refuse(nonZero(req.presencePenalty()), "presence_penalty", "presence_penalty is not supported; use repetition_penalty");
        refuse(nonZero(req.frequencyPenalty()), "frequency_penalty", "frequency_penalty is not supported; use repetition_penalty");
        refuse(present(req.logitBias()) && !req.logitBias().isEmpty(), "logit_bias", "logit_bias is not supported");
        String text = promptText(req.prompt());
        checkChars(text, "prompt");
        return generate(decoder, new Prompt.Text(text), "prompt", req.maxTokens(), "max_tokens", 16, req.temperature(),
                req.topP(), req.topK(), req.repetitionPenalty(), req.seed(), req.stop(), req.guidedChoice(),
                Boolean.TRUE.equals(req.echo()), Boolean.TRUE.equals(req.stream()), req.streamOptions(), false);
    }

    /** {@code POST /v1/embeddings}: TEI's OpenAI-compatible route (pooling and normalisation as {@code /embed}). */
    Reply embeddings(Request r) {
        EmbedRunner embedder = model.runner(EmbedRunner.class).orElseThrow(() -> invalid("this model ("
                + model.info().modelType() + ", a causal LM) does not serve embeddings", "model"));
        OpenAi.EmbeddingRequest req = Json.read(r.body(), OpenAi.EmbeddingRequest.class);
        checkModel(req.model());
        if (req.input() == null) {
            throw invalid("you must provide an input", "input");
        }
        String format = req.encodingFormat() == null ? "float" : req.encodingFormat();
        refuse(!format.equals("float") && !format.equals("base64"), "encoding_format",
                "encoding_format must be float or base64, got '" + format + "'");
        int size = embedder.encoder().hiddenSize();
        refuse(req.dimensions() != null && req.dimensions() != size, "dimensions", "this model's embeddings have "
                + size + " dimensions; shortening them (dimensions " + req.dimensions() + ") is not supported");
        List<String> texts = tei.embedTexts(embedder, req.input(), null, "input");
        List<ClassificationInput> inputs = texts.stream().map(ClassificationInput::of).toList();
        int longest = tei.longestTokens(inputs, options.autoTruncate());
        int max = model.tokenizer().modelMaxLength();
        int tokens = IntStream.of(TeiEndpoints.tokenCounts(model.tokenizer(), inputs)).map(n -> Math.min(n, max)).sum();
        var job = embedder.job(texts, tei.pooling(embedder), true, model.tokenizer().truncationSide(), longest);
        queue.submit(job);
        List<float[]> vectors = job.await();
        List<OpenAi.Embedding> data = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            data.add(new OpenAi.Embedding("embedding", format.equals("base64") ? base64(vectors.get(i)) : vectors.get(i), i));
        }
        return Reply.json(new OpenAi.EmbeddingList("list", data, modelId(), new OpenAi.EmbeddingUsage(tokens, tokens)));
    }

    // ---- generation ----

    /** The checks both routes share, then one generation job, answered whole or streamed. */
    private Reply generate(GenerateRunner decoder, Prompt prompt, String promptField, Integer maxTokens,
                           String maxField, Integer defaultMaxTokens, Double temperature, Double topP, Integer topK,
                           Double repetitionPenalty, Long seed, JsonNode stopNode, List<String> guidedChoice,
                           boolean echo, boolean stream, OpenAi.StreamOptions streamOptions, boolean chat) {
        refuse(streamOptions != null && !stream, "stream_options", "stream_options is only allowed with stream: true");
        List<String> stops = stops(stopNode);
        GuidedChoice choice = guidedChoice == null ? null : parse(() -> decoder.guidedChoice(guidedChoice), "guided_choice");
        int promptTokens = decoder.promptIds(prompt).length;
        Integer context = decoder.model().decoderConfig().maxPositionEmbeddings();
        GenerationConfig defaults = decoder.defaults();
        int maxNew;
        if (maxTokens != null) {
            refuse(maxTokens < 1, maxField, maxField + " must be at least 1, got " + maxTokens);
            maxNew = maxTokens;
        } else if (defaultMaxTokens != null) {
            maxNew = defaultMaxTokens;
        } else if (defaults.maxNewTokens() != null) {
            maxNew = defaults.maxNewTokens();
        } else {
            maxNew = context == null ? 256 : Math.max(1, context - promptTokens); // vLLM: what is left of the context
        }
        if (context != null && promptTokens + maxNew > context) {
            throw invalid("This model's maximum context length is " + context + " tokens. However, you requested "
                    + (promptTokens + maxNew) + " tokens (" + promptTokens + " in the " + promptField + ", " + maxNew
                    + " in the completion). Please reduce the length of the " + promptField + " or completion.",
                    promptField).withType("context_length_exceeded");
        }
        GenerationConfig generation = sampling(defaults, temperature, topP, topK, repetitionPenalty, seed)
                .withMaxNewTokens(maxNew).withStopStrings(stops);
        String id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        long now = System.currentTimeMillis() / 1000;
        // echo: the prompt text, then the completion (stop sequences apply to the completion only)
        String echoed = echo && prompt instanceof Prompt.Text t ? t.text() : "";
        if (!stream) {
            var job = decoder.job(prompt, new TextGenerationPipeline.Options(generation, false, null, choice));
            queue.submit(job);
            GeneratedText out = job.await();
            String text = echoed + StopSequences.cut(out.text(), stops);
            OpenAi.Usage usage = usage(out);
            String finish = finishReason(out.finishReason());
            if (chat) {
                return Reply.json(new OpenAi.ChatCompletion(id, "chat.completion", now, modelId(), List.of(
                        new OpenAi.ChatChoice(0, new OpenAi.AssistantMessage("assistant", text, null), null, finish)),
                        usage, null));
            }
            return Reply.json(new OpenAi.Completion(id, "text_completion", now, modelId(),
                    List.of(new OpenAi.CompletionChoice(text, 0, null, finish)), usage, null));
        }
        return stream(decoder, prompt, generation, choice, stops, echoed,
                streamOptions != null && Boolean.TRUE.equals(streamOptions.includeUsage()), chat, id, now);
    }

    /**
     * A streamed generation: the job's streamer puts text deltas into a queue on the inference thread; this request's
     * thread writes them as chunks. A client that goes away cancels the generation at its next token.
     */
    private Reply stream(GenerateRunner decoder, Prompt prompt, GenerationConfig generation, GuidedChoice choice,
                         List<String> stops, String echoed, boolean includeUsage, boolean chat, String id, long now) {
        LinkedBlockingQueue<String> pieces = new LinkedBlockingQueue<>();
        AtomicBoolean cancelled = new AtomicBoolean();
        TokenStreamer streamer = null;
        if (choice == null) { // a guided choice is sent whole once chosen: its tokens may not spell it exactly
            TextStreamer text = new TextStreamer(decoder::decode, (row, delta) -> pieces.add(delta));
            streamer = new TokenStreamer() {
                @Override
                public void put(int row, long tokenId) {
                    if (cancelled.get()) {
                        throw new CancellationException("the client closed the stream");
                    }
                    text.put(row, tokenId);
                }

                @Override
                public void end() {
                    text.end();
                }
            };
        }
        var job = decoder.job(prompt, new TextGenerationPipeline.Options(generation, false, streamer, choice));
        queue.submit(job);
        Router.Stream body = out -> {
            Chunks chunks = new Chunks(out, id, now, chat);
            try {
                if (chat) {
                    chunks.delta(new OpenAi.Delta("assistant", ""), null, null);
                }
                if (!echoed.isEmpty()) {
                    chunks.text(echoed);
                }
                StopSequences stop = new StopSequences(stops);
                while (!job.isDone() || !pieces.isEmpty()) {
                    String piece = pieces.poll(20, TimeUnit.MILLISECONDS);
                    if (piece != null) {
                        chunks.text(stop.add(piece));
                    }
                }
                GeneratedText result;
                try {
                    result = job.await();
                } catch (RuntimeException e) {
                    chunks.error(e);
                    return;
                }
                chunks.text(choice != null ? StopSequences.cut(result.text(), stops) : stop.finish());
                chunks.finish(finishReason(result.finishReason()), includeUsage ? usage(result) : null);
            } catch (IOException e) {
                cancelled.set(true);
                throw e;
            } catch (InterruptedException e) {
                cancelled.set(true);
                Thread.currentThread().interrupt();
            }
        };
        return new Reply(200, body, Map.of());
    }

    /** Writes OpenAI's chunks as server-sent events. */
    private final class Chunks {
        private final OutputStream out;
        private final String id;
        private final long created;
        private final boolean chat;

        Chunks(OutputStream out, String id, long created, boolean chat) {
            this.out = out;
            this.id = id;
            this.created = created;
            this.chat = chat;
        }

        void text(String text) throws IOException {
            if (!text.isEmpty()) {
                delta(new OpenAi.Delta(null, text), null, null);
            }
        }

        void delta(OpenAi.Delta delta, String finishReason, OpenAi.Usage usage) throws IOException {
            Object chunk = chat
                    ? new OpenAi.ChatCompletionChunk(id, "chat.completion.chunk", created, modelId(), null,
                    List.of(new OpenAi.ChunkChoice(0, delta, null, finishReason)), usage)
                    : new OpenAi.Completion(id, "text_completion", created, modelId(),
                    List.of(new OpenAi.CompletionChoice(delta.content() == null ? "" : delta.content(), 0, null,
                            finishReason)), usage, null);
            event(Json.write(chunk));
        }

        /** The last chunk with the finish reason, the usage chunk when asked for, then {@code [DONE]}. */
        void finish(String finishReason, OpenAi.Usage usage) throws IOException {
            delta(new OpenAi.Delta(null, null), finishReason, null);
            if (usage != null) {
                Object last = chat
                        ? new OpenAi.ChatCompletionChunk(id, "chat.completion.chunk", created, modelId(), null, List.of(), usage)
                        : new OpenAi.Completion(id, "text_completion", created, modelId(), List.of(), usage, null);
                event(Json.write(last));
            }
            event("[DONE]".getBytes(StandardCharsets.US_ASCII));
        }

        /** A failure after the stream began: an error event in OpenAI's shape (as vLLM sends), then {@code [DONE]}. */
        void error(RuntimeException e) throws IOException {
            ApiException api = e instanceof ApiException a ? a : new ApiException(
                    e instanceof IllegalArgumentException ? 400 : 500, String.valueOf(e.getMessage()), null);
            event(Json.write(((OpenAi.Error) STYLE.render(api).body())));
            event("[DONE]".getBytes(StandardCharsets.US_ASCII));
        }

        private void event(byte[] data) throws IOException {
            out.write("data: ".getBytes(StandardCharsets.US_ASCII));
            out.write(data);
            out.write("\n\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    /** The folder's generation config with OpenAI's sampling parameters applied (see the class comment). */
    private static GenerationConfig sampling(GenerationConfig d, Double temperature, Double topP, Integer topK,
                                             Double repetitionPenalty, Long seed) {
        refuse(temperature != null && (temperature < 0 || temperature > 2), "temperature",
                "temperature must be between 0 and 2, got " + temperature);
        refuse(topP != null && !(topP > 0 && topP <= 1), "top_p", "top_p must be in (0, 1], got " + topP);
        refuse(topK != null && topK < -1, "top_k", "top_k must be -1 or 0 (off) or a positive number, got " + topK);
        refuse(repetitionPenalty != null && !(repetitionPenalty > 0), "repetition_penalty",
                "repetition_penalty must be greater than 0, got " + repetitionPenalty);
        boolean doSample = temperature != null ? temperature > 0 : d.doSample();
        double t = temperature != null && temperature > 0 ? temperature : d.temperature();
        int k = topK == null ? d.topK() : Math.max(0, topK);
        double p = topP != null ? topP : d.topP();
        long s = seed != null ? seed : d.seed() != null ? d.seed() : new java.util.SplittableRandom().nextLong();
        GenerationConfig out = d.withSampling(doSample, t, k, p, s);
        return repetitionPenalty != null ? out.withRepetitionPenalty(repetitionPenalty) : out;
    }

    private static OpenAi.Usage usage(GeneratedText out) {
        return new OpenAi.Usage(out.promptTokens(), out.newTokens(), out.promptTokens() + out.newTokens());
    }

    private static String finishReason(FinishReason reason) {
        return switch (reason) {
            case EOS, STOP_STRING -> "stop";
            case LENGTH, CONTEXT_WINDOW -> "length";
        };
    }

    /** The chat as template messages: OpenAI's roles (developer is system), text content only. */
    private List<ChatTemplate.Message> messages(List<OpenAi.ChatMessage> messages) {
        if (messages == null || messages.isEmpty()) {
            throw invalid("messages must hold at least one message", "messages");
        }
        List<ChatTemplate.Message> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            OpenAi.ChatMessage m = messages.get(i);
            String at = "messages[" + i + "]";
            if (m == null || m.role() == null) {
                throw invalid(at + " needs a role (system, developer, user or assistant)", at + ".role");
            }
            String role = switch (m.role()) {
                case "system", "developer" -> "system";
                case "user", "assistant" -> m.role();
                case "tool", "function" -> throw invalid(at + ": tool messages are not supported", at + ".role");
                default -> throw invalid(at + ".role must be system, developer, user or assistant, got '" + m.role() + "'",
                        at + ".role");
            };
            refuse(present(m.toolCalls()) || present(m.functionCall()), at + ".tool_calls", at + ": tool calls are not supported");
            refuse(present(m.audio()), at + ".audio", at + ": audio is not supported");
            String content = content(m.content(), at + ".content");
            checkChars(content, at + ".content");
            out.add(new ChatTemplate.Message(role, content));
        }
        return out;
    }

    /** A message's text: the string, or its text parts joined by newlines (as vLLM joins them). */
    private static String content(JsonNode content, String at) {
        if (content == null || content.isNull()) {
            throw invalid(at + " is required (a string or an array of text parts)", at);
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw invalid(at + " must be a string or an array of content parts, got " + content.getNodeType(), at);
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                throw invalid(at + "[" + i + "]: only {\"type\": \"text\", \"text\": ...} parts are supported, got "
                        + part, at + "[" + i + "]");
            }
            parts.add(part.get("text").asText());
        }
        return String.join("\n", parts);
    }

    /** A completion's prompt: a string, or an array of exactly one string. */
    private static String promptText(JsonNode prompt) {
        if (prompt == null || prompt.isNull()) {
            throw invalid("prompt is required", "prompt");
        }
        if (prompt.isTextual()) {
            return prompt.asText();
        }
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            return prompt.get(0).asText();
        }
        throw invalid("prompt must be a string (or an array of one string): one prompt per request is supported", "prompt");
    }

    /** OpenAI's {@code stop}: null, a string, or an array of strings. */
    private static List<String> stops(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (stop.isTextual()) {
            out.add(stop.asText());
        } else if (stop.isArray()) {
            stop.forEach(s -> {
                if (!s.isTextual()) {
                    throw invalid("stop must be a string or an array of strings, got " + stop, "stop");
                }
                out.add(s.asText());
            });
        } else {
            throw invalid("stop must be a string or an array of strings, got " + stop, "stop");
        }
        refuse(out.stream().anyMatch(String::isEmpty), "stop", "stop sequences must not be empty");
        return out;
    }

    private void checkModel(String requested) {
        if (requested == null || requested.isBlank()) {
            throw invalid("you must provide a model parameter (this server serves '" + modelId() + "', see GET /v1/models)",
                    "model");
        }
        if (!requested.equals(modelId())) {
            throw new ApiException(404, "The model `" + requested + "` does not exist. This server serves `" + modelId()
                    + "` (GET /v1/models).", "model").withType("model_not_found");
        }
    }

    private GenerateRunner decoder(String path) {
        return model.runner(GenerateRunner.class).orElseThrow(() -> new ApiException(404, path + " needs a causal LM "
                + "(Llama, Qwen2, Phi-3); this server serves " + model.info().modelType() + ", an encoder: use "
                + "/v1/embeddings, /embed or /predict", "model").withType("model_not_supported"));
    }

    private void checkChars(String text, String field) {
        if (text.length() > config.maxInputChars()) {
            throw invalid(field + " has " + text.length() + " characters, more than the limit of " + config.maxInputChars()
                    + " (--max-input-chars)", field);
        }
    }

    private static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : vector) {
            bytes.putFloat(v);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull();
    }

    private static boolean nonZero(Double value) {
        return value != null && value != 0.0;
    }

    private static void refuse(boolean bad, String field, String message) {
        if (bad) {
            throw invalid(message, field);
        }
    }

    private static ApiException invalid(String message, String field) {
        return new ApiException(400, message, field);
    }

    private static <T> T parse(java.util.function.Supplier<T> parser, String field) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage(), field);
        }
    }
}
