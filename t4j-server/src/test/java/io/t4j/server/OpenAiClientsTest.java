package io.t4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.pipelines.FeatureExtractionPipeline;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.Pooling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance of the OpenAI-compatible routes: the official OpenAI Java SDK and LangChain4j's OpenAI module,
 * as a user configures them (base URL, any API key, the model name), against real {@code t4j serve} processes on
 * loopback: chat (streaming included), text completions and embeddings.
 *
 * <p>The chat model is the llama fixture with a word-level chat tokenizer whose template renders the messages'
 * contents after the bos token, so the chat [system "w34 w99", user "w96 w64"] is exactly the prompt of the
 * fixture's greedy reference ([1, 34, 99, 96, 64]) and the answers must be HF's tokens. The embedding model is the
 * tiny BERT fixture; its vectors must be the feature-extraction pipeline's.
 */
class OpenAiClientsTest {
    @TempDir static Path tmp;
    static ServeProcess llm;
    static ServeProcess encoder;
    static Fixture llama;
    static Path bertDir;
    static OpenAIClient chatClient;
    static OpenAIClient embedClient;

    @BeforeAll
    static void start() throws Exception {
        llama = Fixture.load("llama");
        Path dir = tmp.resolve("tiny-llama");
        TinyTokenizer.writeChat(dir);
        for (String f : List.of("config.json", "model.safetensors", "generation_config.json")) {
            Files.copy(llama.dir().resolve(f), dir.resolve(f));
        }
        ObjectNode config = (ObjectNode) Http.JSON.readTree(dir.resolve("tokenizer_config.json").toFile());
        config.put("chat_template", "{{ bos_token }}{% for m in messages %}{{ m['content'] + ' ' }}{% endfor %}");
        Files.writeString(dir.resolve("tokenizer_config.json"), config.toString());
        bertDir = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-seqcls"), tmp.resolve("tiny-bert"));
        llm = ServeProcess.start(tmp, "--model", dir.toString(), "--served-model-name", "tiny-llama");
        encoder = ServeProcess.start(tmp, "--model", bertDir.toString(), "--served-model-name", "tiny-bert",
                "--dtype", "float32"); // its embeddings are compared with a float32 pipeline's
        chatClient = OpenAIOkHttpClient.builder().baseUrl(llm.base() + "/v1").apiKey("t4j").maxRetries(0).build();
        embedClient = OpenAIOkHttpClient.builder().baseUrl(encoder.base() + "/v1").apiKey("t4j").maxRetries(0).build();
    }

    @AfterAll
    static void stop() throws Exception {
        chatClient.close();
        embedClient.close();
        llm.close();
        encoder.close();
    }

    /** HF's first {@code n} greedy tokens of the fixture's reference prompt, as the chat tokenizer decodes them. */
    static String hf(int n) {
        var tokens = llama.node("generation.unpadded.new_tokens");
        return IntStream.range(0, n).mapToObj(i -> word(tokens.get(i).asInt())).collect(Collectors.joining(" "));
    }

    /** The reference prompt after bos, as words: "w34 w99", "w96 w64". */
    static String promptWords(int from, int to) {
        var ids = llama.node("generation.unpadded.input_ids.data");
        assertThat(ids.get(0).asInt()).isEqualTo(1);
        return IntStream.range(from, to).mapToObj(i -> word(ids.get(i).asInt())).collect(Collectors.joining(" "));
    }

    static String word(int id) {
        assertThat(id).isGreaterThanOrEqualTo(6);
        return id - 6 < TinyTokenizer.CHAT_WORDS.size() ? TinyTokenizer.CHAT_WORDS.get(id - 6) : "w" + id;
    }

    static ChatCompletionCreateParams.Builder chat() {
        return ChatCompletionCreateParams.builder().model("tiny-llama")
                .addSystemMessage(promptWords(1, 3)).addUserMessage(promptWords(3, 5));
    }

    @Test
    void openAiSdkChatReproducesHfGreedyTokens() {
        ChatCompletion c = chatClient.chat().completions().create(chat().maxCompletionTokens(3).temperature(0.0).build());
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().getFirst().message().content()).hasValue(hf(3));
        assertThat(c.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(c.model()).isEqualTo("tiny-llama");
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(5);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(3);
        assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(8);
        c.validate(); // every field the SDK requires is there, of its type
    }

