package io.t4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.pipelines.AggregationStrategy;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.TokenClassificationOptions;
import io.t4j.pipelines.TokenClassificationPipeline;
import io.t4j.pipelines.TokenClassificationResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder whose architectures name BertForTokenClassification is served with {@code /v1/token-classification}
 * (HF's Inference API shapes, answers equal to the pipeline's, micro-batched) and {@code /v1/embed} over its base model.
 */
class TokenClassificationServerTest {
    @TempDir static Path tmp;
    static Path dir;
    static TokenClassificationPipeline pipeline;
    static T4jServer server;

    @BeforeAll
    static void start() throws Exception {
        dir = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-tokcls"), tmp.resolve("tiny-ner"));
        pipeline = Pipeline.tokenClassification(dir);
        server = T4jServer.start(ServedModel.load(dir, "tiny-ner", PretrainedOptions.defaults().withZeroCopy(true)),
                ServerConfig.defaults().withAddress("127.0.0.1", 0));
    }

    @AfterAll
    static void stop() {
        server.close();
        pipeline.close();
    }

    static void assertSame(JsonNode actual, List<TokenClassificationResult> expected) {
        assertThat(actual.isArray()).as(actual.toString()).isTrue();
        assertThat(actual).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode a = actual.get(i);
            var e = expected.get(i);
            List<String> keys = List.copyOf(e.toMap().keySet());
            assertThat(a.properties().stream().map(java.util.Map.Entry::getKey).toList()).containsExactlyElementsOf(keys);
            assertThat(a.get(keys.getFirst()).asText()).isEqualTo(e.label());
            assertThat(a.get("score").asDouble()).isCloseTo(e.score(), within(1e-5));
            assertThat(a.get("word").asText()).isEqualTo(e.word());
            assertThat(a.get("start").asInt()).isEqualTo(e.start());
            assertThat(a.get("end").asInt()).isEqualTo(e.end());
        }
    }

    @Test
    void servesTokenClassificationAndEmbeddingsOverTheBaseModel() {
        JsonNode info = Http.get(server.uri(), "/v1/models").json().get("data").get(0);
        assertThat(info.get("tasks").toString()).isEqualTo("[\"token-classification\",\"embed\"]");
        assertThat(info.get("classifier_pretrained").asBoolean()).isTrue();
        assertThat(info.get("id2label").get("1").asText()).isEqualTo("B-PER");

        var simple = TokenClassificationOptions.defaults().withAggregationStrategy(AggregationStrategy.SIMPLE)
                .withIgnoreLabels(List.of());
        Http.Response one = Http.post(server.uri(), "/v1/token-classification",
                "{\"inputs\": \"w7 w9 w11 w12\", \"parameters\": {\"ignore_labels\": []}}");
        assertThat(one.status()).as(one.body()).isEqualTo(200);
        assertSame(one.json(), pipeline.apply("w7 w9 w11 w12", simple));

        Http.Response none = Http.post(server.uri(), "/v1/token-classification",
                "{\"inputs\": [\"w7 w9\", \"w40\"], \"parameters\": {\"aggregation_strategy\": \"none\", \"ignore_labels\": []}}");
        assertThat(none.status()).as(none.body()).isEqualTo(200);
        var noneOptions = TokenClassificationOptions.defaults().withIgnoreLabels(List.of());
        assertSame(none.json().get(0), pipeline.apply("w7 w9", noneOptions));
        assertSame(none.json().get(1), pipeline.apply("w40", noneOptions));
        assertThat(none.json().get(0).get(1).get("index").asInt()).isEqualTo(2);

        StringBuilder text = new StringBuilder("w5");
        for (int i = 1; i < 120; i++) {
            text.append(" w").append(5 + i % 100);
        }
        Http.Response windows = Http.post(server.uri(), "/v1/token-classification", "{\"inputs\": \"" + text
                + "\", \"parameters\": {\"stride\": 16, \"ignore_labels\": [], \"aggregation_strategy\": \"first\"}}");
        assertThat(windows.status()).as(windows.body()).isEqualTo(200);
        assertThat(windows.json().get(windows.json().size() - 1).get("end").asInt()).isEqualTo(text.length());

        assertThat(Http.post(server.uri(), "/v1/embed", "{\"inputs\": [\"w7\"]}").json().get(0)).hasSize(32);
        Http.Response classify = Http.post(server.uri(), "/v1/classify", "{\"inputs\": \"w7\"}");
        assertThat(classify.status()).isEqualTo(404);
        assertThat(classify.json().get("error").asText()).contains("it serves /v1/token-classification, /v1/embed");
    }

    @Test
    void badParametersAndTextsAreNamed() {
        assertError("{\"inputs\": [\"w7\", \"\"]}", 422, "inputs[1]", "the text '' has no tokens");
        assertError("{\"inputs\": \"w7\", \"parameters\": {\"aggregation_strategy\": \"longest\"}}", 422,
                "parameters.aggregation_strategy", "aggregation_strategy must be one of");
        assertError("{\"inputs\": \"w7\", \"parameters\": {\"aggregation_strategy\": \"none\", \"stride\": 4}}", 422,
                "parameters.stride", "aggregation_strategy is \"none\"");
        assertError("{\"inputs\": \"w7\", \"parameters\": {\"stride\": 64}}", 422, "parameters.stride",
                "less than the model's max length 64");
        assertError("{\"inputs\": \"w7\", \"parameters\": {\"top_k\": 2}}", 400, null, "top_k");
    }

    private static void assertError(String body, int status, String field, String message) {
        Http.Response r = Http.post(server.uri(), "/v1/token-classification", body);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).contains(message);
        if (field != null) {
            assertThat(r.json().get("field").asText()).isEqualTo(field);
        }
    }

    @Test
    void requestsWithTheSameParametersShareAForward() throws Exception {
        try (T4jServer batching = T4jServer.start(ServedModel.load(dir, "tiny-ner", PretrainedOptions.defaults()),
                ServerConfig.defaults().withAddress("127.0.0.1", 0).withBatching(4, Duration.ofSeconds(60)))) {
            List<List<String>> calls = List.of(List.of("w7 w9", "w11"), List.of("w12 w13 w14"), List.of("w40"));
            var responses = calls.stream().map(texts -> CompletableFuture.supplyAsync(() -> Http.post(batching.uri(),
                    "/v1/token-classification", "{\"inputs\": " + BatchingTest.Call.json(texts)
                            + ", \"parameters\": {\"ignore_labels\": []}}"))).toList();
            var simple = TokenClassificationOptions.defaults().withAggregationStrategy(AggregationStrategy.SIMPLE)
                    .withIgnoreLabels(List.of());
            for (int i = 0; i < calls.size(); i++) {
                Http.Response r = responses.get(i).get();
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                for (int j = 0; j < calls.get(i).size(); j++) {
                    assertSame(r.json().get(j), pipeline.apply(calls.get(i).get(j), simple));
                }
            }
            // 4 texts fill one batch (warm-up aside)
            assertThat(batching.metrics().counter("t4j_batches_total{queue=\"encoder\"}")).isEqualTo(1);
            assertThat(batching.metrics().counter("t4j_batch_inputs_total{queue=\"encoder\"}")).isEqualTo(4);
        }
    }
}
