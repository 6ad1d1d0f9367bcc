package io.t4j.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.data.DataCollatorForLanguageModeling;
import io.t4j.data.Dataset;
import io.t4j.data.LanguageModelingData;
import io.t4j.data.Seeded;
import io.t4j.data.StringColumn;
import io.t4j.data.TextDatasetForNextSentencePrediction;
import io.t4j.engine.Tensors;
import io.t4j.engine.safetensors.Checkpoint;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.bert.BertModeling.BertForMaskedLM;
import io.t4j.models.bert.BertModeling.BertForPreTraining;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.models.testing.Parity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Trainer on the pre-training objectives: BertForMaskedLM and BertForPreTraining (fixture bert-mlm with the tiny
 * word-level tokenizer) learn a toy language, eval_loss falls, the decoder stays the word-embedding tensor through
 * optimizer steps, checkpoints, resuming and saving, and the result loads into a classifier with only the head new.
 */
@SuppressWarnings("try")
class TrainerPretrainingTest {
    @TempDir Path dir;

    /** Lines that are prefixes of 8 fixed sentences "w{k} w{k+1} ...": a masked word is predictable from the others. */
    static Dataset lines(int n, long seed) {
        Seeded rng = new Seeded(seed);
        String[] text = new String[n];
        for (int i = 0; i < n; i++) {
            int start = 5 + 14 * rng.nextInt(8);
            int len = 6 + rng.nextInt(9);
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < len; w++) {
                sb.append(w == 0 ? "" : " ").append("w").append(start + w);
            }
            text[i] = sb.toString();
        }
        return Dataset.fromColumns(Map.of("text", new StringColumn(text)), Map.of());
    }

    private Path modelFolder() {
        return TinyTokenizer.bertFixtureFolder(Fixture.load("bert-mlm"), dir.resolve("tiny-bert-mlm"));
    }

    private static void assertTied(BertForMaskedLM model) {
        assertThat(model.outputEmbeddings().weight).isSameAs(model.inputEmbeddings().weight);
        assertThat(model.outputEmbeddings().weight.data().data_ptr().address())
                .isEqualTo(model.inputEmbeddings().weight.data().data_ptr().address());
        assertThat(model.cls.predictions.decoder.bias).isSameAs(model.cls.predictions.bias);
    }

    @Test
    void maskedLmTrainsWithFallingEvalLossAndStaysTiedThroughCheckpointsAndSaving() throws Exception {
        Path folder = modelFolder();
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(folder)) {
            Dataset train = LanguageModelingData.lineByLine(lines(256, 1), "text", tok, 32).dataset();
            Dataset eval = LanguageModelingData.lineByLine(lines(64, 2), "text", tok, 32).dataset();
            var collator = new DataCollatorForLanguageModeling(tok, 0.15, 7);
            var args = TrainingArguments.builder(dir.resolve("run").toString()).maxSteps(100).perDeviceTrainBatchSize(16)
                    .perDeviceEvalBatchSize(32).learningRate(5e-3).warmupRatio(0.1).saveSteps(50.0).loggingSteps(25.0)
                    .dataloaderNumWorkers(2).disableTqdm(true).build();
            var model = BertForMaskedLM.fromPretrained(folder);
            var trainer = Trainer.builder(model, args).dataCollator(collator).trainDataset(train).evalDataset(eval).processingClass(tok).build();
            double before = trainer.evaluate().get("eval_loss");
            assertThat(trainer.optimizer()).isNull();
            trainer.train();
            // the optimizer holds the tied tensor once, as torch's model.parameters() does
            assertThat(trainer.optimizer().parameters()).hasSize(model.parameters().size())
                    .doesNotHaveDuplicates();
            assertTied(model);
            Map<String, Double> metrics = trainer.evaluate();
            double after = metrics.get("eval_loss");
            System.out.printf("tiny MLM: eval_loss %.4f -> %.4f (perplexity %.1f -> %.1f)%n", before, after,
                    Math.exp(before), Math.exp(after));
            assertThat(after).isLessThan(before * 0.75);
            assertThat(metrics).containsKey("eval_loss").doesNotContainKey("eval_accuracy");
            assertThat(trainer.state().logHistory().stream().filter(e -> e.get("loss") != null).count()).isEqualTo(4);

            // prediction_loss_only: no [B,T,V] logits gathered
            var lossOnly = Trainer.builder(model, args.toBuilder().predictionLossOnly(true).build()).dataCollator(collator).trainDataset(train).evalDataset(eval).processingClass(tok).build();
            PredictionOutput predicted = lossOnly.predict(eval);
            assertThat(predicted.predictions()).isNull();
            assertThat(predicted.metrics().get("test_loss")).isCloseTo(after, org.assertj.core.data.Offset.offset(1e-9));

            // resuming from the step-50 checkpoint gives the uninterrupted run's weights, tied
            Path checkpoint = dir.resolve("run").resolve("checkpoint-50");
            try (Checkpoint ckpt = Checkpoint.open(checkpoint)) {
                assertThat(ckpt.keys()).doesNotContain("cls.predictions.decoder.weight", "cls.predictions.decoder.bias");
            }
            var resumedModel = BertForMaskedLM.fromPretrained(folder);
            var resumed = Trainer.builder(resumedModel, args.toBuilder().outputDir(dir.resolve("resumed").toString()).build()).dataCollator(collator).trainDataset(train).evalDataset(eval).processingClass(tok).build();
            resumed.train(checkpoint.toString());
            assertTied(resumedModel);
            try (PointerScope scope = new PointerScope()) {
                Parity.assertSameComputation("tiny MLM word embeddings, resumed vs uninterrupted",
                        "the same steps replayed from a bit-exact checkpoint", resumedModel.inputEmbeddings().weight.data(),
                        model.inputEmbeddings().weight.data());
            }

            // saved once, as HF; loads back tied, and into a classifier with only the new head initialised
            Path out = dir.resolve("final");
            trainer.saveModel(out);
            try (Checkpoint ckpt = Checkpoint.open(out)) {
                assertThat(ckpt.keys()).contains("bert.embeddings.word_embeddings.weight", "cls.predictions.bias")
                        .doesNotContain("cls.predictions.decoder.weight", "cls.predictions.decoder.bias");
            }
            assertThat(Files.exists(out.resolve("tokenizer.json"))).isTrue();
            var reloaded = BertForMaskedLM.fromPretrained(out);
            assertTied(reloaded);
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                var batch = collator.pad(eval, new int[] {0, 1, 2, 3}).toModelInputs();
                model.eval();
                Parity.assertSameComputation("tiny MLM logits after save/reload", "same weights bit for bit, same forward",
                        reloaded.forward(batch).logits(), model.forward(batch).logits());
            }
            var classifier = BertForSequenceClassification.fromPretrained(out, PretrainedOptions.numLabels(2));
            assertThat(classifier.loadingInfo().missingKeys()).containsExactlyInAnyOrder("classifier.weight",
                    "classifier.bias", "bert.pooler.dense.weight", "bert.pooler.dense.bias"); // BertForMaskedLM has no pooler (HF)
            assertThat(classifier.loadingInfo().unexpectedKeys()).allMatch(k -> k.startsWith("cls.predictions."));
        }
    }

    @Test
    void preTrainingWithNextSentencePairsTrainsBothHeads() throws Exception {
        Path folder = modelFolder();
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(folder)) {
            List<List<String>> documents = new ArrayList<>();
            Seeded rng = new Seeded(3);
            for (int d = 0; d < 60; d++) {
                List<String> doc = new ArrayList<>();
                int start = 5 + rng.nextInt(60);
                for (int l = 0; l < 6; l++) {
                    doc.add("w" + (start + 3 * l) + " w" + (start + 3 * l + 1) + " w" + (start + 3 * l + 2));
                }
                documents.add(doc);
            }
            var pairs = TextDatasetForNextSentencePrediction.create(documents, tok, 24, 5);
            var args = TrainingArguments.builder(dir.resolve("nsp").toString()).maxSteps(30).perDeviceTrainBatchSize(16)
                    .learningRate(3e-3).saveStrategy(IntervalStrategy.NO).loggingSteps(10.0).disableTqdm(true).build();
            var model = BertForPreTraining.fromPretrained(folder);
            var trainer = Trainer.builder(model, args).dataCollator(new DataCollatorForLanguageModeling(tok, 0.15, 1)).trainDataset(pairs.dataset()).evalDataset(pairs.dataset()).processingClass(tok).build();
            double before = trainer.evaluate().get("eval_loss");
            trainer.train();
            double after = trainer.evaluate().get("eval_loss");
            System.out.printf("tiny MLM+NSP: eval_loss %.4f -> %.4f on %d pairs%n", before, after, pairs.dataset().numRows());
            assertThat(after).isLessThan(before);
            assertThat(model.cls.predictions.decoder.weight).isSameAs(model.bert.embeddings.wordEmbeddings.weight);
            Path out = dir.resolve("nsp-final");
            trainer.saveModel(out);
            var classifier = BertForSequenceClassification.fromPretrained(out, PretrainedOptions.numLabels(2));
            assertThat(classifier.loadingInfo().missingKeys()).containsExactlyInAnyOrder("classifier.weight", "classifier.bias");
        }
    }
}
