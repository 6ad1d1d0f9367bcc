package io.t4j.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.data.Column;
import io.t4j.data.Dataset;
import io.t4j.data.Feature;
import io.t4j.data.LongColumn;
import io.t4j.data.StringColumn;
import io.t4j.models.roberta.RobertaConfig;
import io.t4j.models.roberta.RobertaModeling.RobertaForSequenceClassification;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.trainer.metrics.Metrics;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Trainer over the data module: a tokenized Dataset, HF's default DataCollatorWithPadding, tokenizer files saved. */
class TrainerDatasetTest {
    @TempDir
    Path dir;

    private static PreTrainedTokenizer tokenizer() throws URISyntaxException {
        return AutoTokenizer.fromPretrained(Path.of(TrainerDatasetTest.class.getResource("/tiny-roberta-tokenizer").toURI()));
    }

    /** Sentences of 1-5 words from the tiny vocabulary; label 1 when "cat" occurs. */
    private static Dataset sentences(int n, long seed, PreTrainedTokenizer tok) {
        String[] words = {"hello", "world", "the", "cat", "sat", "on", "mat", "a", "dog", "ran"};
        Random r = new Random(seed);
        String[] text = new String[n];
        long[] label = new long[n];
        for (int i = 0; i < n; i++) {
            StringBuilder s = new StringBuilder();
            for (int w = 0, len = 1 + r.nextInt(5); w < len; w++) {
                s.append(w == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
            }
            text[i] = s.toString();
            label[i] = text[i].contains("cat") ? 1 : 0;
        }
        Map<String, Column> columns = new LinkedHashMap<>();
        columns.put("sentence", new StringColumn(text));
        columns.put("label", new LongColumn(label));
        return Dataset.fromColumns(columns, Map.of("label", new Feature.ClassLabel(List.of("no_cat", "cat"))))
                .tokenize(tok, "sentence", EncodeOptions.defaults());
    }

    private static RobertaForSequenceClassification model() {
        torch.manual_seed(5);
        return new RobertaForSequenceClassification(RobertaConfig.of(15, 16, 1, 2, 32));
    }

    @Test
    void aClassLabelCountOtherThanNumLabelsIsNamed() throws Exception {
        PreTrainedTokenizer tok = tokenizer();
        torch.manual_seed(5);
        var threeWay = new RobertaForSequenceClassification(RobertaConfig.of(15, 16, 1, 2, 32)
                .withLabels(io.t4j.models.Labels.defaultId2label(3), null));
        var args = TrainingArguments.builder(dir.toString()).disableTqdm(true).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        Trainer.builder(threeWay, args).trainDataset(sentences(8, 1, tok)).processingClass(tok).build())
                .hasMessageContaining("train_dataset column 'label' has 2 classes [no_cat, cat] but the model has num_labels = 3");
    }

    @Test
    void trainsOnATokenizedDatasetAndCheckpointsTheTokenizer() throws Exception {
        PreTrainedTokenizer tok = tokenizer();
        var args = TrainingArguments.builder(dir.toString()).maxSteps(12).perDeviceTrainBatchSize(8).learningRate(5e-3)
                .evalStrategy(IntervalStrategy.STEPS).evalSteps(6.0).saveSteps(6.0).groupByLength(true)
                .dataloaderNumWorkers(1).disableTqdm(true).build();
        var model = model();
        var trainer = Trainer.builder(model, args).trainDataset(sentences(64, 1, tok)).evalDataset(sentences(32, 2, tok)).processingClass(tok).computeMetrics(Metrics.ACCURACY).build();
        TrainOutput out = trainer.train();
        assertThat(out.globalStep()).isEqualTo(12);
        Path ck = dir.resolve("checkpoint-12");
        assertThat(ck.resolve("tokenizer.json")).isRegularFile();
        assertThat(ck.resolve("tokenizer_config.json")).isRegularFile();
        assertThat(ck.resolve("config.json")).isRegularFile();
        var prediction = trainer.predict(sentences(16, 3, tok));
        assertThat(prediction.predictions().shape()).containsExactly(16, 2);
        assertThat(prediction.metrics()).containsKeys("test_loss", "test_accuracy", "test_runtime");
        assertThat(trainer.evaluate().get("eval_accuracy")).isGreaterThanOrEqualTo(0.5);

        var resumed = model();
        Trainer.builder(resumed, args).trainDataset(sentences(64, 1, tok)).evalDataset(sentences(32, 2, tok)).processingClass(tok).computeMetrics(Metrics.ACCURACY).build()
                .train(dir.resolve("checkpoint-6").toString());
        var a = io.t4j.engine.nn.StateDict.tensors(model);
        // the same steps 7..12 replayed from checkpoint-6 (weights, optimizer, RNG restored bit for bit): one computation
        io.t4j.engine.nn.StateDict.tensors(resumed).forEach((k, v) ->
                assertThat(v.sub(a.get(k)).abs().max().item_double()).as(k).isEqualTo(0.0));
    }
}
