package io.t4j.server;

import io.t4j.pipelines.ClassificationInput;
import io.t4j.pipelines.ClassificationResult;
import io.t4j.pipelines.FunctionToApply;
import io.t4j.pipelines.Pooling;
import io.t4j.pipelines.TextClassificationOptions;
import io.t4j.server.Router.ErrorStyle;
import io.t4j.server.Router.Reply;
import io.t4j.server.Router.Request;
import io.t4j.tokenizers.BatchEncoding;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.tokenizers.Side;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HF text-embeddings-inference's HTTP API (router/src/http/server.rs) over the served encoder: {@code POST /predict},
 * {@code /rerank}, {@code /embed}, {@code /tokenize}, {@code /decode} and {@code GET /info}, with TEI's bodies,
 * defaults, messages and status codes. Errors are TEI's {@code {"error", "error_type"}}: 400 {@code Empty} (an empty
 * batch), 413 {@code Validation} (a batch over {@code --max-client-batch-size}, an input over the model's max length
 * without {@code truncate}, an empty input, an unknown prompt), 422 {@code Tokenizer} (what the tokenizer or a
 * pipeline rejects; also a field of the wrong type, as axum answers; invalid JSON is a 400), 424 {@code Backend} (a route the
 * model does not serve, e.g. {@code /rerank} on a model with several labels), 429 {@code Overloaded} (the queue is
 * full).
 */
final class TeiEndpoints {
    static final String EMPTY = "Empty";
    static final String VALIDATION = "Validation";
    static final String TOKENIZER = "Tokenizer";
    static final String BACKEND = "Backend";
    static final String OVERLOADED = "Overloaded";

    /** TEI's error body and status for every error of a TEI route. */
    static final ErrorStyle STYLE = e -> {
        String type = e.type();
        int status = e.status();
        if (type == null || type.equals(ApiException.TOKENIZER_OR_VALUE)) {
            type = switch (status) {
                case 503, 429 -> OVERLOADED;
                case 422 -> e.type() != null ? TOKENIZER : VALIDATION;
                case 500, 424 -> BACKEND;
                default -> VALIDATION;
            };
        }
        status = switch (type) {
            case OVERLOADED -> 429;
            case BACKEND -> 424;
            // axum answers a body it can parse but not map to the route's type (a missing field, a wrong type) with 422
            default -> status == 400 && !type.equals(EMPTY) && e.field() != null ? 422 : status;
        };
        Map<String, String> headers = e.retryAfterSeconds() == null ? Map.of()
                : Map.of("Retry-After", Integer.toString(e.retryAfterSeconds()));
        return new Reply(status, new Tei.ErrorResponse(e.getMessage(), type), headers);
    };

    private final ServedModel model;
    private final ServerConfig config;
    private final ApiOptions options;
    private final MicroBatcher<BatchJob<?>> queue;

    TeiEndpoints(ServedModel model, ServerConfig config, ApiOptions options, MicroBatcher<BatchJob<?>> queue) {
        this.model = model;
        this.config = config;
        this.options = options;
        this.queue = queue;
    }

    /** {@code POST /predict}: every label with its score, best first, per text or pair. */
    Reply predict(Request r) {
        ClassifyRunner classifier = classifier("/predict", "a classifier");
        Tei.PredictRequest req = Json.read(r.body(), Tei.PredictRequest.class, Json.IGNORING_UNKNOWN_FIELDS);
        require(req.inputs(), "inputs");
        List<ClassificationInput> inputs = req.inputs().sequences();
        checkBatch(inputs.size(), "inputs");
        for (ClassificationInput in : inputs) {
            checkText(in.text(), in.isPair() ? in.textPair() : null);
        }
        int longest = longestTokens(inputs, truncate(req.truncate()));
        int numLabels = classifier.model().config().numLabels();
        FunctionToApply f = Boolean.TRUE.equals(req.rawScores()) ? FunctionToApply.NONE
                : numLabels > 1 ? FunctionToApply.SOFTMAX : FunctionToApply.SIGMOID; // TEI: softmax, sigmoid for one label
        var job = classifier.job(inputs, f, TextClassificationOptions.ALL_LABELS, side(req.truncationDirection()), longest);
        queue.submit(job);
        List<List<Tei.Prediction>> results = job.await().stream()
                .map(labels -> labels.stream().map(l -> new Tei.Prediction((float) l.score(), l.label())).toList()).toList();
        return Reply.json(req.inputs().single() ? results.getFirst() : results);
    }

