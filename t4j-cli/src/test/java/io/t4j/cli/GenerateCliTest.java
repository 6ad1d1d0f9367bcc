package io.t4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code t4j generate} on the llama fixture: the seed's {@code pipe(messages, max_new_tokens=3,
 * return_full_text=False, do_sample=False)} reproduces HF's greedy tokens. The chat template here renders the
 * system and user contents after the bos token, so the chat tokenizes to exactly the prompt of the fixture's
 * {@code generation.unpadded} reference ([1, 34, 99, 96, 64]) and the printed text must be HF's new tokens.
 */
class GenerateCliTest {
    @TempDir static Path tmp;
    static Path model;
    static Path template;
    static Fixture llama;

    @BeforeAll
    static void folder() throws IOException {
        llama = Fixture.load("llama");
        model = tmp.resolve("tiny-llama");
        TinyTokenizer.writeChat(model);
        for (String f : List.of("config.json", "model.safetensors", "generation_config.json")) {
            Files.copy(llama.dir().resolve(f), model.resolve(f));
        }
        template = Files.writeString(tmp.resolve("contents.jinja"),
                "{{ bos_token }}{% for m in messages %}{{ m['content'] + ' ' }}{% endfor %}");
    }

    /** The reference prompt's words after bos, and HF's first {@code n} greedy tokens as the tokenizer decodes them. */
    static List<String> promptWords() {
        List<String> words = new ArrayList<>();
        var ids = llama.node("generation.unpadded.input_ids.data");
        assertThat(ids.get(0).asInt()).isEqualTo(1); // bos
        for (int i = 1; i < ids.size(); i++) {
            words.add(word(ids.get(i).asInt()));
        }
        return words;
    }

    /** The token of {@code id} in {@link TinyTokenizer#writeChat}'s vocabulary (ids 6.. are the chat words). */
    static String word(int id) {
        int chat = id - 6;
        assertThat(id).isGreaterThanOrEqualTo(6); // no special token in the references
        return chat < TinyTokenizer.CHAT_WORDS.size() ? TinyTokenizer.CHAT_WORDS.get(chat) : "w" + id;
    }

    static String hfNewText(int n) {
        var tokens = llama.node("generation.unpadded.new_tokens");
        return IntStream.range(0, n).mapToObj(i -> word(tokens.get(i).asInt())).collect(Collectors.joining(" "));
    }

    @Test
    void theSeedsChatCallReproducesHfGreedyTokens() {
        List<String> words = promptWords(); // w34 w99 w96 w64
        var r = CliTest.run("", "generate", "-m", model.toString(), "--dtype", "float32", "--chat-template", template.toString(),
                "--system", words.get(0) + " " + words.get(1), "--user", words.get(2) + " " + words.get(3),
                "--max-new-tokens", "3", "--no-do-sample");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo(hfNewText(3));
        assertThat(r.err()).contains("5 prompt tokens, 3 new tokens, finished by length");

        var eight = CliTest.run("", "generate", "-m", model.toString(), "--dtype", "float32", "--chat-template",
                template.toString(), "--system", words.get(0) + " " + words.get(1), "--user",
                words.get(2) + " " + words.get(3), "--max-new-tokens", "8", "--no-stream");
        assertThat(eight.out().strip()).isEqualTo(hfNewText(8));
    }

    @Test
    void messagesFileAndFullText() throws IOException {
        List<String> words = promptWords();
        Path messages = Files.writeString(tmp.resolve("messages.json"), "[{\"role\": \"system\", \"content\": \""
                + words.get(0) + " " + words.get(1) + "\"}, {\"role\": \"user\", \"content\": \"" + words.get(2) + " "
                + words.get(3) + "\"}]");
        var r = CliTest.run("", "generate", "-m", model.toString(), "--dtype", "float32", "--chat-template", template.toString(),
                "--messages", messages.toString(), "--max-new-tokens", "3", "--return-full-text");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo("<s>" + String.join(" ", words) + " " + hfNewText(3));
    }

    @Test
    void aPlainPromptFromStdinAndSamplingWithASeedIsReproducible() {
        var a = CliTest.run("the movie was", "generate", "-m", model.toString(), "--dtype", "float32", "--max-new-tokens",
                "6", "--do-sample", "--temperature", "1.3", "--top-k", "20", "--top-p", "0.9", "--seed", "7");
        var b = CliTest.run("", "generate", "-m", model.toString(), "--dtype", "float32", "--max-new-tokens", "6",
                "--do-sample", "--temperature", "1.3", "--top-k", "20", "--top-p", "0.9", "--seed", "7", "the movie was");
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(a.out()).isEqualTo(b.out());
        assertThat(a.out().strip().split(" ")).hasSizeBetween(1, 6);
    }

    @Test
    void aStopStringEndsGenerationAndIsKept() {
        List<String> words = promptWords();
        String third = hfNewText(3).split(" ")[2];
        var r = CliTest.run("", "generate", "-m", model.toString(), "--dtype", "float32", "--chat-template", template.toString(),
                "--system", words.get(0) + " " + words.get(1), "--user", words.get(2) + " " + words.get(3),
                "--max-new-tokens", "8", "--stop", hfNewText(2).split(" ")[1]);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo(hfNewText(2)).doesNotContain(third);
        assertThat(r.err()).contains("finished by stop_string");
    }

    @Test
    void badArgumentsAreUsageErrors() {
        var both = CliTest.run("", "generate", "-m", model.toString(), "--user", "hi", "a prompt");
        assertThat(both.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(both.err()).contains("either a plain PROMPT or chat messages");
        var temperature = CliTest.run("", "generate", "-m", model.toString(), "--dtype", "float32", "--do-sample",
                "--temperature", "0", "x");
        assertThat(temperature.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(temperature.err()).contains("temperature has to be a strictly positive float");
        var empty = CliTest.run("  ", "generate", "-m", model.toString());
        assertThat(empty.exit()).isEqualTo(ExitCode.DATA);
        var badFile = CliTest.run("", "generate", "-m", model.toString(), "--messages", tmp.resolve("none.json").toString());
        assertThat(badFile.exit()).isEqualTo(ExitCode.DATA);
        assertThat(badFile.err()).contains("none.json");
    }
}
