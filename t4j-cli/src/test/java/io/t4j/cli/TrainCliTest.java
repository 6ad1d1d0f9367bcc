package io.t4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.cli.CliTest.Run;
import io.t4j.models.AutoConfig;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code t4j train} as a user runs it, on a tiny BERT and a TSV in SST-2's layout. */
class TrainCliTest {
    @TempDir static Path tmp;
    static Path model;
    static Path train;
    static Path dev;

    @BeforeAll
    static void files() throws Exception {
        model = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-seqcls"), tmp.resolve("tiny-bert"));
        StringBuilder rows = new StringBuilder("sentence\tlabel\n");
        for (int i = 0; i < 40; i++) {
            int start = i % 2 == 0 ? 5 : 40; // the two classes use disjoint words
            rows.append("w").append(start + i % 7).append(" w").append(start + 1 + i % 5).append('\t')
                    .append(i % 2 == 0 ? "negative" : "positive").append('\n');
        }
        train = Files.writeString(tmp.resolve("train.tsv"), rows.toString());
        dev = Files.writeString(tmp.resolve("dev.tsv"), rows.toString().replace("sentence\t", "content\t"));
    }

    @Test
    void trainsEvaluatesAndSavesAFolderThatLoadsBack() throws Exception {
        Path out = tmp.resolve("run");
        Run r = CliTest.run("", "train", "--model", model.toString(), "--train-file", train.toString(),
                "--validation-file", dev.toString(), "--rename", "content=sentence", "--output_dir", out.toString(),
                "--max-train-samples", "24", "--max_eval_samples", "10", "--max_steps", "6",
                "--per_device_train_batch_size", "8", "--learning_rate", "1e-3", "--save_strategy", "no",
                "--disable_tqdm", "true");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("train_runtime", "eval_loss", "eval_accuracy", "model saved to");
        // 24 train rows in batches of 8 = 3 steps per epoch: max_steps 6 is exactly 2 epochs
        assertThat(r.out()).containsPattern("epoch +2\\b");
        assertThat(r.out()).containsPattern("eval_samples_per_second");
        assertThat(AutoConfig.fromPretrained(out).id2label()).containsValues("negative", "positive");
        assertThat(out.resolve("model.safetensors")).exists();
        assertThat(out.resolve("tokenizer.json")).exists();
    }

    /** An encoder checkpoint without a classifier: the head is new, so the run is reproducible only if seeded first. */
    @Test
    void theSameSeedGivesTheSameModelWhenTheHeadIsNew() throws Exception {
        Path base = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-mlm"), tmp.resolve("tiny-bert-base"));
        byte[][] saved = new byte[2][];
        for (int i = 0; i < 2; i++) {
            org.bytedeco.pytorch.global.torch.randn(17).close(); // moves torch's generator, as a different process would
            Path out = tmp.resolve("seeded-" + i);
            Run r = CliTest.run("", "train", "--model", base.toString(), "--train-file", train.toString(),
                    "--output_dir", out.toString(), "--max-train-samples", "16", "--max_steps", "2",
                    "--per_device_train_batch_size", "8", "--save_strategy", "no", "--seed", "7", "--disable_tqdm", "true");
            assertThat(r.exit()).as(r.err()).isZero();
            saved[i] = Files.readAllBytes(out.resolve("model.safetensors"));
        }
        // two runs of one computation (same seed, same batches, same process and thread settings): identical bytes
        assertThat(saved[1]).isEqualTo(saved[0]);
    }