    /** {@code POST /rerank}: the texts by their cross-encoder score against the query, best first. */
    Reply rerank(Request r) {
        ClassifyRunner classifier = classifier("/rerank", "a re-ranker");
        if (classifier.model().config().numLabels() != 1) {
            throw new ApiException(424, "model is not a re-ranker model: /rerank needs a sequence classifier with one "
                    + "label (a cross-encoder), this one has " + classifier.model().config().numLabels() + "; use /predict",
                    null).withType(BACKEND);
        }
        Tei.RerankRequest req = Json.read(r.body(), Tei.RerankRequest.class, Json.IGNORING_UNKNOWN_FIELDS);
        require(req.query(), "query");
        require(req.texts(), "texts");
        if (req.texts().isEmpty()) {
            throw new ApiException(400, "`texts` cannot be empty", "texts").withType(EMPTY);
        }
        checkBatch(req.texts().size(), "texts");
        List<ClassificationInput> pairs = new ArrayList<>();
        for (String text : req.texts()) {
            require(text, "texts");
            checkText(req.query(), text);
            pairs.add(ClassificationInput.pair(req.query(), text));
        }
        int longest = longestTokens(pairs, truncate(req.truncate()));
        FunctionToApply f = Boolean.TRUE.equals(req.rawScores()) ? FunctionToApply.NONE : FunctionToApply.SIGMOID;
        var job = classifier.job(pairs, f, 1, side(req.truncationDirection()), longest);
        queue.submit(job);
        List<List<ClassificationResult>> scores = job.await();
        List<Tei.Rank> ranks = new ArrayList<>();
        for (int i = 0; i < scores.size(); i++) {
            ranks.add(new Tei.Rank(i, Boolean.TRUE.equals(req.returnText()) ? req.texts().get(i) : null,
                    (float) scores.get(i).getFirst().score()));
        }
        ranks.sort(Comparator.comparingDouble(Tei.Rank::score)); // TEI: sorted ascending, then reversed
        Collections.reverse(ranks);
        return Reply.json(ranks);
    }

    /** {@code POST /embed}: one vector per input, always a list of vectors. */
    Reply embed(Request r) {
        EmbedRunner embedder = embedder("/embed");
        Tei.EmbedRequest req = Json.read(r.body(), Tei.EmbedRequest.class, Json.IGNORING_UNKNOWN_FIELDS);
        require(req.inputs(), "inputs");
        List<String> texts = embedTexts(embedder, req.inputs(), req.promptName(), "inputs");
        int longest = longestTokens(texts.stream().map(ClassificationInput::of).toList(), truncate(req.truncate()));
        var job = embedder.job(texts, pooling(embedder), req.normalize() == null || req.normalize(),
                side(req.truncationDirection()), longest);
        queue.submit(job);
        return Reply.json(job.await());
    }

    /** {@code POST /tokenize}: each input's tokens with their text and character span. */
    Reply tokenize(Request r) {
        Tei.TokenizeRequest req = Json.read(r.body(), Tei.TokenizeRequest.class, Json.IGNORING_UNKNOWN_FIELDS);
        require(req.inputs(), "inputs");
        List<String> inputs = req.inputs().texts();
        if (inputs.isEmpty()) {
            throw new ApiException(400, "`inputs` cannot be empty", "inputs").withType(EMPTY);
        }
        checkBatch(inputs.size(), "inputs");
        String prompt = prompt(req.promptName());
        PreTrainedTokenizer tokenizer = model.tokenizer();
        EncodeOptions encode = EncodeOptions.noTruncation().withAddSpecialTokens(req.addSpecialTokens() == null
                || req.addSpecialTokens()).withReturnOffsetsMapping(true).withReturnSpecialTokensMask(true);
        List<List<Tei.SimpleToken>> out = new ArrayList<>();
        for (String input : inputs) {
            checkText(input, null);
            String text = prompt + input;
            BatchEncoding e = tokenizer.encode(List.of(text), encode);
            int[] ids = e.inputIds()[0];
            int[][] offsets = e.offsetMapping(0);
            List<String> pieces = tokenizer.convertIdsToTokens(ids);
            List<Tei.SimpleToken> tokens = new ArrayList<>(ids.length);
            for (int t = 0; t < ids.length; t++) {
                if (e.specialTokensMask()[0][t] == 1) {
                    tokens.add(new Tei.SimpleToken(ids[t], pieces.get(t), true, null, null));
                } else {
                    int start = offsets[t][0];
                    int stop = offsets[t][1];
                    tokens.add(new Tei.SimpleToken(ids[t], text.substring(start, stop), false,
                            text.codePointCount(0, start), text.codePointCount(0, stop))); // TEI counts characters
                }
            }
            out.add(tokens);
        }
        return Reply.json(out);
    }

