package io.t4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.generation.GenerationConfig;
import io.t4j.models.llama.LlamaModeling.LlamaForCausalLM;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.pipelines.LlmPrediction;
import io.t4j.pipelines.TextGenerationPipeline;
import io.t4j.pipelines.ZeroShotLlmClassifier;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.ChatTemplate;
import io.t4j.tokenizers.ChatTemplate.Message;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.models.testing.Parity;
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
 * /v1/generate and /v1/zero-shot on the tiny Llama fixture (HF weights, random behaviour) with a word-level chat
 * tokenizer: answers equal the pipelines' for the same parameters.
 */
class GenerationEndpointsTest {
    @TempDir static Path tmp;
    static T4jServer server;
    static URI base;
    static LlamaForCausalLM model;
    static PreTrainedTokenizer tokenizer;
    static TextGenerationPipeline pipeline;
    static GenerationConfig defaults;
    static ChatTemplate template;

    @BeforeAll
    static void start() throws IOException {
        Path dir = tmp.resolve("tiny-llama");
        Files.createDirectories(dir);
        for (String f : List.of("config.json", "model.safetensors", "generation_config.json")) {
            Files.copy(Fixture.load("llama").dir().resolve(f), dir.resolve(f));
        }
        TinyTokenizer.writeChat(dir);
        server = T4jServer.start(ServedModel.load(dir, "tiny-llama", PretrainedOptions.defaults().withZeroCopy(true)),
                ServerConfig.defaults().withAddress("127.0.0.1", 0));
        base = server.uri();
        model = LlamaForCausalLM.fromPretrained(dir, PretrainedOptions.defaults().withZeroCopy(true)); // frozen, as served:
        // the same kernel path as the server's model (a trainable fp32 model computes on OpenBLAS, a frozen one on oneDNN)
        tokenizer = AutoTokenizer.fromPretrained(dir);
        template = ChatTemplate.fromTokenizer(tokenizer);
        pipeline = new TextGenerationPipeline(model, tokenizer, template);
        defaults = GenerationConfig.fromPretrained(dir, model.decoderConfig());
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
        tokenizer.close();
    }

    static Http.Response generate(String body) {
        return Http.post(base, "/v1/generate", body);
    }

