package io.t4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.pipelines.ClassificationResult;
import io.t4j.pipelines.FeatureExtractionPipeline;
import io.t4j.pipelines.FunctionToApply;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.Pooling;
import io.t4j.pipelines.TextClassificationOptions;
import io.t4j.pipelines.TextClassificationPipeline;
import io.t4j.models.testing.Parity;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoder endpoints over real HTTP (port 0) on the tiny BERT classifier: output shapes and values equal to the
 * pipelines' for the same inputs, and the answers under concurrent load equal to sequential ones.
 */
class ServerTest {
    /**
     * A text batched with longer ones is padded, so its matmuls run on other shapes: equal up to rounding. Worst 7.2e-7
     * (concurrent vs sequential answers, Zen) over the 9 settings of scripts/test-kernels.sh; 14x.
     */
    static final double TOL = 1e-5;

    @TempDir static Path tmp;
    static Path dir;
    static T4jServer server;
    static URI base;
    static TextClassificationPipeline classifier;
    static FeatureExtractionPipeline embedder;

    @BeforeAll
    static void start() throws Exception {
        dir = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-seqcls"), tmp.resolve("tiny-bert"));
        ServedModel model = ServedModel.load(dir, "tiny-bert", PretrainedOptions.defaults().withZeroCopy(true));
        server = T4jServer.start(model, ServerConfig.defaults().withAddress("127.0.0.1", 0));
        base = server.uri();
        classifier = Pipeline.textClassification(dir);
        embedder = Pipeline.featureExtraction(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
        classifier.close();
        embedder.close();
    }

    static void assertSameLabels(JsonNode actual, List<ClassificationResult> expected) {
        assertThat(actual.isArray()).as(actual.toString()).isTrue();
        assertThat(actual).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            if (i > 0) { // labels compared exactly, in order: rounding within TOL cannot swap scores more than 2 TOL apart
                assertThat(expected.get(i - 1).score() - expected.get(i).score()).as("score gap").isGreaterThan(2 * TOL);
            }
            assertThat(actual.get(i).get("label").asText()).isEqualTo(expected.get(i).label());
            Parity.assertClose("server score vs pipeline", expected.get(i).label(), actual.get(i).get("score").asDouble(),
                    expected.get(i).score(), TOL);
            assertThat(actual.get(i).size()).as("only label and score").isEqualTo(2);
        }
    }

