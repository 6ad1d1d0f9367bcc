package io.t4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.models.PretrainedOptions;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refused request: its status, its {"error", "field"} body, and that the server still answers after it. */
class ErrorsTest {
    @TempDir static Path tmp;
    static T4jServer server;
    static URI base;

    @BeforeAll
    static void start() throws Exception {
        Path dir = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-seqcls"), tmp.resolve("tiny-bert"));
        ServedModel model = ServedModel.load(dir, "tiny-bert", PretrainedOptions.defaults().withZeroCopy(true));
        server = T4jServer.start(model, ServerConfig.defaults().withAddress("127.0.0.1", 0).withInputLimits(4, 300, 1000));
        base = server.uri();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void assertError(Http.Response r, int status, String field, String... messageParts) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().size()).as(r.body()).isEqualTo(2);
        assertThat(r.field()).as(r.body()).isEqualTo(field);
        assertThat(r.error()).contains(messageParts);
    }

    static Http.Response classify(String body) {
        return Http.post(base, "/v1/classify", body);
    }

    @Test
    void badJsonIs400NamingTheProblem() {
        assertError(classify("{\"inputs\": \"w7\""), 400, null, "invalid JSON", "line 1");
        assertError(classify("{inputs: 1}"), 400, null, "invalid JSON", "double-quote to start field name");
        assertError(classify(""), 400, null, "the request body is empty; expected a JSON object");
        assertError(classify("null"), 400, null, "the request body is null");
        assertError(classify("[\"w7\"]"), 400, null, "the request body must be a JSON object");
        assertError(classify("{\"inputs\": \"w7\"} {}"), 400, null, "invalid JSON: more data after the request object");
    }

    @Test
    void unknownFieldsAndWrongTypesAre400NamingTheField() {
        assertError(classify("{\"inputs\": \"w7\", \"topk\": 2}"), 400, "topk",
                "unknown field 'topk' (known: function_to_apply, inputs, top_k, truncation)");
        assertError(classify("{\"inputs\": \"w7\", \"top_k\": \"2\"}"), 400, "top_k", "top_k: expected an integer");
        assertError(classify("{\"inputs\": \"w7\", \"top_k\": 1.5}"), 400, "top_k", "top_k: expected an integer");
        assertError(classify("{\"inputs\": \"w7\", \"truncation\": \"yes\"}"), 400, "truncation",
                "truncation: expected true or false");
        assertError(classify("{\"inputs\": 7}"), 400, "inputs", "expected a string or an array of strings, got a number");
        assertError(classify("{\"inputs\": [\"w7\", 8]}"), 400, "inputs[1]", "inputs[1]: expected a string, got a number");
        assertError(Http.post(base, "/v1/embed", "{\"inputs\": \"w7\", \"normalize\": 1}"), 400, "normalize",
                "normalize: expected true or false");
    }

    @Test
    void valuesThatCannotBeServedAre422NamingTheField() {
        assertError(classify("{}"), 422, "inputs", "inputs is required");
        assertError(classify("{\"inputs\": []}"), 422, "inputs", "inputs is an empty array");
        assertError(classify("{\"inputs\": \"w7\", \"top_k\": 3}"), 422, "top_k",
                "top_k must be between 1 and the number of labels (2), got 3");
        assertError(classify("{\"inputs\": \"w7\", \"top_k\": 0}"), 422, "top_k", "got 0");
        assertError(classify("{\"inputs\": \"w7\", \"function_to_apply\": \"relu\"}"), 422, "function_to_apply",
                "function_to_apply must be softmax, sigmoid or none, got 'relu'");
        assertError(Http.post(base, "/v1/embed", "{\"inputs\": \"w7\", \"pooling\": \"max\"}"), 422, "pooling",
                "pooling must be cls, mean or pooler, got 'max'");
    }

    @Test
    void anOverlongTextWithoutTruncationIs422AndWithTruncationIsServed() {
        String words = "w7 ".repeat(70).strip(); // 70 words + [CLS] [SEP] = 72 tokens > model_max_length 64
        Http.Response refused = classify("{\"inputs\": [\"w8\", \"" + words + "\"], \"truncation\": false}");
        assertError(refused, 422, "inputs[1]", "inputs[1] has 72 tokens, more than the model's max length of 64",
                "\"truncation\": true");
        assertError(Http.post(base, "/v1/embed", "{\"inputs\": \"" + words + "\", \"truncation\": false}"), 422,
                "inputs", "inputs has 72 tokens");
        assertThat(classify("{\"inputs\": [\"w8\", \"" + words + "\"]}").status()).isEqualTo(200);
        assertThat(classify("{\"inputs\": \"" + "w7 ".repeat(62).strip() + "\", \"truncation\": false}").status())
                .as("64 tokens fit").isEqualTo(200);
    }

    @Test
    void limitsAre413() {
        assertError(classify("{\"inputs\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}"), 413, "inputs",
                "inputs has 5 texts, more than the limit of 4 per request (--max-client-batch-size)");
        assertError(classify("{\"inputs\": \"" + "w7 ".repeat(110) + "\"}"), 413, "inputs",
                "inputs has 330 characters, more than the limit of 300 (--max-input-chars)");
        Http.Response body = classify("{\"inputs\": \"w7\", \"pad\": \"" + "x".repeat(2000) + "\"}");
        assertError(body, 413, null, "more than the limit of 1000 bytes (--payload-limit)");
        assertThat(classify("{\"inputs\": \"w7\"}").status()).as("served after a 413").isEqualTo(200);
    }

    @Test
    void unknownPathIs404WrongMethodIs405AndOtherTasksAre404() {
        Http.Response notFound = Http.get(base, "/v1/clasify");
        assertError(notFound, 404, null, "no endpoint GET /v1/clasify", "POST /v1/classify", "GET /health");
        Http.Response method = Http.get(base, "/v1/classify");
        assertError(method, 405, null, "/v1/classify does not accept GET; use POST");
        assertThat(method.headers().firstValue("Allow")).contains("POST");
        assertError(Http.send(HttpRequest.newBuilder(base.resolve("/health")).DELETE().build()), 405, null, "use GET");
        assertError(Http.post(base, "/v1/generate", "{\"inputs\": \"hi\"}"), 404, null,
                "/v1/generate is not served for this model (bert, an encoder); it serves /v1/classify, /v1/embed");
    }
}
