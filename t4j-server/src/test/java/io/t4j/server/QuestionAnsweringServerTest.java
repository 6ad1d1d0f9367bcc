package io.t4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.QuestionAnsweringInput;
import io.t4j.pipelines.QuestionAnsweringOptions;
import io.t4j.pipelines.QuestionAnsweringPipeline;
import io.t4j.pipelines.QuestionAnsweringResult;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/question-answering} over real HTTP on the tiny bert-qa fixture (its architectures name
 * BertForQuestionAnswering, so the server runs that head): HF Inference API shapes, answers equal to the pipeline's,
 * batches, and bad questions refused with the field at fault.
 */
class QuestionAnsweringServerTest {
    @TempDir static Path tmp;
    static T4jServer server;
    static URI base;
    static QuestionAnsweringPipeline pipe;
    static final String CONTEXT = "w30 w31 w32 w33 w34 w35 w36 w37 w38 w39 w40 w41 w42 w43 w44 w45 w46 w47 w48 w49";

    @BeforeAll
    static void start() throws Exception {
        Path dir = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-qa"), tmp.resolve("tiny-bert-qa"));
        server = T4jServer.start(ServedModel.load(dir, "tiny-bert-qa", PretrainedOptions.defaults().withZeroCopy(true)),
                ServerConfig.defaults().withAddress("127.0.0.1", 0));
        base = server.uri();
        pipe = Pipeline.questionAnswering(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
        pipe.close();
    }

    static void assertSameAnswer(JsonNode actual, QuestionAnsweringResult expected) {
        assertThat(actual.get("answer").asText()).isEqualTo(expected.answer());
        assertThat(actual.get("score").asDouble()).isCloseTo(expected.score(), within(1e-5));
        assertThat(actual.get("start").asInt()).isEqualTo(expected.start());
        assertThat(actual.get("end").asInt()).isEqualTo(expected.end());
        assertThat(actual.size()).as("score, start, end and answer only").isEqualTo(4);
    }

    @Test
    void theModelServesQuestionAnsweringAndEmbeddings() {
        JsonNode info = Http.get(base, "/v1/models").json().get("data").get(0);
        assertThat(info.get("tasks")).extracting(JsonNode::asText).containsExactly("question-answering", "embed");
        assertThat(info.get("architectures").get(0).asText()).isEqualTo("BertForQuestionAnswering");
        Http.Response classify = Http.post(base, "/v1/classify", "{\"inputs\": \"w5\"}");
        assertThat(classify.status()).isEqualTo(404);
        assertThat(classify.body()).contains("/v1/question-answering");
    }

    @Test
    void oneQuestionGetsOneAnswerAndTopKAListAsHfs() {
        Http.Response r = Http.post(base, "/v1/question-answering",
                "{\"inputs\": {\"question\": \"w8 w9\", \"context\": \"" + CONTEXT + "\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().isObject()).isTrue();
        assertSameAnswer(r.json(), pipe.apply("w8 w9", CONTEXT).getFirst());

        Http.Response top3 = Http.post(base, "/v1/question-answering", "{\"inputs\": {\"question\": \"w8 w9\", \"context\": \""
                + CONTEXT + "\"}, \"parameters\": {\"top_k\": 3, \"max_answer_len\": 4, \"handle_impossible_answer\": true}}");
        assertThat(top3.status()).as(top3.body()).isEqualTo(200);
        var options = QuestionAnsweringOptions.defaults().withTopK(3).withMaxAnswerLen(4).withHandleImpossibleAnswer(true);
        List<QuestionAnsweringResult> expected = pipe.apply("w8 w9", CONTEXT, options);
        assertThat(top3.json()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertSameAnswer(top3.json().get(i), expected.get(i));
        }
    }

    @Test
    void aListOfQuestionsGetsOneResultPerQuestionAndOffsetsCountPythonCharacters() {
        String emoji = "\uD83D\uDE00 w50 w51 w52";
        Http.Response r = Http.post(base, "/v1/question-answering", "{\"inputs\": [{\"question\": \"w8\", \"context\": \""
                + CONTEXT + "\"}, {\"question\": \"w9\", \"context\": \"\\uD83D\\uDE00 w50 w51 w52\"}], \"parameters\": {\"top_k\": 2}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json()).hasSize(2);
        List<List<QuestionAnsweringResult>> expected = pipe.apply(List.of(new QuestionAnsweringInput("w8", CONTEXT),
                new QuestionAnsweringInput("w9", emoji)), QuestionAnsweringOptions.defaults().withTopK(2));
        for (int k = 0; k < 2; k++) {
            assertSameAnswer(r.json().get(0).get(k), expected.get(0).get(k));
            JsonNode a = r.json().get(1).get(k);
            QuestionAnsweringResult e = expected.get(1).get(k);
            assertThat(a.get("answer").asText()).isEqualTo(e.answer());
            assertThat(a.get("start").asInt()).isEqualTo(emoji.codePointCount(0, e.start())); // the emoji is one character
            assertThat(a.get("end").asInt()).isEqualTo(emoji.codePointCount(0, e.end()));
        }
    }

    @Test
    void badQuestionsAreRefusedWithTheFieldAtFault() {
        Http.Response empty = Http.post(base, "/v1/question-answering", "{\"inputs\": {\"question\": \"w8\", \"context\": \"\"}}");
        assertThat(empty.status()).isEqualTo(422);
        assertThat(empty.json().get("field").asText()).isEqualTo("inputs.context");
        String longQuestion = String.join(" ", java.util.Collections.nCopies(70, "w9"));
        Http.Response tooLong = Http.post(base, "/v1/question-answering", "{\"inputs\": [{\"question\": \"w8\", \"context\": \"w5\"}, "
                + "{\"question\": \"" + longQuestion + "\", \"context\": \"w5\"}], \"parameters\": {\"max_question_len\": 100}}");
        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(tooLong.json().get("field").asText()).isEqualTo("inputs[1].question");
        assertThat(tooLong.json().get("error").asText()).contains("inputs[1].question").contains("70 tokens");
        Http.Response stride = Http.post(base, "/v1/question-answering", "{\"inputs\": {\"question\": \"w8\", \"context\": \"w5\"}, "
                + "\"parameters\": {\"doc_stride\": 60}}");
        assertThat(stride.status()).isEqualTo(422);
        assertThat(stride.json().get("field").asText()).isEqualTo("parameters.doc_stride");
        Http.Response topK = Http.post(base, "/v1/question-answering", "{\"inputs\": {\"question\": \"w8\", \"context\": \"w5\"}, "
                + "\"parameters\": {\"top_k\": 0}}");
        assertThat(topK.status()).isEqualTo(422);
        assertThat(topK.json().get("error").asText()).contains("top_k");
        Http.Response notObject = Http.post(base, "/v1/question-answering", "{\"inputs\": \"w8\"}");
        assertThat(notObject.status()).isEqualTo(422);
        assertThat(notObject.json().get("field").asText()).isEqualTo("inputs");
    }
}
