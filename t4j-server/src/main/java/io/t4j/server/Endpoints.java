package io.t4j.server;

import io.t4j.models.generation.GenerationConfig;
import io.t4j.pipelines.ClassificationResult;
import io.t4j.pipelines.FunctionToApply;
import io.t4j.pipelines.AggregationStrategy;
import io.t4j.pipelines.Pooling;
import io.t4j.pipelines.TokenClassificationOptions;
import io.t4j.pipelines.TokenClassificationPipeline;
import io.t4j.pipelines.TokenClassificationResult;
import io.t4j.server.Router.Reply;
import io.t4j.server.Router.Request;
import io.t4j.tokenizers.ChatTemplate;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The endpoints: each checks its request against the model and the server's limits (naming the field at fault),
 * queues one job and answers with the job's result in HF's output shape.
 */
final class Endpoints {
    private static final int DEFAULT_MAX_NEW_TOKENS = 100; // TGI's default

    private final ServedModel model;
    private final ServerConfig config;
    private final MicroBatcher<BatchJob<?>> queue;
    private final boolean tokenBudget;

    Endpoints(ServedModel model, ServerConfig config, MicroBatcher<BatchJob<?>> queue) {
        this(model, config, queue, false);
    }

    /** {@code tokenBudget}: the batcher bounds padded tokens, so jobs carry their longest text in tokens. */
    Endpoints(ServedModel model, ServerConfig config, MicroBatcher<BatchJob<?>> queue, boolean tokenBudget) {
        this.model = model;
        this.config = config;
        this.queue = queue;
        this.tokenBudget = tokenBudget;
    }

    Reply health(Request r) {
        return Reply.json(new Api.Health("ok"));
    }

    /** {@code POST /v1/classify}: one list of {@code {label, score}} per text (a single list for a single text). */
    Reply classify(Request r) {
        ClassifyRunner classifier = runner(ClassifyRunner.class, "/v1/classify");
        Api.ClassifyRequest req = r.json(Api.ClassifyRequest.class);
        List<String> texts = texts(req.inputs());
        int topK = topK(req.topK(), classifier.model().config().numLabels());
        FunctionToApply f = req.functionToApply() == null ? FunctionToApply.defaultFor(classifier.model().config())
                : parse(() -> FunctionToApply.parse(req.functionToApply()), "function_to_apply");
        checkTokenCounts(req.inputs(), req.truncation());
        var job = classifier.job(texts.stream().map(io.t4j.pipelines.ClassificationInput::of).toList(), f, topK,
                model.tokenizer().truncationSide(), longest(texts));
        queue.submit(job);
        List<List<ClassificationResult>> results = job.await();
        return Reply.json(req.inputs().single() ? results.getFirst() : results);
    }

    /**
     * {@code POST /v1/token-classification}: HF's Inference API shapes, one list of entities
     * ({@code entity_group, score, word, start, end}; with aggregation none {@code entity, score, index, word, start,
     * end}) per text, a single list for a single text.
     */
    Reply tokenClassification(Request r) {
        TokenClassificationRunner ner = runner(TokenClassificationRunner.class, "/v1/token-classification");
        Api.TokenClassificationRequest req = r.json(Api.TokenClassificationRequest.class);
        List<String> texts = texts(req.inputs());
        var job = ner.job(texts, tokenClassificationOptions(req.parameters()));
        queue.submit(job);
        List<List<TokenClassificationResult>> results;
        try {
            results = job.await();
        } catch (TokenClassificationPipeline.NoTokensException e) {
            throw ApiException.invalid(e.getMessage(), field(req.inputs(), texts.indexOf(e.text())));
        }
        List<List<java.util.Map<String, Object>>> out = results.stream()
                .map(list -> list.stream().map(TokenClassificationResult::toMap).toList()).toList();
        return Reply.json(req.inputs().single() ? out.getFirst() : out);
    }

