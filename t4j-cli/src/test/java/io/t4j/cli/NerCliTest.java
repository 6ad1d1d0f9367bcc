package io.t4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.t4j.cli.CliTest.Run;
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
 * NER through the CLI as run_ner.py users run it: {@code t4j train --task token-classification} on CoNLL-2003-style
 * columns and JSON Lines, {@code t4j eval} with seqeval's table, {@code t4j predict} writing entities with offsets,
 * and bad input named by file, line and value with exit code 3. Tiny BERT fixtures and a word-level tokenizer.
 */
class NerCliTest {
    @TempDir static Path tmp;
    static Path tokcls;
    static Path base;
    static Path train;
    static Path valid;
    static final ObjectMapper JSON = new ObjectMapper();

    /** CoNLL-2003 columns (token POS chunk NER): w10-w19 persons, w20-w29 places, in B-/I- runs. */
    static String conll(int sentences, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder("-DOCSTART- -X- -X- O\n\n");
        for (int s = 0; s < sentences; s++) {
            String previous = "O";
            for (int w = 0, n = 3 + r.nextInt(6); w < n; w++) {
                int kind = r.nextInt(4);
                int id = kind == 0 ? 10 + r.nextInt(10) : kind == 1 ? 20 + r.nextInt(10) : 30 + r.nextInt(90);
                String type = kind == 0 ? "PER" : kind == 1 ? "LOC" : null;
                String tag = type == null ? "O" : (previous.endsWith(type) ? "I-" : "B-") + type;
                sb.append("w").append(id).append(" NNP B-NP ").append(tag).append('\n');
                previous = tag;
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @BeforeAll
    static void files() throws Exception {
        tokcls = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-tokcls"), tmp.resolve("tiny-tokcls"));
        base = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-mlm"), tmp.resolve("tiny-base"));
        train = Files.writeString(tmp.resolve("train.txt"), conll(200, 1));
        valid = Files.writeString(tmp.resolve("valid.txt"), conll(30, 2));
    }

    static Run run(String stdin, String... args) {
        return CliTest.run(stdin, args);
    }

    @Test
    void trainEvalAndPredictOnConll() throws Exception {
        Path out = tmp.resolve("ner");
        Run r = run("", "train", "--task", "token-classification", "--model", tokcls.toString(),
                "--train-file", train.toString(), "--validation-file", valid.toString(), "--output_dir", out.toString(),
                "--max_steps", "60", "--per_device_train_batch_size", "16", "--learning_rate", "1e-2",
                "--save_strategy", "no", "--disable_tqdm", "true", "--return-entity-level-metrics");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("eval_overall_f1", "eval_PER_f1", "eval_LOC_number", "model saved to");
        assertThat(AutoConfig.fromPretrained(out).id2label().values()).containsExactly("O", "B-PER", "I-PER", "B-LOC", "I-LOC");

        Run table = run("", "eval", "-m", out.toString(), "-f", valid.toString());
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out()).contains("precision", "recall", "f1-score", "support", "micro avg", "accuracy")
                .containsPattern("(?m)^ +LOC +[0-9.]+ +[0-9.]+ +[0-9.]+ +\\d+$").containsPattern("(?m)^ +PER ");
        Run json = run("", "eval", "-m", out.toString(), "-f", valid.toString(), "--json", "--strict");
        assertThat(json.exit()).as(json.err()).isZero();
        JsonNode report = JSON.readTree(json.out());
        assertThat(report.get("f1").asDouble()).isBetween(0.3, 1.0);
        assertThat(report.get("scheme").asText()).isEqualTo("IOB2");
        assertThat(report.get("report").get("PER").get("support").asInt()).isPositive();

        Path texts = Files.writeString(tmp.resolve("texts.txt"), "w12 w13 w40 w21\n\nw50 w25\n");
        Path entities = tmp.resolve("entities.jsonl");
        Run predict = run("", "predict", "-m", out.toString(), "-i", texts.toString(), "-o", entities.toString(),
                "--ignore-labels", "");
        assertThat(predict.exit()).as(predict.err()).isZero();
        List<String> lines = Files.readAllLines(entities);
        assertThat(lines).as("output line N answers input line N").hasSize(3);
        assertThat(JSON.readTree(lines.get(1)).get("error").asText()).isEqualTo("empty text");
        JsonNode first = JSON.readTree(lines.getFirst());
        String text = first.get("text").asText();
        assertThat(text).isEqualTo("w12 w13 w40 w21");
        int expectedStart = 0;
        for (JsonNode e : first.get("entities")) { // ignore_labels empty: the groups tile the text
            assertThat(e.has("entity_group") && e.has("score") && e.has("word")).isTrue();
            assertThat(e.get("start").asInt()).isEqualTo(expectedStart);
            assertThat(text.substring(e.get("start").asInt(), e.get("end").asInt())).isEqualTo(e.get("word").asText());
            expectedStart = e.get("end").asInt() + 1;
        }
        assertThat(expectedStart).isEqualTo(text.length() + 1);
        Run tokens = run("w12 w13\n", "predict", "--task", "ner", "-m", out.toString(), "--aggregation-strategy", "none",
                "--ignore-labels", "");
        assertThat(tokens.exit()).as(tokens.err()).isZero();
        JsonNode row = JSON.readTree(tokens.out().strip());
        assertThat(row.get("entities")).hasSize(2);
        assertThat(row.get("entities").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(row.get("entities").get(1).get("entity").asText()).isIn("O", "B-PER", "I-PER", "B-LOC", "I-LOC");
    }

    @Test
    void aBaseModelGetsANewHeadWithTheDatasLabelsFromJsonLines() throws Exception {
        Path jsonl = Files.writeString(tmp.resolve("train.jsonl"), """
                {"tokens": ["w12", "w13", "w40"], "ner_tags": ["B-PER", "I-PER", "O"]}
                {"tokens": ["w21", "w41"], "ner_tags": ["B-LOC", "O"]}
                {"id": 7, "tokens": ["w42", "w22", "w23"], "ner_tags": ["O", "B-LOC", "I-LOC"]}
                """);
        Path out = tmp.resolve("from-base");
        Run r = run("", "train", "--task", "ner", "--model", base.toString(), "--train-file", jsonl.toString(),
                "--output_dir", out.toString(), "--max_steps", "2", "--save_strategy", "no", "--disable_tqdm", "true",
                "--label-all-tokens", "--max-seq-length", "16");
        assertThat(r.exit()).as(r.err()).isZero();
        // run_ner's get_label_list: the sorted unique tags
        assertThat(AutoConfig.fromPretrained(out).id2label().values()).containsExactly("B-LOC", "B-PER", "I-LOC", "I-PER", "O");
        assertThat(AutoConfig.fromPretrained(out).architectures()).containsExactly("BertForTokenClassification");
    }

    @Test
    void badInputNamesTheFileLineAndValue() throws Exception {
        Path labels = Files.writeString(tmp.resolve("labels.txt"), "O\nB-PER\nI-PER\nB-LOC\nI-LOC\n");
        // a malformed CoNLL line: 3 columns among 4
        Path malformed = Files.writeString(tmp.resolve("malformed.txt"), "w12 NNP B-NP B-PER\nw13 NNP I-PER\n");
        assertError(trainOn(malformed, labels), malformed + " line 2: expected 4 columns (as on line 1), found 3: 'w13 NNP I-PER'");
        // a tag that is not in the label list
        Path misc = Files.writeString(tmp.resolve("misc.txt"), "w12 NNP B-NP B-PER\n\nw30 NNP B-NP O\nw31 NNP B-NP B-MISC\n");
        assertError(trainOn(misc, labels), misc + " line 4: tag 'B-MISC' (word 'w31') is not in the label list [O, B-PER, I-PER, B-LOC, I-LOC]");
        // a label id out of range
        Path ids = Files.writeString(tmp.resolve("ids.jsonl"), "{\"tokens\": [\"w12\"], \"ner_tags\": [1]}\n"
                + "{\"tokens\": [\"w30\", \"w31\"], \"ner_tags\": [0, 7]}\n");
        assertError(trainOn(ids, labels), ids + " line 2 (word 1): ner_tags label id 7 (word 'w31') is out of range for the 5 labels");
        // an empty file
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "");
        assertError(trainOn(empty, labels), empty + ": the file is empty");
        assertError(run("", "eval", "-m", tokcls.toString(), "-f", empty.toString()), empty + ": the file is empty");
        // a text with no tokens (a no-break space is whitespace to the tokenizer, not to the line reader)
        Run noTokens = run("w12 w13\n\u00A0\n", "predict", "-m", tokcls.toString());
        assertError(noTokens, "stdin line 2: the text '\u00A0' has no tokens");
        // options
        Run task = run("", "train", "--task", "summarization", "--model", tokcls.toString(), "--train-file",
                train.toString(), "--output_dir", tmp.resolve("x").toString());
        assertThat(task.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(task.err()).contains("--task must be text-classification, token-classification (ner) or question-answering (qa), got 'summarization'");
        Run strategy = run("w12\n", "predict", "-m", tokcls.toString(), "--aggregation-strategy", "longest");
        assertThat(strategy.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(strategy.err()).contains("aggregation_strategy must be one of [none, simple, first, average, max], got 'longest'");
        Run otherHead = run("", "train", "--task", "ner", "--model", tokcls.toString(), "--train-file", train.toString(),
                "--output_dir", tmp.resolve("y").toString(), "--labels-file",
                Files.writeString(tmp.resolve("three.txt"), "O\nB-PER\nI-PER\n").toString());
        assertError(otherHead, "the model's token-classification head has the labels [O, B-PER, I-PER, B-LOC, I-LOC] but the data has [O, B-PER, I-PER]");
    }

    private static Run trainOn(Path file, Path labels) {
        return run("", "train", "--task", "ner", "--model", tokcls.toString(), "--train-file", file.toString(),
                "--labels-file", labels.toString(), "--output_dir", tmp.resolve("bad-" + file.getFileName()).toString(),
                "--max_steps", "1", "--save_strategy", "no");
    }

    private static void assertError(Run r, String message) {
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.DATA);
        assertThat(r.err()).contains(message);
    }
}
