package io.t4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.pipelines.ClassificationResult;
import io.t4j.pipelines.FunctionToApply;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.TextClassificationOptions;
import io.t4j.pipelines.TextClassificationPipeline;
import io.t4j.models.testing.Parity;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Micro-batching through HTTP: merged requests get their own results (also with different top_k), requests with
 * other options are not merged, overload answers 503, and shutdown answers what was admitted. The servers wait up
 * to 60 s for a batch to fill, so which requests share a batch is decided by the batch size, never by timing.
 */
class BatchingTest {
    static final Duration LONG_WAIT = Duration.ofSeconds(60);

    @TempDir static Path tmp;
    static Path dir;
    static TextClassificationPipeline classifier;

    @BeforeAll
    static void load() {
        dir = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-seqcls"), tmp.resolve("tiny-bert"));
        classifier = Pipeline.textClassification(dir);
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    static T4jServer server(ServerConfig config) throws Exception {
        ServedModel model = ServedModel.load(dir, "tiny-bert", PretrainedOptions.defaults().withZeroCopy(true));
        return T4jServer.start(model, config.withAddress("127.0.0.1", 0));
    }

    record Call(List<String> texts, int topK, String function) {
        String body() {
            return "{\"inputs\": " + json(texts) + ", \"top_k\": " + topK + ", \"function_to_apply\": \"" + function + "\"}";
        }

        List<List<ClassificationResult>> expected(TextClassificationPipeline pipe) {
            return pipe.apply(texts, TextClassificationOptions.defaults().withTopK(topK)
                    .withFunctionToApply(FunctionToApply.parse(function)));
        }

        static String json(List<String> texts) {
            return "[" + String.join(", ", texts.stream().map(t -> "\"" + t + "\"").toList()) + "]";
        }
    }

    static void assertAnswers(JsonNode actual, List<List<ClassificationResult>> expected) {
        assertThat(actual).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            ServerTest.assertSameLabels(actual.get(i), expected.get(i));
        }
    }

    static List<CompletableFuture<Http.Response>> sendAll(URI base, List<Call> calls) {
        return calls.stream().map(c -> CompletableFuture.supplyAsync(() -> Http.post(base, "/v1/classify", c.body()))).toList();
    }

    /** Waits until {@code n} requests are admitted (queued or running), as /metrics reports. */
    static void awaitQueued(URI base, int n) throws InterruptedException {
        while (!Http.get(base, "/metrics").body().contains("t4j_queue_size{queue=\"encoder\"} " + n + "\n")) {
            Thread.sleep(10);
        }
    }

    @Test
    void mergedRequestsGetTheirOwnResultsWhateverTheirTopK() throws Exception {
        List<Call> calls = List.of(new Call(List.of("w7 w9 w11", "w12"), 1, "softmax"),
                new Call(List.of("w100 w5", "w42 w43 w44 w45 w46 w47 w48", "w8"), 2, "softmax"),
                new Call(List.of("w60 w61 w62"), 2, "softmax"));
        try (T4jServer server = server(ServerConfig.defaults().withBatching(6, LONG_WAIT))) { // 6 texts: one batch
            var responses = sendAll(server.uri(), calls);
            for (int i = 0; i < calls.size(); i++) {
                Http.Response r = responses.get(i).get();
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertAnswers(r.json(), calls.get(i).expected(classifier));
            }
            assertThat(server.metrics().counter("t4j_batches_total{queue=\"encoder\"}")).isEqualTo(1);
            assertThat(server.metrics().counter("t4j_batch_requests_total{queue=\"encoder\"}")).isEqualTo(3);
            assertThat(server.metrics().counter("t4j_batch_inputs_total{queue=\"encoder\"}")).isEqualTo(6);
        }
    }

    @Test
    void requestsWithAnotherFunctionToApplyOrTaskAreNotMerged() throws Exception {
        List<Call> sigmoid = List.of(new Call(List.of("w7", "w8", "w9"), 1, "sigmoid"),
                new Call(List.of("w10 w11", "w12", "w13 w14 w15"), 2, "sigmoid"));
        Call raw = new Call(List.of("w7", "w8", "w9", "w20", "w21", "w22"), 2, "none"); // full on its own
        try (T4jServer server = server(ServerConfig.defaults().withBatching(6, LONG_WAIT))) {
            var responses = sendAll(server.uri(), List.of(sigmoid.get(0), raw, sigmoid.get(1)));
            assertAnswers(responses.get(0).get().json(), sigmoid.get(0).expected(classifier));
            assertAnswers(responses.get(1).get().json(), raw.expected(classifier));
            assertAnswers(responses.get(2).get().json(), sigmoid.get(1).expected(classifier));
            assertThat(server.metrics().counter("t4j_batches_total{queue=\"encoder\"}")).isEqualTo(2);

            var embed = CompletableFuture.supplyAsync(() -> Http.post(server.uri(), "/v1/embed", "{\"inputs\": [\"w7\"]}"));
            var classify = CompletableFuture.supplyAsync(() -> Http.post(server.uri(), "/v1/classify", "{\"inputs\": \"w7\"}"));
            awaitQueued(server.uri(), 2);
            server.close(); // neither fills a batch: the drain runs them, each in its own batch
            assertThat(embed.get().json().get(0)).hasSize(32);
            // both run "w7" alone ([1,3] tokens), one computation: measured 0 in all 9 settings of scripts/test-kernels.sh
            Parity.assertClose("drained request's score vs pipeline", "w7", classify.get().json().get(0).get("score").asDouble(),
                    classifier.apply("w7").getFirst().score(), 1e-6);
            assertThat(server.metrics().counter("t4j_batches_total{queue=\"encoder\"}")).isEqualTo(4);
        }
    }

    @Test
    void overloadIs503WithRetryAfterAndShutdownAnswersWhatWasAdmitted() throws Exception {
        T4jServer server = server(ServerConfig.defaults().withBatching(8, LONG_WAIT).withMaxConcurrentRequests(1));
        URI base = server.uri();
        var admitted = CompletableFuture.supplyAsync(() -> Http.post(base, "/v1/classify", "{\"inputs\": \"w7 w9 w11\"}"));
        awaitQueued(base, 1); // the first request now waits for its batch to fill
        Http.Response rejected = Http.post(base, "/v1/classify", "{\"inputs\": \"w8\"}");
        assertThat(rejected.status()).isEqualTo(503);
        assertThat(rejected.headers().firstValue("Retry-After")).contains("1");
        assertThat(rejected.error()).contains("overloaded", "--max-concurrent-requests 1");
        assertThat(admitted).isNotDone();

        server.close();
        Http.Response drained = admitted.get();
        assertThat(drained.status()).isEqualTo(200);
        ServerTest.assertSameLabels(drained.json(), classifier.apply("w7 w9 w11"));
        assertThatThrownBy(() -> Http.get(base, "/health")).isInstanceOf(UncheckedIOException.class);
    }
}
