package io.t4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.pipelines.ClassificationInput;
import io.t4j.pipelines.ClassificationResult;
import io.t4j.pipelines.FeatureExtractionPipeline;
import io.t4j.pipelines.FunctionToApply;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.Pooling;
import io.t4j.pipelines.TextClassificationOptions;
import io.t4j.pipelines.TextClassificationPipeline;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.tokenizers.Side;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TEI's routes driven with the request bodies of TEI's own documentation (docs/source/en/quick_tour.md) and tests
 * (router/tests/test_http_*.rs), checked against TEI's response shapes and against t4j's pipelines for the values:
 * a classifier (the tiny BERT fixture, 2 labels) and a cross-encoder (the same encoder with one label, saved here).
 * TEI's tests assert that a batch of identical inputs answers each as the single input does, and that equal
 * re-rank scores keep TEI's order; so do these.
 */
class TeiApiTest {
    static final double TOL = 1e-5; // a text batched with longer ones is padded: equal up to float rounding

    @TempDir static Path tmp;
    static T4jServer classifierServer;
    static T4jServer rerankerServer;
    static URI base;
    static URI reranker;
    static TextClassificationPipeline classifier;
    static TextClassificationPipeline crossEncoder;
    static FeatureExtractionPipeline embedder;

    @BeforeAll
    static void start() throws IOException {
        Path dir = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-seqcls"), tmp.resolve("tiny-bert"));
        Files.writeString(dir.resolve("config_sentence_transformers.json"),
                "{\"prompts\": {\"query\": \"w20 w21 \", \"passage\": \"w22 \"}, \"default_prompt_name\": null}");
        classifierServer = T4jServer.start(ServedModel.load(dir, "tiny-bert", PretrainedOptions.defaults().withZeroCopy(true)),
                ServerConfig.defaults().withAddress("127.0.0.1", 0));
        base = classifierServer.uri();
        classifier = Pipeline.textClassification(dir);
        embedder = Pipeline.featureExtraction(dir);

        Path ce = tmp.resolve("tiny-cross-encoder"); // a BertForSequenceClassification with one label: TEI's re-ranker
        try (var model = BertForSequenceClassification.fromPretrained(Fixture.load("bert-mlm").dir(), PretrainedOptions.numLabels(1))) {
            model.savePretrained(ce);
        }
        TinyTokenizer.writeBert(ce, 128, 64);
        rerankerServer = T4jServer.start(ServedModel.load(ce, "tiny-cross-encoder", PretrainedOptions.defaults()),
                ServerConfig.defaults().withAddress("127.0.0.1", 0), ApiOptions.defaults().withAutoTruncate(true));
        reranker = rerankerServer.uri();
        crossEncoder = Pipeline.textClassification(ce);
    }

    @AfterAll
    static void stop() {
        classifierServer.close();
        rerankerServer.close();
        classifier.close();
        crossEncoder.close();
        embedder.close();
    }

