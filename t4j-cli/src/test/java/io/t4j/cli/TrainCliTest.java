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
     * {@code --nproc-per-node 2} as a user runs it (torchrun's semantics, two JVMs on loopback) trains the same
     * model as one process with twice the batch (dropout off), and only rank 0 saves and reports.
     */
    @Test
    void nprocPerNodeTwoTrainsLikeOneProcessWithTwiceTheBatchAndRankZeroSaves() throws Exception {
        Path noDropout = tmp.resolve("tiny-bert-no-dropout");
        TinyTokenizer.bertFixtureFolder(Fixture.load("bert-seqcls"), noDropout);
        var config = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(noDropout.resolve("config.json").toFile());
        config.put("hidden_dropout_prob", 0.0).put("attention_probs_dropout_prob", 0.0).put("classifier_dropout", 0.0);
        Files.writeString(noDropout.resolve("config.json"), config.toString());
        String[] common = {"--model", noDropout.toString(), "--train-file", train.toString(), "--max-train-samples", "32",
                "--max_steps", "4", "--learning_rate", "1e-3", "--save_strategy", "no", "--disable_tqdm", "true",
                "--logging_steps", "2"};
        Path one = tmp.resolve("one-process");
        Run single = CliTest.run("", concat(new String[] {"train", "--output_dir", one.toString(),
                "--per_device_train_batch_size", "16"}, common));
        assertThat(single.exit()).as(single.err()).isZero();
        Path acc = tmp.resolve("one-accumulated");
        Run accumulated = CliTest.run("", concat(new String[] {"train", "--output_dir", acc.toString(),
                "--per_device_train_batch_size", "8", "--gradient_accumulation_steps", "2"}, common));
        assertThat(accumulated.exit()).as(accumulated.err()).isZero();
        Path two = tmp.resolve("two-ranks");
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run ddp = runProcess(concat(new String[] {"train", "--nproc-per-node", "2",
                "--master-port=" + port, "--output_dir", two.toString(), "--per_device_train_batch_size", "8"}, common));
        assertThat(ddp.exit()).as(ddp.err()).isZero();
        assertThat(ddp.err()).contains("t4j launcher: 2 rank(s) on this node (node 0 of 1, world size 2), store at 127.0.0.1:" + port);
        assertThat(ddp.out().split("model saved to", -1)).as(ddp.out()).hasSize(2); // once: rank 0
        assertThat(ddp.err().split("'loss': ", -1)).as(ddp.err()).hasSize(3); // steps 2 and 4, logged by rank 0 only
        double[] baseline = maxDiffs(one, acc);
        double[] ranks = maxDiffs(one, two);
        System.out.printf("t4j train, max weight difference from 1 x 16 after 4 steps: 1 x 8 accumulating 2 %.3g "
                + "(key biases %.3g); 2 ranks x 8 %.3g (key biases %.3g)%n", baseline[0], baseline[1], ranks[0], ranks[1]);
        assertThat(ranks[0]).isLessThanOrEqualTo(4 * baseline[0] + 1e-7);
        assertThat(ranks[1]).isLessThanOrEqualTo(2 * 1e-3 * 4); // see maxDiffs
    }

    /**
     * The largest weight difference between two saved models: [0] over every parameter but the attention key biases,
     * [1] over those. A key bias adds the same q.b to every score of a query, which softmax ignores, so its gradient
     * is 0 in exact arithmetic and float noise in practice; AdamW divides that noise by its own root mean square and
     * moves the bias by up to about lr per step either way. Measured here (4 steps, lr 1e-3): 6.9e-4 on the key
     * biases between batch 16 and batch 8 accumulating 2, and 2.8e-6 on every other weight. So key biases are held
     * to 2 lr per step, the rest to 4x the accumulation baseline (two computations equal in exact arithmetic).
     */
    private static double[] maxDiffs(Path a, Path b) {
        double[] max = new double[2];
        try (var x = io.t4j.engine.safetensors.SafeTensors.open(a.resolve("model.safetensors"));
             var y = io.t4j.engine.safetensors.SafeTensors.open(b.resolve("model.safetensors"));
             var scope = new org.bytedeco.javacpp.PointerScope()) {
            for (String name : x.tensors().keySet()) {
                int k = name.endsWith("attention.self.key.bias") ? 1 : 0;
                max[k] = Math.max(max[k], io.t4j.engine.Tensors.maxAbsDiff(x.tensor(name), y.tensor(name)));
            }
        }
        return max;
    }

    @Test
    void launchOptionsAreRemovedFromTheRanksCommandLine() {
        assertThat(LaunchOptions.withoutLaunchOptions(java.util.List.of("train", "--nproc-per-node", "2", "--master_port=1234",
                "--nnodes", "1", "--model", "m", "--node-rank=0", "--master-addr", "127.0.0.1")))
                .containsExactly("train", "--model", "m");
    }

    /** t4j in a child JVM (whose ranks inherit its output), as CliTest.runProcess. */
    private static Run runProcess(String... args) throws Exception {
        var cmd = new java.util.ArrayList<>(java.util.List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), T4j.class.getName()));
        cmd.addAll(java.util.List.of(args));
        Path errFile = tmp.resolve("err-" + System.nanoTime());
        Process p = new ProcessBuilder(cmd).redirectError(errFile.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int exit = p.waitFor();
        return new Run(exit, out, Files.readString(errFile));
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