    /**
     * An output folder that cannot take files is found before the model loads: before, it was found only at the
     * first save, or with save_strategy no after the whole run. Root ignores permission bits, so as root the
     * read-only folder is one of sysfs's (which takes no new files from anyone).
     */
    @Test
    void anUnwritableOutputDirFailsBeforeTraining() throws Exception {
        Path readOnly = Files.createDirectories(tmp.resolve("read-only"));
        assertThat(readOnly.toFile().setWritable(false, false)).isTrue();
        Path unwritable = Files.isWritable(readOnly) ? Path.of("/sys/kernel") : readOnly;
        Path aFile = Files.writeString(tmp.resolve("a-file"), "x");
        for (String command : new String[] {"train", "pretrain"}) {
            for (Path out : List.of(unwritable, unwritable.resolve("run"), aFile.resolve("run"))) {
                Run r = CliTest.run("", command, "--model", model.toString(), "--train-file", train.toString(),
                        "--text-column", "sentence", "--output_dir", out.toString(), "--max_steps", "2",
                        "--save_strategy", "no", "--disable_tqdm", "true");
                assertThat(r.exit()).as(command + " " + out + ": " + r.err()).isEqualTo(ExitCode.DATA);
                assertThat(r.err()).contains("output_dir '" + out + "' is not writable");
                assertThat(r.err() + r.out()).doesNotContain("train_runtime", "examples");
            }
        }
        readOnly.toFile().setWritable(true, false);
    }

    /**
     * One empty or 0.5 label among integer labels: train and eval both stop at that file and line (train used to
     * build a 3-class model and exit 0; eval blamed line 2), and a negative id is named by file and line too.
     */
    @Test
    void aStrayLabelCellIsAnErrorNamingFileAndLineInTrainAndEval() throws Exception {
        for (String stray : new String[] {"", "0.5", "-1"}) {
            StringBuilder rows = new StringBuilder("sentence\tlabel\n");
            for (int i = 0; i < 40; i++) {
                rows.append("w").append(5 + i % 7).append(" w").append(40 + i % 5).append('\t').append(i % 2).append('\n');
            }
            rows.append("w7 w9\t").append(stray).append("\nw8 w9\t1\n");
            Path file = Files.writeString(tmp.resolve("stray.tsv"), rows.toString());
            String where = file + " line 42 column 'label': ";
            Run train = CliTest.run("", "train", "--model", model.toString(), "--train-file", file.toString(),
                    "--output_dir", tmp.resolve("stray-run").toString(), "--max_steps", "1", "--save_strategy", "no",
                    "--disable_tqdm", "true");
            assertThat(train.exit()).as(stray + ": " + train.err()).isEqualTo(ExitCode.DATA);
            assertThat(train.err()).as(stray).contains(where);
            assertThat(tmp.resolve("stray-run")).doesNotExist();
            Run eval = CliTest.run("", "eval", "--model", model.toString(), "--file", file.toString());
            assertThat(eval.exit()).as(stray + ": " + eval.err()).isEqualTo(ExitCode.DATA);
            assertThat(eval.err()).as(stray).contains(where);
        }
    }

