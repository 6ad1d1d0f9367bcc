package io.t4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.cli.CliTest.Run;
import io.t4j.engine.safetensors.Checkpoint;
import io.t4j.models.AutoConfig;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code t4j pretrain} and {@code t4j fill-mask} as a user runs them: outputs, exit codes and messages. */
class PretrainCliTest {
    @TempDir static Path tmp;
    static Path model;
    static Path train;
    static Path dev;

    @BeforeAll
    static void files() throws Exception {
        model = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-mlm"), tmp.resolve("tiny-bert-mlm"));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 96; i++) {
            int start = 5 + 14 * (i % 8);
            for (int w = 0; w < 6 + i % 7; w++) {
                text.append(w == 0 ? "" : " ").append("w").append(start + w);
            }
            text.append(i % 8 == 7 ? "\n\n" : "\n"); // a blank line closes a document every 8 lines
        }
        train = Files.writeString(tmp.resolve("train.txt"), text.toString());
        dev = Files.writeString(tmp.resolve("dev.txt"), text.substring(0, text.length() / 3));
    }

    static Run run(String... args) {
        return CliTest.run("", args);
    }

    @Test
    void pretrainReportsPerplexityAndTheResultFineTunesWithOnlyTheHeadNew() throws Exception {
        Path out = tmp.resolve("mlm-out");
        Run r = run("pretrain", "--model", model.toString(), "--train-file", train.toString(), "--validation-file",
                dev.toString(), "--line-by-line", "--max-seq-length", "12", "--mlm-probability", "0.2",
                "--output_dir", out.toString(), "--max_steps", "30", "--learning_rate", "5e-3",
                "--per_device_train_batch_size", "16", "--eval_on_start", "true", "--save_strategy", "no",
                "--disable_tqdm", "true");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("train: 96 lines").contains("lines longer than max_seq_length 12 were truncated");
        assertThat(r.out()).contains("eval_loss").contains("perplexity_before").contains("perplexity ");
        double before = number(r.out(), "perplexity_before");
        double after = number(r.out(), "perplexity ");
        assertThat(after).isLessThan(before);
        try (Checkpoint ckpt = Checkpoint.open(out)) {
            assertThat(ckpt.keys()).contains("cls.predictions.bias").doesNotContain("cls.predictions.decoder.weight");
        }
        assertThat(AutoConfig.fromPretrained(out).architectures()).containsExactly("BertForMaskedLM");
        var clf = ClassificationSetup.modelFor(out, List.of("negative", "positive"));
        assertThat(clf).isInstanceOf(BertForSequenceClassification.class);
        assertThat(clf.loadingInfo().missingKeys()).containsExactlyInAnyOrder("classifier.weight", "classifier.bias",
                "bert.pooler.dense.weight", "bert.pooler.dense.bias");
        assertThat(clf.loadingInfo().unexpectedKeys()).allMatch(k -> k.startsWith("cls.predictions."));

        Run fill = run("fill-mask", "-m", out.toString(), "w19 w20 [MASK] w22", "--top-k", "3");
        assertThat(fill.exit()).as(fill.err()).isZero();
        List<String> lines = fill.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.getFirst()).isEqualTo("w19 w20 [MASK] w22");
        assertThat(lines.get(1)).matches("  0\\.\\d{4}  w\\d+ +w19 w20 w\\d+ w22");
        Run json = run("fill-mask", "-m", out.toString(), "--json", "w19 [MASK] w21 [MASK]", "--top-k", "2");
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(json.out()).startsWith("{\"text\":\"w19 [MASK] w21 [MASK]\",\"results\":[[{\"score\":")
                .contains("\"token\":", "\"token_str\":\"w", "\"sequence\":\"[CLS] w19 w");
        Run noMask = run("fill-mask", "-m", out.toString(), "w19 w20 w21");
        assertThat(noMask.exit()).isEqualTo(ExitCode.DATA);
        assertThat(noMask.err()).contains("No mask_token ([MASK]) found on the input \"w19 w20 w21\"");
    }

    @Test
    void nspAndWholeWordMaskingRun() {
        Run nsp = run("pretrain", "--model", model.toString(), "--train-file", train.toString(), "--nsp",
                "--max-seq-length", "24", "--output_dir", tmp.resolve("nsp-out").toString(), "--max_steps", "4",
                "--per_device_train_batch_size", "8", "--save_strategy", "no", "--disable_tqdm", "true");
        assertThat(nsp.exit()).as(nsp.err()).isZero();
        assertThat(nsp.err()).contains("train: 12 documents -> ").contains("sentence pairs");
        assertThat(nsp.out()).contains("BertForPreTraining");
        Run wwm = run("pretrain", "--model", model.toString(), "--train-file", train.toString(), "--whole-word-mask",
                "--max-seq-length", "16", "--output_dir", tmp.resolve("wwm-out").toString(), "--max_steps", "2",
                "--save_strategy", "no", "--disable_tqdm", "true");
        assertThat(wwm.exit()).as(wwm.err()).isZero();
        assertThat(wwm.err()).contains("blocks of 16 tokens (group_texts");
    }

    @Test
    void badInputIsNamedWithItsExitCode() throws Exception {
        Run p = run("pretrain", "--model", model.toString(), "--train-file", train.toString(), "--mlm-probability", "1.5",
                "--output_dir", tmp.resolve("x").toString());
        assertThat(p.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(p.err()).contains("--mlm-probability must be in (0, 1), got 1.5");

        Path oneDoc = Files.writeString(tmp.resolve("one-doc.txt"), "w5 w6 w7\nw8 w9 w10\n");
        Run nsp = run("pretrain", "--model", model.toString(), "--train-file", oneDoc.toString(), "--nsp",
                "--output_dir", tmp.resolve("y").toString());
        assertThat(nsp.exit()).isEqualTo(ExitCode.DATA);
        assertThat(nsp.err()).contains(oneDoc + ": next-sentence prediction needs at least two documents");

        Path noMask = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-mlm"), tmp.resolve("no-mask"));
        Files.writeString(noMask.resolve("tokenizer_config.json"), """
                {"tokenizer_class": "BertTokenizer", "model_max_length": 64, "pad_token": "[PAD]", "unk_token": "[UNK]",
                 "cls_token": "[CLS]", "sep_token": "[SEP]"}
                """);
        Run mask = run("pretrain", "--model", noMask.toString(), "--train-file", train.toString(),
                "--output_dir", tmp.resolve("z").toString());
        assertThat(mask.exit()).isEqualTo(ExitCode.DATA);
        assertThat(mask.err()).contains("the tokenizer in " + noMask + " has no mask_token");
        Run fill = run("fill-mask", "-m", noMask.toString(), "w5 [MASK]");
        assertThat(fill.exit()).isEqualTo(ExitCode.DATA);
        assertThat(fill.err()).contains("has no mask_token, which the fill-mask pipeline needs");

        Run roberta = run("pretrain", "--model", TinyTokenizer.robertaFixtureFolder(Fixture.load("roberta-seqcls"),
                tmp.resolve("roberta")).toString(), "--train-file", train.toString(), "--nsp", "--output_dir", tmp.resolve("w").toString());
        assertThat(roberta.exit()).isEqualTo(ExitCode.DATA);
        assertThat(roberta.err()).contains("--nsp needs a model with pre-training heads (model types: bert, electra) but model_type is 'roberta'");

        // ELECTRA's pre-training class is the discriminator (replaced-token detection), not masked LM + NSP
        Path electra = Files.createDirectories(tmp.resolve("electra"));
        for (String f : java.util.List.of("config.json", "model.safetensors")) {
            Files.copy(Fixture.load("electra-disc").dir().resolve(f), electra.resolve(f));
        }
        TinyTokenizer.writeBert(electra, 128, 64);
        Run disc = run("pretrain", "--model", electra.toString(), "--train-file", train.toString(), "--nsp",
                "--output_dir", tmp.resolve("e").toString());
        assertThat(disc.exit()).isEqualTo(ExitCode.DATA);
        assertThat(disc.err()).contains("--nsp trains masked LM + next-sentence prediction, but electra's pre-training class "
                + "ElectraForPreTraining has another objective (label_names [labels])");
        assertThat(tmp.resolve("e")).doesNotExist();
    }

    /** The number after {@code key} on its output line. */
    static double number(String out, String key) {
        return out.lines().filter(l -> l.trim().startsWith(key.trim()) && l.contains(key)).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.indexOf(key) + key.length()).trim().split("\\s+")[0]))
                .orElseThrow(() -> new AssertionError("no '" + key + "' in\n" + out));
    }
}
