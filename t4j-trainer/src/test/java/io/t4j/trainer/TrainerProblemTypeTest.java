package io.t4j.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.data.Column;
import io.t4j.data.Dataset;
import io.t4j.data.DoubleColumn;
import io.t4j.data.FloatListColumn;
import io.t4j.data.LongColumn;
import io.t4j.data.NdArray;
import io.t4j.data.StringColumn;
import io.t4j.models.AutoModelForSequenceClassification;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.llama.LlamaModeling.LlamaForSequenceClassification;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.trainer.metrics.EvalPrediction;
import io.t4j.trainer.metrics.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HF's {@code problem_type} end to end through the Trainer on the tiny fixture models: multi-label classification
 * (float [B,L] 0/1 targets, BCE, run_classification's micro F1), regression (one output, float [B] targets, MSE), and a
 * decoder as a sequence classifier (LlamaForSequenceClassification, right-padded batches pooled at the last token).
 * Each learns its synthetic task: the eval loss falls and the metric rises.
 */
class TrainerProblemTypeTest {
    @TempDir
    Path dir;

    /** n texts of 3 to 6 words drawn from w5..w24; the label functions below read which words occur. */
    private static String[] texts(int n, long seed) {
        return texts(n, seed, 5);
    }

    /** n texts of 3 to 6 words drawn from w{first}..w{first+19}. */
    private static String[] texts(int n, long seed, int first) {
        Random r = new Random(seed);
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            StringBuilder s = new StringBuilder();
            for (int w = 0, len = 3 + r.nextInt(4); w < len; w++) {
                s.append(w == 0 ? "" : " ").append("w").append(first + r.nextInt(20));
            }
            out[i] = s.toString();
        }
        return out;
    }

    private static boolean has(String text, int word) {
        return (" " + text + " ").contains(" w" + word + " ");
    }

    /** Label j is on when any of words 5+5j .. 9+5j occurs. */
    private static Dataset multiLabel(int n, long seed, PreTrainedTokenizer tok) {
        String[] text = texts(n, seed);
        float[][] targets = new float[n][4];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 4; j++) {
                for (int w = 5 + 5 * j; w < 10 + 5 * j; w++) {
                    targets[i][j] = has(text[i], w) ? 1 : targets[i][j];
                }
            }
        }
        Map<String, Column> columns = new LinkedHashMap<>();
        columns.put("text", new StringColumn(text));
        columns.put("labels", FloatListColumn.of(targets));
        return Dataset.fromColumns(columns, Map.of()).tokenize(tok, "text", EncodeOptions.defaults());
    }

    @Test
    void multiLabelTrainsWithFloatTargetsAndScoresMicroF1() throws Exception {
        Path folder = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-multilabel"), dir.resolve("model"));
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(folder)) {
            Trainer.setSeed(7);
            SequenceClassificationModel<?> model = AutoModelForSequenceClassification.fromPretrained(folder);
            List<EvalPrediction> seen = new ArrayList<>();
            var args = TrainingArguments.builder(dir.resolve("run").toString()).disableTqdm(true).learningRate(3e-3)
                    .numTrainEpochs(6.0).perDeviceTrainBatchSize(16).saveStrategy(IntervalStrategy.NO).seed(1).build();
            var trainer = Trainer.builder(model, args).trainDataset(multiLabel(192, 1, tok)).evalDataset(multiLabel(48, 2, tok))
                    .processingClass(tok).computeMetrics(p -> {
                        seen.add(p);
                        return Metrics.MULTI_LABEL_F1.apply(p);
                    }).build();
            Map<String, Double> before = trainer.evaluate();
            trainer.train();
            Map<String, Double> after = trainer.evaluate();
            System.out.printf("multi-label eval_loss %.4f -> %.4f, eval_f1 %.3f -> %.3f%n", before.get("eval_loss"),
                    after.get("eval_loss"), before.get("eval_f1"), after.get("eval_f1"));
            assertThat(after.get("eval_loss")).isLessThan(before.get("eval_loss") * 0.6);
            assertThat(after.get("eval_f1")).isGreaterThan(0.8).isGreaterThan(before.get("eval_f1"));
            NdArray labels = seen.getLast().labelIds();
            assertThat(labels.isFloat()).isTrue();
            assertThat(labels.shape()).containsExactly(48, 4);
            assertThat(seen.getLast().predictions().shape()).containsExactly(48, 4);
        }
    }

    @Test
    void regressionTrainsOneOutputOnFloatTargets() throws Exception {
        Path folder = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-mlm"), dir.resolve("model")); // no classifier: a new 1-output head
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(folder)) {
            Trainer.setSeed(7);
            SequenceClassificationModel<?> model = AutoModelForSequenceClassification.fromPretrained(folder,
                    PretrainedOptions.numLabels(1));
            assertThat(model.classLabels()).as("one output is regression: no class ids to check").isEmpty();
            var args = TrainingArguments.builder(dir.resolve("run").toString()).disableTqdm(true).learningRate(3e-3)
                    .numTrainEpochs(6.0).perDeviceTrainBatchSize(16).saveStrategy(IntervalStrategy.NO).seed(1).build();
            var trainer = Trainer.builder(model, args).trainDataset(regression(192, 1, tok)).evalDataset(regression(48, 2, tok))
                    .processingClass(tok).computeMetrics(Metrics.MSE).build();
            Map<String, Double> before = trainer.evaluate();
            trainer.train();
            Map<String, Double> after = trainer.evaluate();
            System.out.printf("regression eval_mse %.4f -> %.4f%n", before.get("eval_mse"), after.get("eval_mse"));
            assertThat(after.get("eval_mse")).isLessThan(before.get("eval_mse") * 0.5); // measured 0.69 -> 0.25
            assertThat(after.get("eval_loss")).isCloseTo(after.get("eval_mse"), org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    /** The target is the number of words from w5..w9, a count between 0 and 6. */
    private static Dataset regression(int n, long seed, PreTrainedTokenizer tok) {
        String[] text = texts(n, seed);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (String w : text[i].split(" ")) {
                int id = Integer.parseInt(w.substring(1));
                y[i] += id < 10 ? 1 : 0;
            }
        }
        Map<String, Column> columns = new LinkedHashMap<>();
        columns.put("text", new StringColumn(text));
        columns.put("label", new DoubleColumn(y));
        return Dataset.fromColumns(columns, Map.of()).tokenize(tok, "text", EncodeOptions.defaults());
    }

    @Test
    void aDecoderClassifierTrainsOnRightPaddedBatches() throws Exception {
        Fixture fx = Fixture.load("llama-seqcls");
        Path folder = Files.createDirectories(dir.resolve("llama"));
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(fx.dir().resolve(f), folder.resolve(f));
        }
        TinyTokenizer.writeChat(folder); // <pad> = 0 = the config's pad_token_id
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(folder)) {
            Trainer.setSeed(7);
            var model = (LlamaForSequenceClassification) AutoModelForSequenceClassification.fromPretrained(folder);
            var args = TrainingArguments.builder(dir.resolve("run").toString()).disableTqdm(true).learningRate(3e-3)
                    .numTrainEpochs(3.0).perDeviceTrainBatchSize(16).saveStrategy(IntervalStrategy.NO).seed(1).build();
            var trainer = Trainer.builder(model, args).trainDataset(threeClasses(768, 1, tok)).evalDataset(threeClasses(48, 2, tok))
                    .processingClass(tok).computeMetrics(Metrics.ACCURACY).build();
            Map<String, Double> before = trainer.evaluate();
            trainer.train();
            Map<String, Double> after = trainer.evaluate();
            System.out.printf("llama classifier eval_loss %.4f -> %.4f, accuracy %.3f -> %.3f%n", before.get("eval_loss"),
                    after.get("eval_loss"), before.get("eval_accuracy"), after.get("eval_accuracy"));
            assertThat(after.get("eval_loss")).isLessThan(before.get("eval_loss") * 0.5);
            assertThat(after.get("eval_accuracy")).isGreaterThan(0.8);
        }
    }

    /**
     * Label = which third of w30..w49 the last word falls in: only the last (pooled) token decides. (The chat
     * tokenizer's words below w24 are other words, so these ids start at 30.)
     */
    private static Dataset threeClasses(int n, long seed, PreTrainedTokenizer tok) {
        String[] text = texts(n, seed, 30);
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            String[] words = text[i].split(" ");
            int id = Integer.parseInt(words[words.length - 1].substring(1));
            y[i] = id < 37 ? 0 : id < 43 ? 1 : 2;
        }
        Map<String, Column> columns = new LinkedHashMap<>();
        columns.put("text", new StringColumn(text));
        columns.put("label", new LongColumn(y));
        return Dataset.fromColumns(columns, Map.of()).tokenize(tok, "text", EncodeOptions.defaults());
    }
}