    /** Bad TrainingArguments values on the command line: a usage error naming the field, not Jackson's type name. */
    @Test
    void badTrainingArgumentValuesNameTheField() {
        Run lr = CliTest.run("", "train", "--model", model.toString(), "--train-file", train.toString(),
                "--output_dir", tmp.resolve("bad-lr").toString(), "--learning_rate", "abc");
        assertThat(lr.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(lr.err()).contains("the command line: learning_rate must be a number, got 'abc'")
                .doesNotContain("java.lang.Double");
        Run epochs = CliTest.run("", "train", "--model", model.toString(), "--train-file", train.toString(),
                "--output_dir", tmp.resolve("bad-epochs").toString(), "--num_train_epochs", "-1");
        assertThat(epochs.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(epochs.err()).contains("num_train_epochs must be > 0 (or set max_steps), got -1.0")
                .doesNotContain("num_training_steps");
    }

    /** t4j eval reports progress on stderr (a bar per batch of --batch-size texts), then the report. */
    @Test
    void evalShowsProgress() throws Exception {
        StringBuilder rows = new StringBuilder("sentence\tlabel\n");
        for (int i = 0; i < 40; i++) {
            rows.append("w").append(5 + i % 7).append(" w").append(40 + i % 5).append('\t').append(i % 2).append('\n');
        }
        Path file = Files.writeString(tmp.resolve("ids.tsv"), rows.toString());
        Run r = CliTest.run("", "eval", "--model", model.toString(), "--file", file.toString(), "--batch-size", "16");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("accuracy");
        assertThat(r.err()).contains("eval: 100%|", "| 3/3 [");
    }

    /**
     * Eval batches texts by length and puts the scores back in file order: labelled with the model's own
     * predictions (texts of very different lengths, in no order), it scores accuracy 1.
     */
    @Test
    void evalPutsLengthSortedBatchesBackInFileOrder() throws Exception {
        StringBuilder texts = new StringBuilder();
        for (int i = 0; i < 48; i++) {
            int words = 1 + (i * 7) % 23;
            for (int w = 0; w < words; w++) {
                texts.append(w == 0 ? "" : " ").append('w').append(5 + (i * 13 + w * 3) % 90);
            }
            texts.append('\n');
        }
        Run predicted = CliTest.run(texts.toString(), "predict", "-m", model.toString());
        assertThat(predicted.exit()).as(predicted.err()).isZero();
        StringBuilder rows = new StringBuilder("sentence\tlabel\n");
        java.util.Set<String> labels = new java.util.HashSet<>();
        for (String line : predicted.out().lines().toList()) {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
            rows.append(node.get("text").asText()).append('\t').append(node.get("label").asText()).append('\n');
            labels.add(node.get("label").asText());
        }
        assertThat(labels).as("both classes predicted, so a misplaced score would show").hasSize(2);
        Path file = Files.writeString(tmp.resolve("own-labels.tsv"), rows.toString());
        Run eval = CliTest.run("", "eval", "--model", model.toString(), "--file", file.toString(), "--batch-size", "5",
                "--json");
        assertThat(eval.exit()).as(eval.err()).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(eval.out()).get("accuracy").asDouble())
                .isEqualTo(1.0);
    }

    /** HF's resume_from_checkpoint=True: the last checkpoint in output_dir (an error naming the folder when none). */
    @Test
    void resumeFromCheckpointTrueResumesFromTheLastCheckpoint() {
        Path out = tmp.resolve("resume-run");
        String[] common = {"train", "--model", model.toString(), "--train-file", train.toString(), "--output_dir",
                out.toString(), "--max-train-samples", "16", "--per_device_train_batch_size", "8", "--max_steps", "2",
                "--save_strategy", "steps", "--save_steps", "2", "--logging_steps", "1", "--disable_tqdm", "true"};
        Run none = CliTest.run("", concat(common, "--resume_from_checkpoint", "true"));
        assertThat(none.exit()).as(none.err()).isEqualTo(ExitCode.DATA);
        assertThat(none.err()).contains("No valid checkpoint found in output directory (" + out + ")");

        Run first = CliTest.run("", common);
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.err()).contains("{'loss': ");
        assertThat(out.resolve("checkpoint-2")).isDirectory();
        // resumed at step 2 of 2: nothing left to train, so no step is logged (a fresh run would log two)
        Run resumed = CliTest.run("", concat(common, "--resume_from_checkpoint", "true"));
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.err()).doesNotContain("{'loss': ");
        Run fresh = CliTest.run("", concat(common, "--resume_from_checkpoint", "false"));
        assertThat(fresh.err()).contains("{'loss': ");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void aNonPositiveSampleLimitIsAUsageErrorNamingTheOption() {
        Run r = CliTest.run("", "train", "--model", model.toString(), "--train-file", train.toString(),
                "--output_dir", tmp.resolve("bad").toString(), "--max-train-samples", "0");
        assertThat(r.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("--max-train-samples must be positive, got 0");
        assertThat(tmp.resolve("bad")).doesNotExist();
    }
}