    /** {@code POST /decode}: the text of each list of token ids. */
    Reply decode(Request r) {
        Tei.DecodeRequest req = Json.read(r.body(), Tei.DecodeRequest.class, Json.IGNORING_UNKNOWN_FIELDS);
        require(req.ids(), "ids");
        List<int[]> ids = req.ids().ids();
        if (ids.isEmpty()) {
            throw new ApiException(400, "`ids` cannot be empty", "ids").withType(EMPTY);
        }
        checkBatch(ids.size(), "ids");
        boolean skip = req.skipSpecialTokens() == null || req.skipSpecialTokens();
        List<String> texts = new ArrayList<>(ids.size());
        for (int[] row : ids) {
            if (row.length == 0) {
                throw new ApiException(413, "Input validation error: `input_ids` cannot be empty", "ids").withType(VALIDATION);
            }
            texts.add(model.tokenizer().decode(row, skip));
        }
        return Reply.json(texts);
    }

    /** {@code GET /info}: TEI's description of the served model and the router's limits. */
    Reply info(Request r) {
        if (model.generative()) {
            throw new ApiException(404, "GET /info describes an embedding, classifier or re-ranker model (TEI); this is a "
                    + "causal LM: see GET /v1/models", null);
        }
        Api.ModelInfo info = model.info();
        Tei.ModelType type;
        var classifier = model.runner(ClassifyRunner.class);
        if (classifier.isPresent() && Boolean.TRUE.equals(info.classifierPretrained())) {
            Map<String, String> id2label = new LinkedHashMap<>();
            Map<String, Integer> label2id = new LinkedHashMap<>();
            classifier.get().model().config().id2label().forEach((id, label) -> {
                id2label.put(Integer.toString(id), label);
                label2id.put(label, id);
            });
            var c = new Tei.ClassifierModel(id2label, label2id);
            type = id2label.size() == 1 ? new Tei.ModelType(null, null, c) : new Tei.ModelType(c, null, null);
        } else {
            EmbedRunner embedder = embedder("/info");
            type = new Tei.ModelType(null, new Tei.EmbeddingModel(pooling(embedder).name().toLowerCase(java.util.Locale.ROOT)), null);
        }
        return Reply.json(new Tei.Info(info.id(), null, info.dtype(), type, config.maxConcurrentRequests(), info.maxLength(),
                options.maxBatchTokens(), config.maxBatchSize(), config.maxClientBatchSize(), options.autoTruncate(),
                Runtime.getRuntime().availableProcessors(), "t4j 0.1.0", null, null));
    }

    // ---- shared with the OpenAI-compatible /v1/embeddings ----

    /** The texts an embedding request stands for: prompt prepended, token ids decoded; each checked. */
    List<String> embedTexts(EmbedRunner embedder, Tei.EmbedInput input, String promptName, String field) {
        if (input.items().isEmpty()) {
            throw new ApiException(400, "`" + field + "` cannot be empty", field).withType(EMPTY);
        }
        checkBatch(input.items().size(), field);
        String prompt = prompt(promptName);
        List<String> texts = new ArrayList<>(input.items().size());
        for (Object item : input.items()) {
            String text = item instanceof int[] ids ? model.tokenizer().decode(ids, true) : (String) item;
            checkText(text, null);
            texts.add(prompt + text);
        }
        return texts;
    }

    /** The pooling of {@code /embed}: {@code --pooling}, else the folder's sentence-transformers pooling, else CLS. */
    Pooling pooling(EmbedRunner embedder) {
        if (options.pooling() != null) {
            return options.pooling();
        }
        Pooling folder = embedder.sentenceTransformers().pooling();
        return folder != null ? folder : Pooling.CLS;
    }

    /**
     * The longest input in tokens as the model will see it, checked against the model's max length: longer is a
     * 413 unless {@code truncate}, when it counts as the max length.
     */
    int longestTokens(List<ClassificationInput> inputs, boolean truncate) {
        PreTrainedTokenizer tokenizer = model.tokenizer();
        int max = tokenizer.modelMaxLength();
        int longest = 0;
        for (int n : tokenCounts(tokenizer, inputs)) {
            if (n > max && !truncate) {
                throw new ApiException(413, "Input validation error: `inputs` must have less than " + max
                        + " tokens. Given: " + n + " (send \"truncate\": true to cut it)", "inputs").withType(VALIDATION);
            }
            longest = Math.max(longest, Math.min(n, max));
        }
        return longest;
    }

