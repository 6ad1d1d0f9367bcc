package io.t4j.server;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.t4j.pipelines.ClassificationInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bodies of HF text-embeddings-inference's HTTP API (router/src/http/types.rs), as records with TEI's field
 * names: {@code /predict}, {@code /rerank}, {@code /embed}, {@code /tokenize}, {@code /decode}, {@code /info} and the
 * error body. Like TEI's serde types, fields a body does not know are ignored; a value of the wrong type is an error.
 */
public final class Tei {
    private Tei() {}

    /** TEI's {@code truncation_direction}: {@code "Left"} or {@code "Right"} (any case accepted). */
    public enum TruncationDirection {
        LEFT, RIGHT;

        @JsonCreator
        static TruncationDirection parse(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "left" -> LEFT;
                case "right" -> RIGHT;
                default -> throw new IllegalArgumentException("truncation_direction must be Left or Right, got '" + value + "'");
            };
        }

        @JsonValue
        String teiName() {
            return this == LEFT ? "Left" : "Right";
        }
    }

    /**
     * {@code /predict}'s {@code inputs}: a text ({@code "a"}), a pair ({@code ["a", "b"]}; {@code ["a"]} is one text),
     * or a batch of texts and pairs ({@code [["a"], ["a", "b"]]}), answered with one list of predictions or a list of
     * them.
     */
    @JsonDeserialize(using = PredictInput.Deserializer.class)
    public record PredictInput(List<ClassificationInput> sequences, boolean single) {
        static final class Deserializer extends StdDeserializer<PredictInput> {
            private static final String EXPECTED = "a string, a pair of strings [string, string] or a batch of mixed "
                    + "strings and pairs [[string], [string, string], ...]";

            Deserializer() {
                super(PredictInput.class);
            }

            @Override
            public PredictInput deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                JsonNode node = ctx.readTree(p); // not p.readValueAsTree(): it would check for trailing tokens
                if (node.isTextual()) {
                    return new PredictInput(List.of(ClassificationInput.of(node.asText())), true);
                }
                if (!node.isArray() || node.isEmpty()) {
                    throw MismatchedInputException.from(p, PredictInput.class, "expected " + EXPECTED
                            + (node.isArray() ? ", got an empty array" : ""));
                }
                if (node.get(0).isTextual()) {
                    return new PredictInput(List.of(sequence(p, node, null)), true);
                }
                List<ClassificationInput> batch = new ArrayList<>();
                for (int i = 0; i < node.size(); i++) {
                    batch.add(sequence(p, node.get(i), i));
                }
                return new PredictInput(batch, false);
            }

            private static ClassificationInput sequence(JsonParser p, JsonNode seq, Integer index) throws IOException {
                String at = index == null ? "" : "[" + index + "]";
                if (!seq.isArray() || seq.isEmpty() || seq.size() > 2) {
                    throw MismatchedInputException.from(p, PredictInput.class, "inputs" + at + ": expected " + EXPECTED
                            + ", got " + (seq.isArray() ? "an array of " + seq.size() : seq.getNodeType().toString().toLowerCase(Locale.ROOT)));
                }
                for (JsonNode s : seq) {
                    if (!s.isTextual()) {
                        throw MismatchedInputException.from(p, PredictInput.class, "inputs" + at + ": expected strings, got "
                                + s.getNodeType().toString().toLowerCase(Locale.ROOT));
                    }
                }
                return seq.size() == 1 ? ClassificationInput.of(seq.get(0).asText())
                        : ClassificationInput.pair(seq.get(0).asText(), seq.get(1).asText());
            }
        }
    }

    /**
     * {@code POST /predict}.
     *
     * @param truncate            cut inputs to the model's max length (default: the server's {@code --auto-truncate});
     *                            else a longer input is a 413
     * @param truncationDirection which end to cut (default Right)
     * @param rawScores           the logits instead of softmax (sigmoid for a one-label model), as TEI
     */
    public record PredictRequest(PredictInput inputs, Boolean truncate, TruncationDirection truncationDirection,
                                 Boolean rawScores) {}

    /** One label's score ({@code /predict} answers every label, best first). */
    public record Prediction(float score, String label) {}

    /**
     * {@code POST /rerank}: the texts ranked by a cross-encoder (a sequence classifier with one label) on
     * (query, text) pairs.
     */
    public record RerankRequest(String query, List<String> texts, Boolean truncate,
                                TruncationDirection truncationDirection, Boolean rawScores, Boolean returnText) {}

    /** One ranked text: its index in {@code texts}, the text when {@code return_text}, and its score. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rank(int index, String text, float score) {}

    /**
     * {@code /embed}'s {@code inputs} (and OpenAI's {@code input}): a text, token ids, or a list of texts and token
     * id lists. Each element is a {@code String} or an {@code int[]}.
     */
    @JsonDeserialize(using = EmbedInput.Deserializer.class)
    public record EmbedInput(List<Object> items, boolean single) {
        static final class Deserializer extends StdDeserializer<EmbedInput> {
            Deserializer() {
                super(EmbedInput.class);
            }

            @Override
            public EmbedInput deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                JsonNode node = ctx.readTree(p); // not p.readValueAsTree(): it would check for trailing tokens
                if (node.isTextual()) {
                    return new EmbedInput(List.of(node.asText()), true);
                }
                if (!node.isArray()) {
                    throw MismatchedInputException.from(p, EmbedInput.class,
                            "expected a string, an array of token ids, or an array of strings or token id arrays");
                }
                if (!node.isEmpty() && node.get(0).isIntegralNumber()) {
                    return new EmbedInput(List.of(ids(p, node, "")), true);
                }
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < node.size(); i++) {
                    JsonNode item = node.get(i);
                    if (item.isTextual()) {
                        items.add(item.asText());
                    } else if (item.isArray()) {
                        items.add(ids(p, item, "[" + i + "]"));
                    } else {
                        throw MismatchedInputException.from(p, EmbedInput.class, "[" + i + "]: expected a string or an "
                                + "array of token ids, got " + item.getNodeType().toString().toLowerCase(Locale.ROOT));
                    }
                }
                return new EmbedInput(items, false);
            }

            static int[] ids(JsonParser p, JsonNode array, String at) throws IOException {
                int[] ids = new int[array.size()];
                for (int i = 0; i < ids.length; i++) {
                    JsonNode v = array.get(i);
                    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
                        throw MismatchedInputException.from(p, EmbedInput.class, at + "[" + i + "]: expected a token id "
                                + "(an integer >= 0), got " + v);
                    }
                    ids[i] = v.asInt();
                }
                return ids;
            }
        }
    }

    /**
     * {@code POST /embed}.
     *
     * @param promptName a key of the folder's sentence-transformers {@code prompts}; its text is prepended
     * @param normalize  L2-normalise (default true)
     */
    public record EmbedRequest(EmbedInput inputs, Boolean truncate, TruncationDirection truncationDirection,
                               String promptName, Boolean normalize) {}

    /** {@code POST /tokenize}: texts, {@code add_special_tokens} (default true), {@code prompt_name}. */
    public record TokenizeRequest(Inputs inputs, Boolean addSpecialTokens, String promptName) {}

    /**
     * One token of {@code /tokenize}: its id, its text (the input's characters it covers; the token itself for a
     * special token), and its character span in the (prompted) input (null for special tokens).
     */
    public record SimpleToken(int id, String text, boolean special, Integer start, Integer stop) {}

    /** {@code /decode}'s {@code ids}: one list of token ids or a list of them. */
    @JsonDeserialize(using = InputIds.Deserializer.class)
    public record InputIds(List<int[]> ids) {
        static final class Deserializer extends StdDeserializer<InputIds> {
            Deserializer() {
                super(InputIds.class);
            }

            @Override
            public InputIds deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                JsonNode node = ctx.readTree(p); // not p.readValueAsTree(): it would check for trailing tokens
                if (!node.isArray()) {
                    throw MismatchedInputException.from(p, InputIds.class, "expected an array of token ids or an array of them");
                }
                if (node.isEmpty() || node.get(0).isIntegralNumber()) {
                    return new InputIds(List.<int[]>of(EmbedInput.Deserializer.ids(p, node, "")));
                }
                List<int[]> all = new ArrayList<>();
                for (int i = 0; i < node.size(); i++) {
                    if (!node.get(i).isArray()) {
                        throw MismatchedInputException.from(p, InputIds.class, "[" + i + "]: expected an array of token ids");
                    }
                    all.add(EmbedInput.Deserializer.ids(p, node.get(i), "[" + i + "]"));
                }
                return new InputIds(all);
            }
        }
    }

    /** {@code POST /decode}: {@code skip_special_tokens} defaults to true. */
    public record DecodeRequest(InputIds ids, Boolean skipSpecialTokens) {}

    /** TEI's {@code model_type}: exactly one of classifier, embedding, reranker. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelType(ClassifierModel classifier, EmbeddingModel embedding, ClassifierModel reranker) {}

    public record ClassifierModel(Map<String, String> id2label, Map<String, Integer> label2id) {}

    public record EmbeddingModel(String pooling) {}

    /** {@code GET /info}: TEI's {@code Info}. */
    public record Info(String modelId, String modelSha, String modelDtype, ModelType modelType, int maxConcurrentRequests,
                       Integer maxInputLength, int maxBatchTokens, Integer maxBatchRequests, int maxClientBatchSize,
                       boolean autoTruncate, int tokenizationWorkers, String version, String sha, String dockerLabel) {}

    /** TEI's {@code ErrorResponse}: the message and its {@code error_type}. */
    public record ErrorResponse(String error, String errorType) {}
}