    /** The request's parameters, each checked naming its field; HF's Inference API default strategy is simple. */
    private TokenClassificationOptions tokenClassificationOptions(Api.TokenClassificationParameters p) {
        var options = TokenClassificationOptions.defaults().withAggregationStrategy(AggregationStrategy.SIMPLE);
        if (p == null) {
            return options;
        }
        if (p.aggregationStrategy() != null) {
            AggregationStrategy s = parse(() -> AggregationStrategy.parse(p.aggregationStrategy()), "parameters.aggregation_strategy");
            options = options.withAggregationStrategy(s);
        }
        if (p.ignoreLabels() != null) {
            require(!p.ignoreLabels().contains(null), "ignore_labels must hold strings, not null", "parameters.ignore_labels");
            options = options.withIgnoreLabels(p.ignoreLabels());
        }
        if (p.stride() != null) {
            int max = model.tokenizer().modelMaxLength();
            require(p.stride() >= 0 && (max == PreTrainedTokenizer.NO_MAX_LENGTH || p.stride() < max),
                    "stride must be >= 0 and less than the model's max length " + max + ", got " + p.stride(),
                    "parameters.stride");
            TokenClassificationOptions withoutStride = options;
            options = parse(() -> withoutStride.withStride(p.stride()), "parameters.stride");
        }
        return options;
    }

    /** {@code POST /v1/embed}: one vector per text (TEI's {@code /embed}: always a list of vectors). */
    Reply embed(Request r) {
        EmbedRunner embedder = runner(EmbedRunner.class, "/v1/embed");
        Api.EmbedRequest req = r.json(Api.EmbedRequest.class);
        List<String> texts = texts(req.inputs());
        Pooling pooling = req.pooling() == null ? Pooling.CLS : parse(() -> Pooling.parse(req.pooling()), "pooling");
        if (pooling == Pooling.POOLER && !embedder.hasPooler()) {
            throw ApiException.invalid("this model (" + model.info().modelType() + ") has no pooler; use cls or mean",
                    "pooling");
        }
        checkTokenCounts(req.inputs(), req.truncation());
        var job = embedder.job(texts, pooling, req.normalize() == null || req.normalize(), model.tokenizer().truncationSide(),
                longest(texts));
        queue.submit(job);
        return Reply.json(job.await());
    }

    /** {@code POST /v1/generate}: {@code {"generated_text": ...}}. */
    Reply generate(Request r) {
        GenerateRunner decoder = runner(GenerateRunner.class, "/v1/generate");
        Api.GenerateRequest req = r.json(Api.GenerateRequest.class);
        List<ChatTemplate.Message> messages = messagesOrNull(req, decoder);
        GenerationConfig generation = generationConfig(req, decoder.defaults());
        int promptTokens = decoder.promptTokens(messages, req.inputs());
        Integer context = decoder.model().decoderConfig().maxPositionEmbeddings();
        if (context != null && promptTokens + generation.maxNewTokens() > context) {
            throw ApiException.invalid("the prompt has " + promptTokens + " tokens and max_new_tokens is "
                    + generation.maxNewTokens() + ": more than the model's context of " + context + " tokens",
                    "max_new_tokens");
        }
        var job = decoder.job(messages, req.inputs(), generation, Boolean.TRUE.equals(req.returnFullText()));
        queue.submit(job);
        return Reply.json(new Api.GenerateResponse(job.await()));
    }

    /** {@code POST /v1/zero-shot}: HF's {@code {sequence, labels, scores}} per text (one object for one text). */
    Reply zeroShot(Request r) {
        if (model.generative() && model.runner(ZeroShotRunner.class).isEmpty()) {
            throw new ApiException(404, "zero-shot prompting needs a chat template, and this model's tokenizer has none",
                    null);
        }
        ZeroShotRunner zeroShot = runner(ZeroShotRunner.class, "/v1/zero-shot");
        Api.ZeroShotRequest req = r.json(Api.ZeroShotRequest.class);
        List<String> texts = texts(req.inputs());
        checkLabels(req.candidateLabels());
        var job = zeroShot.job(texts, req.candidateLabels());
        queue.submit(job);
        List<Api.ZeroShotResult> results = job.await();
        return Reply.json(req.inputs().single() ? results.getFirst() : results);
    }