    @Test
    void classifyOneTextAnswersOneListOfLabelsEqualToThePipelines() {
        Http.Response r = Http.post(base, "/v1/classify", "{\"inputs\": \"w7 w9 w11\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertSameLabels(r.json(), classifier.apply("w7 w9 w11"));

        Http.Response top2 = Http.post(base, "/v1/classify", "{\"inputs\": \"w7 w9 w11\", \"top_k\": 2}");
        assertSameLabels(top2.json(), classifier.apply("w7 w9 w11", TextClassificationOptions.defaults().withTopK(2)));
        assertThat(top2.json().get(0).get("score").asDouble()).isGreaterThanOrEqualTo(top2.json().get(1).get("score").asDouble());
    }

    @Test
    void classifyAListAnswersOneListPerTextWithEachOption() {
        List<String> texts = List.of("w7 w9 w11", "w100 w5", "w42 w43 w44 w45 w46 w47 w48", "");
        for (String f : List.of("softmax", "sigmoid", "none")) {
            Http.Response r = Http.post(base, "/v1/classify", """
                    {"inputs": ["w7 w9 w11", "w100 w5", "w42 w43 w44 w45 w46 w47 w48", ""], "top_k": 2,
                     "function_to_apply": "%s", "truncation": true}""".formatted(f));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            var expected = classifier.apply(texts, TextClassificationOptions.defaults().withTopK(2)
                    .withFunctionToApply(FunctionToApply.parse(f)));
            assertThat(r.json()).hasSize(texts.size());
            for (int i = 0; i < texts.size(); i++) {
                assertSameLabels(r.json().get(i), expected.get(i));
            }
        }
        Http.Response one = Http.post(base, "/v1/classify", "{\"inputs\": [\"w8\"]}");
        assertThat(one.json()).hasSize(1);
        assertSameLabels(one.json().get(0), classifier.apply("w8"));
    }

    @Test
    void embedAnswersAVectorPerTextEqualToThePipelines() {
        List<String> texts = List.of("w7 w9 w11", "w100 w5 w6 w7 w8 w9");
        for (Pooling pooling : Pooling.values()) {
            for (boolean normalize : new boolean[] {true, false}) {
                Http.Response r = Http.post(base, "/v1/embed", """
                        {"inputs": ["w7 w9 w11", "w100 w5 w6 w7 w8 w9"], "pooling": "%s", "normalize": %s}"""
                        .formatted(pooling.name().toLowerCase(), normalize));
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                List<float[]> expected = embedder.embed(texts, pooling, normalize, 32);
                assertThat(r.json()).hasSize(2);
                for (int i = 0; i < texts.size(); i++) {
                    assertThat(r.json().get(i)).hasSize(32);
                    Parity.assertClose("server embedding vs pipeline", pooling + (normalize ? " normalized" : ""),
                            floats(r.json().get(i)), expected.get(i), TOL);
                }
            }
        }
        Http.Response single = Http.post(base, "/v1/embed", "{\"inputs\": \"w7 w9 w11\"}"); // TEI: still [[...]]
        float[] cls = embedder.embed(List.of("w7 w9 w11"), Pooling.CLS, true, 1).getFirst();
        assertThat(single.json()).hasSize(1);
        Parity.assertClose("server embedding vs pipeline", "one text, default pooling", floats(single.json().get(0)), cls, TOL);
        double norm = 0;
        for (JsonNode x : single.json().get(0)) {
            norm += x.asDouble() * x.asDouble();
        }
        Parity.assertClose("server normalized embedding, squared L2 norm", "-", norm, 1.0, 1e-5); // worst 1.2e-7; 85x
    }

    @Test
    void healthAndModelsSayWhatIsLoaded() {
        Http.Response health = Http.get(base, "/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");

        Http.Response models = Http.get(base, "/v1/models");
        assertThat(models.status()).isEqualTo(200);
        assertThat(models.json().get("object").asText()).isEqualTo("list");
        JsonNode m = models.json().get("data").get(0);
        assertThat(m.get("id").asText()).isEqualTo("tiny-bert");
        assertThat(m.get("model_type").asText()).isEqualTo("bert");
        assertThat(m.get("architectures").get(0).asText()).isEqualTo("BertForSequenceClassification");
        assertThat(m.get("tasks").toString()).isEqualTo("[\"classify\",\"embed\"]");
        assertThat(m.get("id2label").toString()).isEqualTo("{\"0\":\"LABEL_0\",\"1\":\"LABEL_1\"}");
        assertThat(m.get("classifier_pretrained").asBoolean()).isTrue();
        assertThat(m.get("dtype").asText()).isEqualTo("float32");
        assertThat(m.get("max_length").asInt()).isEqualTo(64);
        assertThat(m.get("hidden_size").asInt()).isEqualTo(32);
        assertThat(models.json().get("limits").get("max_client_batch_size").asInt()).isEqualTo(32);
        assertThat(models.json().get("limits").get("payload_limit").asInt()).isEqualTo(2_000_000);
    }

    @Test
    void metricsCountRequestsAndBatchesInPrometheusFormat() {
        Http.post(base, "/v1/classify", "{\"inputs\": \"w7\"}");
        Http.Response r = Http.get(base, "/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        assertThat(r.body()).contains("# TYPE t4j_requests_total counter\n", "t4j_requests_total{path=\"/v1/classify\",status=\"200\"} ",
                "t4j_batches_total{queue=\"encoder\"} ", "t4j_queue_size{queue=\"encoder\"} ");
    }

    @Test
    void concurrentClientsGetTheAnswersOfSequentialCalls() throws Exception {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            String text = "w" + (5 + i) + " w" + (60 + i % 7) + (i % 3 == 0 ? " w90 w91 w92 w93" : "");
            bodies.add(switch (i % 4) {
                case 0 -> "{\"inputs\": \"" + text + "\"}";
                case 1 -> "{\"inputs\": [\"" + text + "\", \"w9\"], \"top_k\": 2}";
                case 2 -> "{\"inputs\": [\"" + text + "\"], \"function_to_apply\": \"sigmoid\"}";
                default -> "{\"inputs\": \"" + text + "\", \"top_k\": 2, \"function_to_apply\": \"none\"}";
            });
        }
        List<JsonNode> sequential = new ArrayList<>();
        for (String b : bodies) {
            sequential.add(Http.post(base, "/v1/classify", b).json());
        }
        try (ExecutorService clients = Executors.newFixedThreadPool(16)) {
            List<Future<Http.Response>> concurrent = new ArrayList<>();
            for (String b : bodies) {
                concurrent.add(clients.submit(() -> Http.post(base, "/v1/classify", b)));
            }
            for (int i = 0; i < bodies.size(); i++) {
                Http.Response r = concurrent.get(i).get();
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertSameJson(r.json(), sequential.get(i));
            }
        }
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

    /** Same structure and labels, scores equal within {@link #TOL} (the largest difference reported). */
    static void assertSameJson(JsonNode actual, JsonNode expected) {
        double[] worst = {0};
        assertSameJson(actual, expected, worst);
        Parity.assertClose("concurrent vs sequential answer, largest score difference", "-", worst[0], 0.0, TOL);
    }

    private static void assertSameJson(JsonNode actual, JsonNode expected, double[] worst) {
        if (expected.isNumber()) {
            worst[0] = Math.max(worst[0], Math.abs(actual.asDouble() - expected.asDouble()));
        } else if (expected.isContainerNode()) {
            assertThat(actual.size()).isEqualTo(expected.size());
            var names = expected.fieldNames();
            if (expected.isArray()) {
                for (int i = 0; i < expected.size(); i++) {
                    assertSameJson(actual.get(i), expected.get(i), worst);
                }
            }
            names.forEachRemaining(n -> assertSameJson(actual.get(n), expected.get(n), worst));
        } else {
            assertThat(actual).isEqualTo(expected);
        }
    }
}