    @Test
    void openAiSdkStreamingChatSendsTheSameTokensChunkByChunk() {
        List<String> deltas = new ArrayList<>();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = chatClient.chat().completions().createStreaming(chat()
                .maxTokens(8).temperature(0.0).streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build())) {
            stream.stream().forEach(chunk -> {
                chunk.validate();
                chunks.add(chunk);
                chunk.choices().forEach(ch -> ch.delta().content().ifPresent(deltas::add));
            });
        }
        assertThat(String.join("", deltas)).isEqualTo(hf(8));
        assertThat(deltas.stream().filter(d -> !d.isEmpty()).count()).as("one delta per token").isEqualTo(8);
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(8);
        assertThat(chunks.get(chunks.size() - 2).choices().getFirst().finishReason())
                .hasValue(ChatCompletionChunk.Choice.FinishReason.LENGTH);
    }

    @Test
    void stopSequencesEndTheAnswerBeforeThemStreamedOrNot() {
        String third = hf(3).split(" ")[2];
        ChatCompletion c = chatClient.chat().completions().create(chat().maxTokens(8).temperature(0.0).stop(third).build());
        String expected = hf(2) + " "; // the text before the stop sequence, as OpenAI returns it
        assertThat(c.choices().getFirst().message().content()).hasValue(expected);
        assertThat(c.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        StringBuilder streamed = new StringBuilder();
        try (var stream = chatClient.chat().completions().createStreaming(chat().maxTokens(8).temperature(0.0).stop(third).build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.delta().content().ifPresent(streamed::append)));
        }
        assertThat(streamed.toString()).isEqualTo(expected);
    }

    @Test
    void seededSamplingIsTheSameStreamedOrNot() {
        var params = chat().maxTokens(6).temperature(1.3).topP(0.9).seed(11L).build();
        String whole = chatClient.chat().completions().create(params).choices().getFirst().message().content().orElseThrow();
        StringBuilder streamed = new StringBuilder();
        try (var stream = chatClient.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.delta().content().ifPresent(streamed::append)));
        }
        assertThat(streamed.toString()).isEqualTo(whole).isNotEmpty();
    }

    @Test
    void guidedChoiceAnswersExactlyOneOfTheChoices() {
        List<String> choices = List.of("positive", "negative", "very good");
        for (double temperature : new double[] {0.0, 1.5}) {
            ChatCompletion c = chatClient.chat().completions().create(chat().temperature(temperature).seed(3L)
                    .putAdditionalBodyProperty("guided_choice", JsonValue.from(choices)).build());
            assertThat(c.choices().getFirst().message().content().orElseThrow()).isIn(choices);
            assertThat(c.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        }
        StringBuilder streamed = new StringBuilder();
        try (var stream = chatClient.chat().completions().createStreaming(chat().temperature(0.0)
                .putAdditionalBodyProperty("guided_choice", JsonValue.from(choices)).build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.delta().content().ifPresent(streamed::append)));
        }
        assertThat(streamed.toString()).isIn(choices);
    }

    @Test
    void openAiSdkCompletionsAndModels() {
        // "<s>" is the bos token's text: the plain prompt tokenizes to the reference prompt
        Completion c = chatClient.completions().create(CompletionCreateParams.builder().model("tiny-llama")
                .prompt("<s>" + promptWords(1, 5)).maxTokens(4).temperature(0.0).build());
        c.validate();
        assertThat(c.choices().getFirst().text()).isEqualTo(hf(4));
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(5);
        Completion echo = chatClient.completions().create(CompletionCreateParams.builder().model("tiny-llama")
                .prompt("<s>" + promptWords(1, 5)).maxTokens(2).temperature(0.0).echo(true).build());
        assertThat(echo.choices().getFirst().text()).isEqualTo("<s>" + promptWords(1, 5) + hf(2));

        List<Model> models = chatClient.models().list().data();
        assertThat(models).hasSize(1);
        assertThat(models.getFirst().id()).isEqualTo("tiny-llama");
        assertThat(models.getFirst().ownedBy()).isEqualTo("t4j");
        models.getFirst().validate();
    }

    @Test
    void openAiSdkEmbeddingsAreThePipelines() {
        List<String> texts = List.of("w7 w9 w11", "w100 w5 w6");
        CreateEmbeddingResponse r = embedClient.embeddings().create(EmbeddingCreateParams.builder().model("tiny-bert")
                .inputOfArrayOfStrings(texts).build());
        r.validate();
        try (FeatureExtractionPipeline embedder = Pipeline.featureExtraction(bertDir)) {
            List<float[]> expected = embedder.embed(texts, Pooling.CLS, true, 2);
            assertThat(r.data()).hasSize(2);
            for (int i = 0; i < 2; i++) {
                assertThat(r.data().get(i).index()).isEqualTo(i);
                List<Float> v = r.data().get(i).embedding();
                assertThat(v).hasSize(32);
                for (int k = 0; k < 32; k++) {
                    assertThat(v.get(k)).isCloseTo(expected.get(i)[k], within(1e-5f));
                }
            }
        }
        assertThat(r.usage().promptTokens()).isEqualTo(5 + 5); // [CLS] + 3 words + [SEP], [CLS] + 3 + [SEP]
    }

    @Test
    void badRequestsGetOpenAisErrorsAndTheServerKeepsServing() {
        assertThatThrownBy(() -> chatClient.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4o").addUserMessage("w7").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.code()).hasValue("model_not_found");
                    assertThat(e.getMessage()).contains("The model `gpt-4o` does not exist");
                });
        assertThatThrownBy(() -> chatClient.chat().completions().create(chat().temperature(3.0).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).hasValue("temperature");
                    assertThat(e.type()).hasValue("invalid_request_error");
                });
        assertThatThrownBy(() -> chatClient.chat().completions().create(chat().maxTokens(100).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.code()).hasValue("context_length_exceeded");
                    assertThat(e.getMessage()).contains("maximum context length is 64 tokens", "5 in the messages, 100 in the completion");
                });
        assertThatThrownBy(() -> chatClient.chat().completions().create(chat().n(2L).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("n"));
        assertThatThrownBy(() -> chatClient.chat().completions().create(chat()
                .putAdditionalBodyProperty("frobnicate", JsonValue.from(1)).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("unknown field 'frobnicate'"));
        assertThatThrownBy(() -> chatClient.chat().completions().create(chat()
                .putAdditionalBodyProperty("guided_choice", JsonValue.from(List.of("w7 zzz"))).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).hasValue("guided_choice");
                    assertThat(e.getMessage()).contains("unknown to the tokenizer");
                });
        assertThatThrownBy(() -> embedClient.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("tiny-bert").addUserMessage("w7").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.getMessage()).contains("needs a causal LM"));
        assertThat(chatClient.chat().completions().create(chat().maxTokens(3).temperature(0.0).build())
                .choices().getFirst().message().content()).hasValue(hf(3));
    }

    @Test
    void langChain4jChatAndStreamingChat() throws Exception {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(llm.base() + "/v1").apiKey("t4j").modelName("tiny-llama")
                .temperature(0.0).maxTokens(3).build();
        ChatResponse r = model.chat(SystemMessage.from(promptWords(1, 3)), UserMessage.from(promptWords(3, 5)));
        assertThat(r.aiMessage().text()).isEqualTo(hf(3));
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.tokenUsage().inputTokenCount()).isEqualTo(5);
        assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(3);

        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder().baseUrl(llm.base() + "/v1").apiKey("t4j")
                .modelName("tiny-llama").temperature(0.0).maxTokens(8).build();
        List<String> partials = new ArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(List.of(SystemMessage.from(promptWords(1, 3)), UserMessage.from(promptWords(3, 5))),
                new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String partial) {
                        partials.add(partial);
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        done.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }
                });
        ChatResponse complete = done.get(60, TimeUnit.SECONDS);
        assertThat(String.join("", partials)).isEqualTo(hf(8));
        assertThat(partials).hasSizeGreaterThanOrEqualTo(8);
        assertThat(complete.aiMessage().text()).isEqualTo(hf(8));
        assertThat(complete.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void langChain4jEmbeddings() {
        OpenAiEmbeddingModel model = OpenAiEmbeddingModel.builder().baseUrl(encoder.base() + "/v1").apiKey("t4j")
                .modelName("tiny-bert").build();
        List<Embedding> vectors = model.embedAll(List.of(TextSegment.from("w7 w9 w11"), TextSegment.from("w42"))).content();
        try (FeatureExtractionPipeline embedder = Pipeline.featureExtraction(bertDir)) {
            List<float[]> expected = embedder.embed(List.of("w7 w9 w11", "w42"), Pooling.CLS, true, 2);
            for (int i = 0; i < 2; i++) {
                float[] v = vectors.get(i).vector();
                assertThat(v).hasSize(32);
                for (int k = 0; k < 32; k++) {
                    assertThat(v[k]).isCloseTo(expected.get(i)[k], within(1e-5f));
                }
            }
        }
    }
}
