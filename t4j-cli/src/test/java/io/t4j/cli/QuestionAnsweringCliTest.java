package io.t4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.t4j.cli.CliTest.Run;
import io.t4j.data.SquadData;
import io.t4j.data.SquadReader;
import io.t4j.models.AutoConfig;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code t4j train/eval/predict --task question-answering} as a user runs them, on the tiny bert-qa fixture with a
 * word-level tokenizer (max length 64) and SQuAD v1.1 files written here; bad input exits 3 naming the file and the
 * question.
 */
class QuestionAnsweringCliTest {
    @TempDir static Path tmp;
    static Path model;
    static Path squad;

    /** Four articles of toy paragraphs ("w20 .. w99" with one answer word from w110..w119), question "w8". */
    @BeforeAll
    static void files() throws Exception {
        model = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-qa"), tmp.resolve("tiny-bert-qa"));
        Random r = new Random(5);
        StringBuilder json = new StringBuilder("{\"version\": \"1.1\", \"data\": [");
        for (int a = 0; a < 4; a++) {
            json.append(a == 0 ? "" : ", ").append("{\"title\": \"article").append(a).append("\", \"paragraphs\": [");
            for (int p = 0; p < 3; p++) {
                StringBuilder context = new StringBuilder();
                int words = 10 + r.nextInt(60);
                int at = r.nextInt(words);
                int answerStart = 0;
                String answer = "w" + (110 + r.nextInt(10));
                for (int w = 0; w < words; w++) {
                    context.append(w == 0 ? "" : " ");
                    if (w == at) {
                        answerStart = context.length();
                        context.append(answer);
                    } else {
                        context.append("w").append(20 + r.nextInt(80));
                    }
                }
                json.append(p == 0 ? "" : ", ").append("{\"context\": \"").append(context).append("\", \"qas\": [")
                        .append("{\"id\": \"a").append(a).append("p").append(p).append("\", \"question\": \"w8\", \"answers\": [")
                        .append("{\"text\": \"").append(answer).append("\", \"answer_start\": ").append(answerStart).append("}]}]}");
            }
            json.append("]}");
        }
        squad = Files.writeString(tmp.resolve("train.json"), json.append("]}").toString());
    }

    @Test
    void trainHoldsOutArticlesEvaluatesAndSavesAModelThatEvalAndPredictUse() throws Exception {
        Path out = tmp.resolve("run");
        Run r = CliTest.run("", "train", "--task", "question-answering", "--model", model.toString(),
                "--train-file", squad.toString(), "--validation-articles", "1", "--output_dir", out.toString(),
                "--max-seq-length", "64", "--doc-stride", "16", "--max_steps", "3", "--per_device_train_batch_size", "4",
                "--learning_rate", "1e-3", "--save_strategy", "no", "--disable_tqdm", "true", "--seed", "3");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("train_runtime", "eval_loss", "eval_exact_match", "eval_f1", "model saved to");
        assertThat(AutoConfig.fromPretrained(out).architectures()).containsExactly("BertForQuestionAnswering");
        assertThat(out.resolve("eval_predictions.json")).exists();
        assertThat(out.resolve("eval_nbest_predictions.json")).exists();
        SquadData held = SquadReader.read(out.resolve("validation.json"));
        assertThat(held.titles()).hasSize(1);
        assertThat(held.size()).isEqualTo(3);
        SquadData all = SquadReader.read(squad);
        assertThat(all.examples()).containsAll(held.examples().stream().map(e -> new io.t4j.data.SquadExample(e.id(),
                e.title(), e.context(), e.question(), e.answers(), e.plausibleAnswers(), squad.toString())).toList());

        Run eval = CliTest.run("", "eval", "--task", "qa", "--model", out.toString(), "--file",
                out.resolve("validation.json").toString(), "--max-seq-length", "64", "--doc-stride", "16", "--json");
        assertThat(eval.exit()).as(eval.err()).isZero();
        JsonNode metrics = Json.MAPPER.readTree(eval.out());
        assertThat(metrics.has("eval_exact_match")).isTrue();
        assertThat(metrics.get("eval_f1").asDouble()).isBetween(0.0, 100.0);
        assertThat(metrics.get("eval_samples").asInt()).isEqualTo(3);
        Run table = CliTest.run("", "eval", "--task", "qa", "--model", out.toString(), "--file",
                out.resolve("validation.json").toString(), "--max-seq-length", "64", "--doc-stride", "16");
        assertThat(table.out()).containsPattern("eval_exact_match +[0-9.]+").containsPattern("eval_f1 +[0-9.]+");

        String context = "w30 w31 w112 w40 w41";
        String questions = "{\"id\": \"x1\", \"question\": \"w8\", \"context\": \"" + context + "\"}\n"
                + "{\"question\": \"w8\", \"context\": \"\\uD83D\\uDE00 w50 w115 w51\"}\n";
        Run predicted = CliTest.run(questions, "predict", "--task", "qa", "--model", out.toString(), "--top-k", "2");
        assertThat(predicted.exit()).as(predicted.err()).isZero();
        List<String> lines = predicted.out().lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode first = Json.MAPPER.readTree(lines.get(0));
        assertThat(first.get("id").asText()).isEqualTo("x1");
        assertThat(context.substring(first.get("start").asInt(), first.get("end").asInt())).isEqualTo(first.get("answer").asText());
        assertThat(first.get("top_k")).hasSize(2);
        // offsets count Python characters: the emoji is one (two Java chars)
        JsonNode second = Json.MAPPER.readTree(lines.get(1));
        String c2 = "\uD83D\uDE00 w50 w115 w51";
        int start = c2.offsetByCodePoints(0, second.get("start").asInt());
        int end = c2.offsetByCodePoints(0, second.get("end").asInt());
        assertThat(c2.substring(start, end)).isEqualTo(second.get("answer").asText());
    }

