package io.t4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** classify-llm and eval-llm on the llama fixture with a word-level chat tokenizer (mechanism, not quality). */
class LlmCliTest {
    @TempDir static Path tmp;
    static Path model;

    @BeforeAll
    static void folder() throws IOException {
        model = tmp.resolve("tiny-llama");
        TinyTokenizer.writeChat(model);
        for (String f : List.of("config.json", "model.safetensors", "generation_config.json")) {
            Files.copy(Fixture.load("llama").dir().resolve(f), model.resolve(f));
        }
    }

    @Test
    void classifyLlmAlwaysAnswersWithALabel() throws IOException {
        Path in = Files.writeString(tmp.resolve("texts.txt"), "the movie was great\nit is a awful film\nw40 w41\n");
        Path out = tmp.resolve("llm.jsonl");
        var r = CliTest.run("", "classify-llm", "-m", model.toString(), "--labels", "good,bad", "--dtype", "float32",
                "-i", in.toString(), "-o", out.toString(), "--check-unconstrained");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(3);
        assertThat(lines).allMatch(l -> l.contains("\"label\":\"good\"") || l.contains("\"label\":\"bad\""));
        assertThat(lines.get(0)).contains("\"probabilities\":{\"good\":").contains("\"unconstrained_output\":");
    }

    @Test
    void evalLlmReportsMetricsAndParseFailures() throws IOException {
        Path file = Files.writeString(tmp.resolve("labelled.tsv"),
                "label\tsentence\n1\tthe movie was great\n0\tit is a awful film\n1\tvery good film\n0\tbad movie\n");
        var r = CliTest.run("", "eval-llm", "-m", model.toString(), "--labels", "bad,good", "--dtype", "float32",
                "-f", file.toString(), "--few-shot-file", file.toString(), "--k", "1", "--mode", "scoring",
                "--check-unconstrained");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("accuracy").contains("confusion matrix").contains("not a label:");
    }

    @Test
    void fewShotWithoutAFileIsAUsageError() {
        var r = CliTest.run("w40\n", "classify-llm", "-m", model.toString(), "--labels", "good,bad", "--k", "2");
        assertThat(r.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("--k 2 needs --few-shot-file");
    }
}