    /** Tokens of each input with special tokens, untruncated (pairs as pairs). */
    static int[] tokenCounts(PreTrainedTokenizer tokenizer, List<ClassificationInput> inputs) {
        EncodeOptions encode = EncodeOptions.noTruncation();
        List<String> singles = new ArrayList<>();
        List<String> firsts = new ArrayList<>();
        List<String> seconds = new ArrayList<>();
        for (ClassificationInput in : inputs) {
            if (in.isPair()) {
                firsts.add(in.text());
                seconds.add(in.textPair());
            } else {
                singles.add(in.text());
            }
        }
        int[][] one = singles.isEmpty() ? new int[0][] : tokenizer.encode(singles, encode).inputIds();
        int[][] two = firsts.isEmpty() ? new int[0][] : tokenizer.encodePairs(firsts, seconds, encode).inputIds();
        int[] counts = new int[inputs.size()];
        int s = 0;
        int p = 0;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = inputs.get(i).isPair() ? two[p++].length : one[s++].length;
        }
        return counts;
    }

    private boolean truncate(Boolean truncate) {
        return truncate != null ? truncate : options.autoTruncate();
    }

    private Side side(Tei.TruncationDirection direction) {
        return direction == Tei.TruncationDirection.LEFT ? Side.LEFT : Side.RIGHT;
    }

    /** The prompt text of {@code promptName} (or of the default prompt name), "" for none. */
    private String prompt(String promptName) {
        SentenceTransformersConfig st = model.runner(EmbedRunner.class).map(EmbedRunner::sentenceTransformers)
                .orElse(SentenceTransformersConfig.none());
        String name = promptName != null ? promptName
                : options.defaultPromptName() != null ? options.defaultPromptName() : st.defaultPromptName();
        if (name == null) {
            return "";
        }
        String text = st.prompts().get(name);
        if (text == null) {
            throw new ApiException(413, "Input validation error: `prompt_name` is set to `" + name + "` but "
                    + (st.prompts().isEmpty() ? "the model folder has no sentence-transformers prompts "
                    + "(config_sentence_transformers.json)" : "it is not one of the sentence-transformers prompts "
                    + st.prompts().keySet()), "prompt_name").withType(VALIDATION);
        }
        return text;
    }

    private void checkBatch(int size, String field) {
        if (size > config.maxClientBatchSize()) {
            throw new ApiException(413, "batch size " + size + " > maximum allowed batch size "
                    + config.maxClientBatchSize(), field).withType(VALIDATION);
        }
    }

    /** TEI's checks of one input: not empty (both texts of a pair), within the character limit. */
    private void checkText(String text, String pair) {
        String first = text == null ? "" : text;
        String second = pair == null ? "" : pair;
        if (first.isEmpty() && second.isEmpty()) {
            throw new ApiException(413, "Input validation error: `inputs` cannot be empty", "inputs").withType(VALIDATION);
        }
        int chars = first.length() + second.length();
        if (chars > config.maxInputChars()) {
            throw new ApiException(413, "Input validation error: `inputs` must have less than " + config.maxInputChars()
                    + " characters (--max-input-chars). Given: " + chars, "inputs").withType(VALIDATION);
        }
    }

    private static void require(Object value, String field) {
        if (value == null) {
            throw new ApiException(422, "missing field `" + field + "`", field).withType(VALIDATION);
        }
    }

    /** The classifier runner, when its head is trained (TEI serves no random head); else 424. */
    private ClassifyRunner classifier(String path, String what) {
        var runner = model.runner(ClassifyRunner.class);
        if (runner.isEmpty() || !Boolean.TRUE.equals(model.info().classifierPretrained())) {
            throw new ApiException(424, "model is not " + what + " model: " + path + " needs a checkpoint with a trained "
                    + "sequence-classification head (architectures " + model.info().architectures() + ")", null)
                    .withType(BACKEND);
        }
        return runner.get();
    }

    private EmbedRunner embedder(String path) {
        return model.runner(EmbedRunner.class).orElseThrow(() -> new ApiException(424, "model is not an embedding model: "
                + path + " needs an encoder (this is " + model.info().modelType() + ", a causal LM)", null).withType(BACKEND));
    }
}