    /** TEI's {@code [{"score", "label"}, ...]}, every label best first, equal to the pipeline's. */
    static void assertPredictions(JsonNode actual, List<ClassificationResult> expected) {
        assertThat(actual.isArray()).as(actual.toString()).isTrue();
        assertThat(actual).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).fieldNames()).toIterable().containsExactly("score", "label");
            assertThat(actual.get(i).get("label").asText()).isEqualTo(expected.get(i).label());
            assertThat(actual.get(i).get("score").asDouble()).isCloseTo(expected.get(i).score(), within(TOL));
        }
    }

    static List<ClassificationResult> softmax(ClassificationInput in) {
        return classifier.applyInputs(List.of(in), TextClassificationOptions.defaults()
                .withTopK(TextClassificationOptions.ALL_LABELS).withFunctionToApply(FunctionToApply.SOFTMAX)).getFirst();
    }

    @Test
    void predictASingleTextAndABatchAsTeisTestDoes() {
        Http.Response single = Http.post(base, "/predict", "{\"inputs\": \"test\"}"); // router/tests/test_http_predict.rs
        assertThat(single.status()).as(single.body()).isEqualTo(200);
        assertPredictions(single.json(), softmax(ClassificationInput.of("test")));

        Http.Response batch = Http.post(base, "/predict",
                "{\"inputs\": [[\"test\"], [\"test\"], [\"test\"], [\"test\"], [\"test\"]]}");
        assertThat(batch.status()).as(batch.body()).isEqualTo(200);
        assertThat(batch.json()).hasSize(5);
        for (JsonNode predictions : batch.json()) { // TEI: each equals the single prediction (here up to float rounding)
            assertPredictions(predictions, softmax(ClassificationInput.of("test")));
        }
    }

    @Test
    void predictWithTheQuickToursBodiesPairsAndRawScores() {
        Http.Response one = Http.post(base, "/predict", "{\"inputs\":\"I like you.\"}"); // quick_tour.md
        assertPredictions(one.json(), softmax(ClassificationInput.of("I like you.")));

        Http.Response batch = Http.post(base, "/predict", "{\"inputs\":[[\"I like you.\"], [\"I hate pineapples\"]]}");
        assertThat(batch.json()).hasSize(2);
        assertPredictions(batch.json().get(1), softmax(ClassificationInput.of("I hate pineapples")));

        // a pair is [a, b]; a batch mixes texts and pairs; raw_scores gives the logits
        Http.Response pair = Http.post(base, "/predict", "{\"inputs\": [\"w7 w8 w9\", \"w10 w11\"]}");
        assertThat(pair.status()).as(pair.body()).isEqualTo(200);
        assertPredictions(pair.json(), softmax(ClassificationInput.pair("w7 w8 w9", "w10 w11")));
        Http.Response mixed = Http.post(base, "/predict",
                "{\"inputs\": [[\"w7 w8 w9\", \"w10 w11\"], [\"w40 w41 w42 w43 w44 w45\"]], \"raw_scores\": true}");
        var logits = classifier.applyInputs(List.of(ClassificationInput.pair("w7 w8 w9", "w10 w11"),
                ClassificationInput.of("w40 w41 w42 w43 w44 w45")), TextClassificationOptions.defaults()
                .withTopK(TextClassificationOptions.ALL_LABELS).withFunctionToApply(FunctionToApply.NONE));
        assertPredictions(mixed.json().get(0), logits.get(0));
        assertPredictions(mixed.json().get(1), logits.get(1));
    }

    @Test
    void truncationIsOffByDefaultAndCutsOnTheSideAsked() throws IOException {
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < 80; i++) {
            words.append("w").append(5 + i).append(' ');
        }
        String longText = words.toString().strip(); // 82 tokens with [CLS] and [SEP]; the tokenizer's max is 64
        Http.Response refused = Http.post(base, "/predict", "{\"inputs\": \"" + longText + "\"}");
        assertTeiError(refused, 413, "Validation", "`inputs` must have less than 64 tokens. Given: 82");

        Http.Response right = Http.post(base, "/predict", "{\"inputs\": \"" + longText + "\", \"truncate\": true}");
        assertPredictions(right.json(), softmax(ClassificationInput.of(longText)));
        Http.Response left = Http.post(base, "/predict", "{\"inputs\": \"" + longText
                + "\", \"truncate\": true, \"truncation_direction\": \"Left\"}");
        try (PreTrainedTokenizer leftTokenizer = AutoTokenizer.fromPretrained(tmp.resolve("tiny-bert")).withTruncationSide(Side.LEFT)) {
            var leftPipeline = Pipeline.textClassification(classifier.model(), leftTokenizer);
            var expected = leftPipeline.applyInputs(List.of(ClassificationInput.of(longText)), TextClassificationOptions
                    .defaults().withTopK(TextClassificationOptions.ALL_LABELS).withFunctionToApply(FunctionToApply.SOFTMAX));
            assertPredictions(left.json(), expected.getFirst());
            assertThat(left.json().get(0).get("score").asDouble()).isNotCloseTo(right.json().get(0).get("score").asDouble(),
                    within(1e-6)); // the two ends of the text differ
        }
    }

    @Test
    void rerankAsTeisTestDoesEqualScoresKeepTeisOrder() {
        // router/tests/test_http_rerank.rs ranks ["test", "other", "test"] against "test": "other" scores lowest. Both
        // words are [UNK] in the tiny vocabulary, so the same body is built from w-words, "other" being one that the
        // cross-encoder scores below the query's own word
        String other = null;
        float same = crossEncoder.scoresOf(List.of(ClassificationInput.pair("w7", "w7")), TextClassificationOptions.defaults())[0][0];
        for (int w = 8; other == null; w++) {
            float s = crossEncoder.scoresOf(List.of(ClassificationInput.pair("w7", "w" + w)), TextClassificationOptions.defaults())[0][0];
            other = s < same - 1e-3 ? "w" + w : null;
        }
        Http.Response r = Http.post(reranker, "/rerank",
                "{\"query\": \"w7\", \"texts\": [\"w7\", \"" + other + "\", \"w7\"], \"return_text\": true}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json()).hasSize(3);
        double first = r.json().get(0).get("score").asDouble();
        double second = r.json().get(1).get("score").asDouble();
        assertThat(List.of(r.json().get(0).get("index").asInt(), r.json().get(1).get("index").asInt())).containsExactlyInAnyOrder(0, 2);
        // the same pair at two places in one batch: equal scores where the kernels round every row alike (oneDNN on Zen 4),
        // within a float's rounding where they do not (oneDNN's fp32 on a Zen 5 differed in the 7th digit)
        assertThat(first).isCloseTo(second, within(1e-6));
        if (first == second) {
            assertThat(r.json().get(0).get("index").asInt()).as("equal scores keep TEI's order").isEqualTo(2);
        }
        assertThat(r.json().get(0).get("text").asText()).isEqualTo("w7");
        assertThat(r.json().get(2).get("text").asText()).isEqualTo(other);
    }

    @Test
    void rerankScoresAreTheCrossEncodersSigmoidOnQueryTextPairs() {
        Http.Response r = Http.post(reranker, "/rerank", // quick_tour.md
                "{\"query\":\"What is Deep Learning?\", \"texts\": [\"Deep Learning is not...\", \"Deep learning is...\"], \"raw_scores\": false}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> texts = List.of("Deep Learning is not...", "Deep learning is...");
        List<ClassificationInput> pairs = texts.stream().map(t -> ClassificationInput.pair("What is Deep Learning?", t)).toList();
        float[][] sigmoid = crossEncoder.scoresOf(pairs, TextClassificationOptions.defaults().withFunctionToApply(FunctionToApply.SIGMOID));
        double previous = Double.MAX_VALUE;
        for (JsonNode rank : r.json()) {
            assertThat(rank.has("text")).as("no text without return_text").isFalse();
            double score = rank.get("score").asDouble();
            assertThat(score).isCloseTo(sigmoid[rank.get("index").asInt()][0], within(TOL)).isLessThanOrEqualTo(previous);
            previous = score;
        }
        // w-words differ in the tiny vocabulary, so these scores differ: the order is the scores'
        Http.Response raw = Http.post(reranker, "/rerank",
                "{\"query\": \"w7 w8\", \"texts\": [\"w9 w10 w11\", \"w50\", \"w60 w61\"], \"raw_scores\": true}");
        float[][] logits = crossEncoder.scoresOf(List.of(ClassificationInput.pair("w7 w8", "w9 w10 w11"),
                ClassificationInput.pair("w7 w8", "w50"), ClassificationInput.pair("w7 w8", "w60 w61")),
                TextClassificationOptions.defaults().withFunctionToApply(FunctionToApply.NONE));
        for (JsonNode rank : raw.json()) {
            assertThat(rank.get("score").asDouble()).isCloseTo(logits[rank.get("index").asInt()][0], within(TOL));
        }
    }

    @Test
    void embedAsTeisTestAndQuickTourDo() {
        Http.Response single = Http.post(base, "/embed", "{\"inputs\": \"test\"}"); // router/tests/test_http_embed.rs
        assertThat(single.status()).as(single.body()).isEqualTo(200);
        assertThat(single.json()).hasSize(1); // always a list of vectors
        assertVector(single.json().get(0), embedder.embed(List.of("test"), Pooling.CLS, true, 1).getFirst());
        Http.Response batch = Http.post(base, "/embed", "{\"inputs\": [\"test\", \"test\", \"test\", \"test\", \"test\"]}");
        assertThat(batch.json()).hasSize(5);
        float[] alone = new float[single.json().get(0).size()];
        for (int c = 0; c < alone.length; c++) {
            alone[c] = (float) single.json().get(0).get(c).asDouble();
        }
        for (JsonNode v : batch.json()) { // bit for bit where the kernels round every row alike (not OpenBLAS)
            assertVector(v, alone);
        }
        Http.Response tour = Http.post(base, "/embed", "{\"inputs\":[\"Today is a nice day\", \"I like you\"]}");
        List<float[]> expected = embedder.embed(List.of("Today is a nice day", "I like you"), Pooling.CLS, true, 2);
        assertVector(tour.json().get(0), expected.get(0));
        assertVector(tour.json().get(1), expected.get(1));

        Http.Response raw = Http.post(base, "/embed", "{\"inputs\": \"w7 w9\", \"normalize\": false}");
        assertVector(raw.json().get(0), embedder.embed(List.of("w7 w9"), Pooling.CLS, false, 1).getFirst());
    }

    @Test
    void embedWithASentenceTransformersPromptAndTokenIds() {
        Http.Response query = Http.post(base, "/embed", "{\"inputs\": \"w7 w9\", \"prompt_name\": \"query\"}");
        assertThat(query.status()).as(query.body()).isEqualTo(200);
        assertVector(query.json().get(0), embedder.embed(List.of("w20 w21 w7 w9"), Pooling.CLS, true, 1).getFirst());

        Http.Response ids = Http.post(base, "/embed", "{\"inputs\": [[2, 7, 9, 3], \"w7 w9\"]}"); // token ids: decoded
        assertThat(ids.json().get(0)).isEqualTo(ids.json().get(1));

        assertTeiError(Http.post(base, "/embed", "{\"inputs\": \"w7\", \"prompt_name\": \"document\"}"), 413, "Validation",
                "`prompt_name` is set to `document`", "[query, passage]");
    }

    @Test
    void tokenizeAndDecode() {
        Http.Response t = Http.post(base, "/tokenize", "{\"inputs\": \"w7 w9\"}");
        assertThat(t.status()).as(t.body()).isEqualTo(200);
        assertThat(t.json().toString()).isEqualTo("[[{\"id\":2,\"text\":\"[CLS]\",\"special\":true,\"start\":null,\"stop\":null},"
                + "{\"id\":7,\"text\":\"w7\",\"special\":false,\"start\":0,\"stop\":2},"
                + "{\"id\":9,\"text\":\"w9\",\"special\":false,\"start\":3,\"stop\":5},"
                + "{\"id\":3,\"text\":\"[SEP]\",\"special\":true,\"start\":null,\"stop\":null}]]");
        Http.Response prompted = Http.post(base, "/tokenize",
                "{\"inputs\": [\"w7\", \"w9\"], \"add_special_tokens\": false, \"prompt_name\": \"passage\"}");
        assertThat(prompted.json().toString()).isEqualTo("[[{\"id\":22,\"text\":\"w22\",\"special\":false,\"start\":0,\"stop\":3},"
                + "{\"id\":7,\"text\":\"w7\",\"special\":false,\"start\":4,\"stop\":6}],"
                + "[{\"id\":22,\"text\":\"w22\",\"special\":false,\"start\":0,\"stop\":3},"
                + "{\"id\":9,\"text\":\"w9\",\"special\":false,\"start\":4,\"stop\":6}]]");

        Http.Response d = Http.post(base, "/decode", "{\"ids\": [2, 7, 9, 3]}");
        assertThat(d.json().toString()).isEqualTo("[\"w7 w9\"]");
        Http.Response keep = Http.post(base, "/decode", "{\"ids\": [[2, 7, 3], [9]], \"skip_special_tokens\": false}");
        assertThat(keep.json().toString()).isEqualTo("[\"[CLS] w7 [SEP]\",\"w9\"]");
    }

    @Test
    void infoDescribesTheModelAsTeiDoes() {
        JsonNode info = Http.get(base, "/info").json();
        assertThat(info.get("model_id").asText()).isEqualTo("tiny-bert");
        assertThat(info.get("model_dtype").asText()).isEqualTo("float32");
        assertThat(info.get("model_type").get("classifier").get("id2label").size()).isEqualTo(2);
        assertThat(info.get("max_input_length").asInt()).isEqualTo(64);
        assertThat(info.get("max_batch_tokens").asInt()).isEqualTo(16384);
        assertThat(info.get("max_client_batch_size").asInt()).isEqualTo(32);
        assertThat(info.get("auto_truncate").asBoolean()).isFalse();
        JsonNode ce = Http.get(reranker, "/info").json();
        assertThat(ce.get("model_type").has("reranker")).as(ce.toString()).isTrue();
        assertThat(ce.get("auto_truncate").asBoolean()).isTrue();
    }

    /** TEI's error body: exactly {@code error} and {@code error_type}. */
    static void assertTeiError(Http.Response r, int status, String type, String... messageParts) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().fieldNames()).toIterable().containsExactly("error", "error_type");
        assertThat(r.json().get("error_type").asText()).isEqualTo(type);
        assertThat(r.json().get("error").asText()).contains(messageParts);
    }

    @Test
    void badRequestsGetTeisErrorsAndTheServerKeepsServing() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 33; i++) {
            many.add("\"w7\"");
        }
        assertTeiError(Http.post(base, "/embed", "{\"inputs\": [" + String.join(",", many) + "]}"), 413, "Validation",
                "batch size 33 > maximum allowed batch size 32");
        assertTeiError(Http.post(base, "/embed", "{\"inputs\": []}"), 400, "Empty", "`inputs` cannot be empty");
        assertTeiError(Http.post(base, "/predict", "{\"inputs\": \"\"}"), 413, "Validation", "`inputs` cannot be empty");
        assertTeiError(Http.post(base, "/predict", "{\"inputs\": [\"a\", \"b\", \"c\"]}"), 422, "Validation",
                "a pair of strings");
        assertTeiError(Http.post(base, "/predict", "{\"inputs\": \"w7\", \"raw_scores\": \"yes\"}"), 422, "Validation",
                "raw_scores");
        assertTeiError(Http.post(base, "/embed", "{\"inputs\": \"w7\""), 400, "Validation", "invalid JSON");
        assertTeiError(Http.post(base, "/rerank", "{\"query\": \"a\", \"texts\": [\"b\"]}"), 424, "Backend",
                "model is not a re-ranker model");
        assertTeiError(Http.post(reranker, "/rerank", "{\"query\": \"a\", \"texts\": []}"), 400, "Empty",
                "`texts` cannot be empty");
        assertTeiError(Http.post(base, "/decode", "{\"ids\": [100000]}"), 422, "Tokenizer", "100000");
        assertThat(Http.post(base, "/predict", "{\"inputs\": \"w7\", \"unknown_field\": 1}").status())
                .as("fields TEI does not know are ignored, as serde does").isEqualTo(200);
        assertThat(Http.post(base, "/embed", "{\"inputs\": \"test\"}").status()).isEqualTo(200);
    }

    static void assertVector(JsonNode actual, float[] expected) {
        assertThat(actual).hasSize(expected.length);
        for (int c = 0; c < expected.length; c++) {
            assertThat(actual.get(c).asDouble()).isCloseTo(expected[c], within(TOL));
        }
    }
}
