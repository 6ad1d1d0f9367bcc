package io.t4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.pipelines.ClassificationResult;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.TextClassificationOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A decoder folder saved as {@code LlamaForSequenceClassification} (fixtures/llama-seqcls) is served as a classifier,
 * not for generation: /v1/classify answers what the text-classification pipeline answers, /v1/models lists only
 * classify, and /v1/embed and /v1/generate are 404s naming what is served.
 */
class DecoderClassifierServingTest {
    @TempDir static Path tmp;
    static T4jServer server;
    static URI base;
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createDirectories(tmp.resolve("llama-classifier"));
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(Fixture.load("llama-seqcls").dir().resolve(f), dir.resolve(f));
        }
        TinyTokenizer.writeChat(dir);
        server = T4jServer.start(ServedModel.load(dir, "llama-classifier", PretrainedOptions.defaults().withZeroCopy(true)),
                ServerConfig.defaults().withAddress("127.0.0.1", 0));
        base = server.uri();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void classifyAnswersThePipelinesLabels() {
        List<String> texts = List.of("the movie was great", "w30 w31 w32 w33 w34 w35 w36", "awful");
        Http.Response r = Http.post(base, "/v1/classify",
                "{\"inputs\": [\"the movie was great\", \"w30 w31 w32 w33 w34 w35 w36\", \"awful\"], \"top_k\": 3}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        try (var pipe = Pipeline.textClassification(dir)) {
            List<List<ClassificationResult>> expected = pipe.apply(texts,
                    TextClassificationOptions.defaults().withTopK(TextClassificationOptions.ALL_LABELS));
            for (int i = 0; i < texts.size(); i++) {
                JsonNode row = r.json().get(i);
                assertThat(row.size()).isEqualTo(3);
                for (int k = 0; k < 3; k++) {
                    assertThat(row.get(k).get("label").asText()).isEqualTo(expected.get(i).get(k).label());
                    assertThat(row.get(k).get("score").asDouble()).isCloseTo(expected.get(i).get(k).score(),
                            org.assertj.core.api.Assertions.within(1e-6));
                }
            }
        }
    }

    @Test
    void modelsListsClassifyOnlyAndOtherTasksAre404() {
        JsonNode m = Http.get(base, "/v1/models").json().get("data").get(0);
        assertThat(m.get("model_type").asText()).isEqualTo("llama");
        assertThat(m.get("architectures").get(0).asText()).isEqualTo("LlamaForSequenceClassification");
        assertThat(m.get("tasks").toString()).isEqualTo("[\"classify\"]");
        assertThat(m.get("classifier_pretrained").asBoolean()).isTrue();
        assertThat(m.get("hidden_size").asInt()).isEqualTo(32);
        for (String path : List.of("/v1/embed", "/v1/generate")) {
            Http.Response r = Http.post(base, path, "{\"inputs\": \"hi\"}");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).contains(path + " is not served for this model (llama, a sequence classifier); it serves /v1/classify");
        }
    }
}