    /**
     * {@code POST /v1/question-answering}: the HF Inference API's shapes. One {@code {"question", "context"}} gives
     * one {@code {answer, score, start, end}} (a list of them with {@code top_k} > 1, as HF's pipeline); a list of
     * questions gives one such result per question.
     */
    Reply questionAnswering(Request r) {
        QuestionAnsweringRunner qa = runner(QuestionAnsweringRunner.class, "/v1/question-answering");
        Api.QuestionAnsweringRequest req = r.json(Api.QuestionAnsweringRequest.class);
        if (req.inputs() == null || req.inputs().isNull()) {
            throw ApiException.invalid("inputs is required: {\"question\": ..., \"context\": ...} or an array of them", "inputs");
        }
        boolean single = req.inputs().isObject();
        List<com.fasterxml.jackson.databind.JsonNode> items = new ArrayList<>();
        if (single) {
            items.add(req.inputs());
        } else if (req.inputs().isArray()) {
            req.inputs().forEach(items::add);
        } else {
            throw ApiException.invalid("inputs must be {\"question\": ..., \"context\": ...} or an array of them", "inputs");
        }
        if (items.isEmpty()) {
            throw ApiException.invalid("inputs is an empty array; send at least one question", "inputs");
        }
        if (items.size() > config.maxClientBatchSize()) {
            throw ApiException.tooLarge("inputs has " + items.size() + " questions, more than the limit of "
                    + config.maxClientBatchSize() + " per request (--max-client-batch-size); split the request", "inputs");
        }
        List<io.t4j.pipelines.QuestionAnsweringInput> inputs = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String at = single ? "inputs" : "inputs[" + i + "]";
            inputs.add(questionContext(items.get(i), at));
        }
        io.t4j.pipelines.QuestionAnsweringOptions options = qaOptions(req.parameters());
        for (int i = 0; i < inputs.size(); i++) { // before queueing, so one bad question cannot fail a batch
            String at = single ? "inputs" : "inputs[" + i + "]";
            try {
                qa.pipeline().checkInputs(List.of(inputs.get(i)), options);
            } catch (IllegalArgumentException e) { // no room for the context, or a doc_stride that cannot advance
                String message = e.getMessage().replaceFirst("^question 0", at + ".question");
                throw ApiException.invalid(message, message.contains("doc_stride") ? "parameters.doc_stride" : at + ".question");
            }
        }
        var job = qa.job(inputs, options);
        queue.submit(job);
        List<List<io.t4j.pipelines.QuestionAnsweringResult>> results = job.await();
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            String context = inputs.get(i).context();
            List<Api.QuestionAnsweringAnswer> answers = results.get(i).stream().map(a -> new Api.QuestionAnsweringAnswer(
                    a.score(), context.codePointCount(0, a.start()), context.codePointCount(0, a.end()), a.answer())).toList();
            out.add(options.topK() == 1 && answers.size() == 1 ? answers.getFirst() : answers);
        }
        return Reply.json(single ? out.getFirst() : out);
    }

    private io.t4j.pipelines.QuestionAnsweringInput questionContext(com.fasterxml.jackson.databind.JsonNode node, String at) {
        if (!node.isObject()) {
            throw ApiException.invalid(at + " must be an object {\"question\": ..., \"context\": ...}", at);
        }
        String[] values = new String[2];
        String[] names = {"question", "context"};
        for (int k = 0; k < 2; k++) {
            var v = node.get(names[k]);
            String field = at + "." + names[k];
            require(v != null && v.isTextual(), field + " is required and must be a string", field);
            require(!v.asText().isEmpty(), field + " cannot be empty", field);
            checkChars(v.asText(), field);
            values[k] = v.asText();
        }
        node.fieldNames().forEachRemaining(f -> require(f.equals("question") || f.equals("context"),
                at + " has an unknown field '" + f + "' (expected question and context)", at + "." + f));
        return new io.t4j.pipelines.QuestionAnsweringInput(values[0], values[1]);
    }

    private static io.t4j.pipelines.QuestionAnsweringOptions qaOptions(Api.QuestionAnsweringParameters p) {
        var o = io.t4j.pipelines.QuestionAnsweringOptions.defaults();
        if (p == null) {
            return o;
        }
        var d = o;
        return parse(() -> new io.t4j.pipelines.QuestionAnsweringOptions(
                p.topK() != null ? p.topK() : d.topK(), p.docStride(),
                p.maxAnswerLen() != null ? p.maxAnswerLen() : d.maxAnswerLen(), p.maxSeqLen(),
                p.maxQuestionLen() != null ? p.maxQuestionLen() : d.maxQuestionLen(),
                p.handleImpossibleAnswer() != null ? p.handleImpossibleAnswer() : d.handleImpossibleAnswer(),
                p.alignToWords() != null ? p.alignToWords() : d.alignToWords(), d.batchSize()), "parameters");
    }

    /** The runner of {@code type}; 404 naming what this server serves when the model has no such task. */
    private <T extends TaskRunner> T runner(Class<T> type, String path) {
        return model.runner(type).orElseThrow(() -> new ApiException(404, path + " is not served for this model ("
                + model.info().modelType() + (model.generative() ? ", a causal LM"
                : model.runner(EmbedRunner.class).isPresent() ? ", an encoder" : ", a sequence classifier") + "); it serves "
                + served(), null));
    }

    private String served() {
        return String.join(", ", model.info().tasks().stream().map(t -> "/v1/" + t).toList());
    }

    /** The texts of {@code inputs}, within the server's limits. */
    private List<String> texts(Inputs inputs) {
        if (inputs == null) {
            throw ApiException.invalid("inputs is required: a string or an array of strings", "inputs");
        }
        List<String> texts = inputs.texts();
        if (texts.isEmpty()) {
            throw ApiException.invalid("inputs is an empty array; send at least one text", "inputs");
        }
        if (texts.size() > config.maxClientBatchSize()) {
            throw ApiException.tooLarge("inputs has " + texts.size() + " texts, more than the limit of "
                    + config.maxClientBatchSize() + " per request (--max-client-batch-size); split the request", "inputs");
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).length() > config.maxInputChars()) {
                throw ApiException.tooLarge(field(inputs, i) + " has " + texts.get(i).length()
                        + " characters, more than the limit of " + config.maxInputChars() + " (--max-input-chars)",
                        field(inputs, i));
            }
        }
        return texts;
    }

    private static String field(Inputs inputs, int i) {
        return inputs.single() ? "inputs" : "inputs[" + i + "]";
    }

    private static int topK(Integer topK, int numLabels) {
        if (topK == null) {
            return 1;
        }
        if (topK < 1 || topK > numLabels) {
            throw ApiException.invalid("top_k must be between 1 and the number of labels (" + numLabels + "), got "
                    + topK, "top_k");
        }
        return topK;
    }

    /** The longest text in tokens (at most the model's max length) when the batcher has a token budget, else 0. */
    private int longest(List<String> texts) {
        if (!tokenBudget) {
            return 0;
        }
        int max = model.tokenizer().modelMaxLength();
        int longest = 0;
        for (int n : TeiEndpoints.tokenCounts(model.tokenizer(), texts.stream()
                .map(io.t4j.pipelines.ClassificationInput::of).toList())) {
            longest = Math.max(longest, Math.min(n, max));
        }
        return longest;
    }

    /** With {@code truncation: false}, a text longer than the model's max length is refused (422) before queueing. */
    private void checkTokenCounts(Inputs inputs, Boolean truncation) {
        PreTrainedTokenizer tokenizer = model.tokenizer();
        int max = tokenizer.modelMaxLength();
        if (truncation == null || truncation || max == PreTrainedTokenizer.NO_MAX_LENGTH) {
            return;
        }
        int[][] ids = tokenizer.encode(inputs.texts(), EncodeOptions.noTruncation()).inputIds();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].length > max) {
                throw ApiException.invalid(field(inputs, i) + " has " + ids[i].length + " tokens, more than the model's"
                        + " max length of " + max + "; shorten it or send \"truncation\": true", field(inputs, i));
            }
        }
    }

    private List<ChatTemplate.Message> messagesOrNull(Api.GenerateRequest req, GenerateRunner decoder) {
        if ((req.messages() == null) == (req.inputs() == null)) {
            throw ApiException.invalid("send either messages (a chat) or inputs (a plain prompt), not "
                    + (req.messages() == null ? "neither" : "both"), req.messages() == null ? "messages" : "inputs");
        }
        if (req.inputs() != null) {
            checkChars(req.inputs(), "inputs");
            return null;
        }
        if (!decoder.hasChatTemplate()) {
            throw ApiException.invalid("this model's tokenizer has no chat template; send a plain prompt as inputs",
                    "messages");
        }
        if (req.messages().isEmpty() || req.messages().size() > config.maxClientBatchSize()) {
            throw ApiException.invalid("messages must hold 1 to " + config.maxClientBatchSize() + " messages, got "
                    + req.messages().size(), "messages");
        }
        List<ChatTemplate.Message> messages = new ArrayList<>();
        for (int i = 0; i < req.messages().size(); i++) {
            Api.Message m = req.messages().get(i);
            String at = "messages[" + i + "]";
            if (m == null || m.role() == null || m.role().isBlank()) {
                throw ApiException.invalid(at + " needs a role (system, user or assistant)", at + ".role");
            }
            if (m.content() == null) {
                throw ApiException.invalid(at + " needs a content", at + ".content");
            }
            checkChars(m.content(), at + ".content");
            messages.add(new ChatTemplate.Message(m.role(), m.content()));
        }
        return messages;
    }

    private void checkChars(String text, String field) {
        if (text.length() > config.maxInputChars()) {
            throw ApiException.tooLarge(field + " has " + text.length() + " characters, more than the limit of "
                    + config.maxInputChars() + " (--max-input-chars)", field);
        }
    }

    /** The folder's generation config with the request's parameters, each checked as HF's GenerationConfig does. */
    private static GenerationConfig generationConfig(Api.GenerateRequest req, GenerationConfig d) {
        int maxNewTokens = req.maxNewTokens() != null ? req.maxNewTokens()
                : d.maxNewTokens() != null ? d.maxNewTokens() : DEFAULT_MAX_NEW_TOKENS;
        require(maxNewTokens >= 1, "max_new_tokens must be at least 1, got " + maxNewTokens, "max_new_tokens");
        double temperature = req.temperature() != null ? req.temperature() : d.temperature();
        require(temperature > 0, "temperature must be greater than 0, got " + temperature, "temperature");
        double topP = req.topP() != null ? req.topP() : d.topP();
        require(topP > 0 && topP <= 1, "top_p must be in (0, 1], got " + topP, "top_p");
        int topK = req.topK() != null ? req.topK() : d.topK();
        require(topK >= 0, "top_k must be >= 0 (0 disables it), got " + topK, "top_k");
        double penalty = req.repetitionPenalty() != null ? req.repetitionPenalty() : d.repetitionPenalty();
        require(penalty > 0, "repetition_penalty must be greater than 0, got " + penalty, "repetition_penalty");
        boolean doSample = req.doSample() != null ? req.doSample() : d.doSample();
        return new GenerationConfig(maxNewTokens, null, doSample, temperature, topK, topP, penalty, d.eosTokenId(),
                d.padTokenId(), d.bosTokenId(), req.stopStrings() != null ? req.stopStrings() : d.stopStrings(),
                req.seed() != null ? req.seed() : d.seed(), false);
    }

    private void checkLabels(List<String> labels) {
        if (labels == null) {
            throw ApiException.invalid("candidate_labels is required: at least two labels", "candidate_labels");
        }
        if (labels.size() < 2 || labels.size() > config.maxClientBatchSize()) {
            throw ApiException.invalid("candidate_labels must hold 2 to " + config.maxClientBatchSize() + " labels, got "
                    + labels.size(), "candidate_labels");
        }
        var seen = new HashSet<String>();
        for (int i = 0; i < labels.size(); i++) {
            String l = labels.get(i);
            String at = "candidate_labels[" + i + "]";
            require(l != null && !l.isBlank(), at + " is empty", at);
            require(seen.add(l), at + " '" + l + "' appears twice", at);
            checkChars(l, at);
        }
    }

    private static void require(boolean ok, String message, String field) {
        if (!ok) {
            throw ApiException.invalid(message, field);
        }
    }

    private static <T> T parse(java.util.function.Supplier<T> parser, String field) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage(), field);
        }
    }
}