    @Test
    void badSquadInputNamesTheFileAndQuestionAndExitsThree() throws Exception {
        Path mismatch = Files.writeString(tmp.resolve("mismatch.json"), """
                {"version": "1.1", "data": [{"title": "t", "paragraphs": [{"context": "w20 w21 w112",
                 "qas": [{"id": "q-bad-start", "question": "w8", "answers": [{"text": "w112", "answer_start": 3}]}]}]}]}""");
        Run r = train(mismatch, "--max-seq-length", "64");
        assertThat(r.exit()).isEqualTo(ExitCode.DATA);
        assertThat(r.err()).contains("mismatch.json").contains("q-bad-start").contains("does not match the answer text");

        Path empty = Files.writeString(tmp.resolve("empty.json"), """
                {"version": "1.1", "data": [{"title": "t", "paragraphs": [{"context": "",
                 "qas": [{"id": "q-empty", "question": "w8", "answers": []}]}]}]}""");
        r = train(empty, "--max-seq-length", "64");
        assertThat(r.exit()).isEqualTo(ExitCode.DATA);
        assertThat(r.err()).contains("empty.json").contains("q-empty").contains("empty context");

        String longQuestion = String.join(" ", java.util.Collections.nCopies(70, "w9"));
        Path longQ = Files.writeString(tmp.resolve("long.json"), """
                {"version": "1.1", "data": [{"title": "t", "paragraphs": [{"context": "w20 w21 w112",
                 "qas": [{"id": "q-long", "question": "%s", "answers": [{"text": "w112", "answer_start": 8}]}]}]}]}"""
                .formatted(longQuestion));
        r = train(longQ, "--max-seq-length", "64");
        assertThat(r.exit()).isEqualTo(ExitCode.DATA);
        assertThat(r.err()).contains("long.json, question q-long: the question has 70 tokens").contains("max_seq_length 64");

        r = train(squad, "--max-seq-length", "64", "--doc-stride", "60");
        assertThat(r.exit()).isEqualTo(ExitCode.DATA);
        assertThat(r.err()).contains("train.json, question a0p0: doc_stride 60 is not smaller than the room left for the context, 60 tokens");

        Run p = CliTest.run("{\"id\": \"p-empty\", \"question\": \"w8\", \"context\": \"\"}\n", "predict", "--task", "qa",
                "--model", model.toString());
        assertThat(p.exit()).isEqualTo(ExitCode.DATA);
        assertThat(p.err()).contains("<stdin> line 1 (question p-empty): `context` cannot be empty");
        p = CliTest.run("{\"question\": \"w8\", \"context\": \"w20 w21\"}\n{\"id\": \"p-long\", \"question\": \"" + longQuestion
                + "\", \"context\": \"w20 w21\"}\n", "predict", "--task", "qa", "--model", model.toString(), "--max-question-len", "100");
        assertThat(p.exit()).isEqualTo(ExitCode.DATA);
        assertThat(p.err()).contains("<stdin> line 2 (question p-long): the question").contains("70 tokens");
    }

    private static Run train(Path file, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--task", "qa", "--model", model.toString(),
                "--train-file", file.toString(), "--output_dir", tmp.resolve("bad-" + file.getFileName()).toString(),
                "--max_steps", "1", "--save_strategy", "no", "--disable_tqdm", "true"));
        args.addAll(List.of(extra));
        return CliTest.run("", args.toArray(String[]::new));
    }
}