    @Test
    void chatMessagesAndPlainPromptsGenerateWhatThePipelineGenerates() {
        List<Message> chat = List.of(Message.system("classify it"), Message.user("the movie was awful"));
        String messages = "[{\"role\": \"system\", \"content\": \"classify it\"}, {\"role\": \"user\", \"content\": \"the movie was awful\"}]";
        GenerationConfig five = defaults.withMaxNewTokens(5);
        Http.Response r = generate("{\"messages\": " + messages + ", \"max_new_tokens\": 5}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().size()).isEqualTo(1);
        assertThat(r.json().get("generated_text").asText()).isEqualTo(pipeline.apply(chat, five, false, null)).isNotEmpty();

        Http.Response full = generate("{\"messages\": " + messages + ", \"max_new_tokens\": 5, \"return_full_text\": true}");
        assertThat(full.json().get("generated_text").asText()).isEqualTo(pipeline.apply(chat, five, true, null));

        Http.Response plain = generate("{\"inputs\": \"the film was\", \"max_new_tokens\": 4}");
        assertThat(plain.json().get("generated_text").asText())
                .isEqualTo(pipeline.apply("the film was", defaults.withMaxNewTokens(4), false, null));
    }

    @Test
    void samplingWithASeedIsReproducible() {
        String body = "{\"inputs\": \"the movie\", \"max_new_tokens\": 6, \"do_sample\": true, \"temperature\": 1.5,"
                + " \"top_k\": 20, \"top_p\": 0.9, \"seed\": 42}";
        String first = generate(body).json().get("generated_text").asText();
        assertThat(generate(body).json().get("generated_text").asText()).isEqualTo(first);
        GenerationConfig sampling = defaults.withMaxNewTokens(6).withSampling(true, 1.5, 20, 0.9, 42);
        assertThat(first).isEqualTo(pipeline.apply("the movie", sampling, false, null));
    }

    @Test
    void zeroShotRanksTheCandidateLabelsAsTheClassifierScoresThem() {
        Http.Response r = Http.post(base, "/v1/zero-shot",
                "{\"inputs\": [\"the movie was great\", \"it is a awful film\"], \"candidate_labels\": [\"positive\", \"negative\", \"good\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        var classifier = ZeroShotLlmClassifier.create(model, tokenizer, template, List.of("positive", "negative", "good"))
                .withMode(ZeroShotLlmClassifier.Mode.SCORING);
        List<LlmPrediction> expected = classifier.classify(List.of("the movie was great", "it is a awful film"));
        for (int i = 0; i < 2; i++) {
            JsonNode result = r.json().get(i);
            assertThat(result.get("sequence").asText()).isEqualTo(i == 0 ? "the movie was great" : "it is a awful film");
            assertThat(result.get("labels").get(0).asText()).isEqualTo(expected.get(i).label());
            double previous = 1;
            for (int k = 0; k < 3; k++) {
                String label = result.get("labels").get(k).asText();
                double score = result.get("scores").get(k).asDouble();
                // the server scores the same two texts as one batch, as classify() does: one computation, measured 0
                // in all 9 settings of scripts/test-kernels.sh
                Parity.assertClose("zero-shot server score vs classifier", label, score, expected.get(i).probabilities().get(label), 1e-9);
                assertThat(score).isLessThanOrEqualTo(previous);
                previous = score;
            }
        }
        Http.Response single = Http.post(base, "/v1/zero-shot", "{\"inputs\": \"very good film\", \"labels\": [\"good\", \"bad\"]}");
        assertThat(single.json().isObject()).as(single.body()).isTrue();
        assertThat(single.json().get("scores").get(0).asDouble() + single.json().get("scores").get(1).asDouble())
                .isCloseTo(1.0, within(1e-9));
    }

    @Test
    void modelsReportTheCausalLm() {
        JsonNode m = Http.get(base, "/v1/models").json().get("data").get(0);
        assertThat(m.get("model_type").asText()).isEqualTo("llama");
        assertThat(m.get("tasks").toString()).isEqualTo("[\"generate\",\"zero-shot\"]");
        assertThat(m.get("chat_template").asBoolean()).isTrue();
        assertThat(m.get("max_length").asInt()).isEqualTo(64);
        assertThat(m.get("id2label").isNull()).isTrue();
    }

    @Test
    void refusedRequestsNameTheField() {
        String hi = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
        ErrorsTest.assertError(generate("{\"max_new_tokens\": 5}"), 422, "messages", "send either messages (a chat) or inputs");
        ErrorsTest.assertError(generate("{" + hi + ", \"inputs\": \"x\"}"), 422, "inputs", "not both");
        ErrorsTest.assertError(generate("{" + hi + ", \"max_new_tokens\": 60}"), 422, "max_new_tokens",
                "and max_new_tokens is 60: more than the model's context of 64 tokens");
        ErrorsTest.assertError(generate("{" + hi + ", \"max_new_tokens\": 0}"), 422, "max_new_tokens", "at least 1");
        ErrorsTest.assertError(generate("{" + hi + ", \"temperature\": 0}"), 422, "temperature", "greater than 0");
        ErrorsTest.assertError(generate("{" + hi + ", \"top_p\": 1.5}"), 422, "top_p", "top_p must be in (0, 1], got 1.5");
        ErrorsTest.assertError(generate("{\"messages\": [{\"content\": \"hi\"}]}"), 422, "messages[0].role", "needs a role");
        ErrorsTest.assertError(generate("{\"messages\": [{\"role\": \"user\", \"text\": \"hi\"}]}"), 400,
                "messages[0].text", "unknown field 'messages[0].text' (known: content, role)");
        ErrorsTest.assertError(generate("{\"messages\": \"hi\"}"), 400, "messages", "messages: expected an array");
        ErrorsTest.assertError(Http.post(base, "/v1/zero-shot", "{\"inputs\": \"x\", \"candidate_labels\": [\"good\"]}"),
                422, "candidate_labels", "2 to 32 labels, got 1");
        ErrorsTest.assertError(Http.post(base, "/v1/zero-shot", "{\"inputs\": \"x\", \"candidate_labels\": [\"good\", \"good\"]}"),
                422, "candidate_labels[1]", "'good' appears twice");
        ErrorsTest.assertError(Http.post(base, "/v1/zero-shot", "{\"inputs\": \"x\", \"candidate_labels\": [\"good\", \"meh\"]}"),
                422, null, "label 'meh' contains text unknown to the tokenizer");
        ErrorsTest.assertError(Http.post(base, "/v1/classify", "{\"inputs\": \"x\"}"), 404, null,
                "/v1/classify is not served for this model (llama, a causal LM); it serves /v1/generate, /v1/zero-shot");
    }
}
