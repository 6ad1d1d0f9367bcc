package io.t4j.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.t4j.data.AlignOptions;
import io.t4j.data.AlignedDataset;
import io.t4j.data.ConllOptions;
import io.t4j.data.DataCollatorForTokenClassification;
import io.t4j.data.Dataset;
import io.t4j.data.Feature;
import io.t4j.data.NdArray;
import io.t4j.data.TaggedSentences;
import io.t4j.data.TokenClassificationData;
import io.t4j.models.AutoModelForTokenClassification;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.TokenClassificationModel;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.trainer.metrics.EvalPrediction;
import io.t4j.trainer.metrics.Seqeval;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token classification through the Trainer as run_ner.py wires it, on the tiny bert-tokcls fixture (labels O,
 * B-PER, I-PER, B-LOC, I-LOC) and a word-level tokenizer: a CoNLL file, the label list, tokenize_and_align_labels,
 * DataCollatorForTokenClassification, seqeval's compute_metrics. Token-level labels flow through training,
 * evaluation and predict; compute_metrics gets [N,T,K] logits and [N,T] labels.
 */
class TrainerTokenClassificationTest {
    @TempDir Path dir;

    /** Sentences of 3 to 8 words; w10-w19 are persons and w20-w29 places, in runs (B- then I-). */
    static String conll(int sentences, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder("-DOCSTART- O\n\n");
        for (int s = 0; s < sentences; s++) {
            int n = 3 + r.nextInt(6);
            String previous = "O";
            for (int w = 0; w < n; w++) {
                int kind = r.nextInt(4); // 0: person, 1: place, else other
                int id = kind == 0 ? 10 + r.nextInt(10) : kind == 1 ? 20 + r.nextInt(10) : 30 + r.nextInt(90);
                String type = kind == 0 ? "PER" : kind == 1 ? "LOC" : null;
                String tag = type == null ? "O" : (previous.endsWith(type) ? "I-" : "B-") + type;
                sb.append("w").append(id).append(' ').append(tag).append('\n');
                previous = tag;
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Test
    void tokenLabelsFlowThroughTrainingEvaluationAndPredict() throws Exception {
        Path model = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-tokcls"), dir.resolve("model"));
        Files.writeString(dir.resolve("labels.txt"), "O\nB-PER\nI-PER\nB-LOC\nI-LOC\n");
        Feature.ClassLabel labels = TokenClassificationData.readLabelList(dir.resolve("labels.txt"));
        TaggedSentences trainFile = TokenClassificationData.readConll(
                Files.writeString(dir.resolve("train.txt"), conll(240, 1)), ConllOptions.defaults());
        TaggedSentences evalFile = TokenClassificationData.readConll(
                Files.writeString(dir.resolve("valid.txt"), conll(40, 2)), ConllOptions.defaults());
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(model)) {
            AlignedDataset train = TokenClassificationData.tokenizeAndAlignLabels(trainFile.toDataset(labels), tok,
                    AlignOptions.defaults(), trainFile::where);
            AlignedDataset eval = TokenClassificationData.tokenizeAndAlignLabels(evalFile.toDataset(labels), tok,
                    AlignOptions.defaults(), evalFile::where);
            TokenClassificationModel<?> ner = AutoModelForTokenClassification.fromPretrained(model, PretrainedOptions.defaults());
            assertThat(ner.config().id2label().values()).containsExactlyElementsOf(labels.names());
            List<EvalPrediction> seen = new ArrayList<>();
            var seqeval = Seqeval.computeMetrics(labels.names(), false);
            var args = TrainingArguments.builder(dir.resolve("out").toString()).learningRate(1e-2).numTrainEpochs(15.0)
                    .perDeviceTrainBatchSize(16).perDeviceEvalBatchSize(16).saveStrategy(IntervalStrategy.NO)
                    .disableTqdm(true).seed(3).build();
            var trainer = Trainer.builder(ner, args).trainDataset(train.dataset()).evalDataset(eval.dataset())
                    .dataCollator(new DataCollatorForTokenClassification(tok)).processingClass(tok)
                    .computeMetrics(p -> {
                        seen.add(p);
                        return seqeval.apply(p);
                    }).build();
            Map<String, Double> before = trainer.evaluate();
            trainer.train();
            Map<String, Double> after = trainer.evaluate();
            System.out.println("token classification: before " + before + "\n  after " + after);
            assertThat(after).containsKeys("eval_loss", "eval_precision", "eval_recall", "eval_f1", "eval_accuracy");
            assertThat(after.get("eval_loss")).isLessThan(before.get("eval_loss") / 3);
            assertThat(after.get("eval_f1")).isGreaterThan(0.5).isGreaterThan(before.get("eval_f1") + 0.4); // measured 0.70 from 0.03

            // compute_metrics saw [N,T,K] logits and [N,T] labels: the aligned labels, -100 padded to the longest row
            Dataset evalData = eval.dataset();
            int n = evalData.numRows();
            int longest = java.util.Arrays.stream(evalData.tokens("labels").lengths()).max().orElseThrow();
            EvalPrediction p = seen.getLast();
            assertThat(p.predictions().shape()).containsExactly(n, longest, 5);
            assertThat(p.labelIds().shape()).containsExactly(n, longest);
            int[] gathered = p.labelIds().toInts();
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < longest; t++) {
                    int expected = t < evalData.tokens("labels").length(i) ? evalData.tokens("labels").get(i, t) : -100;
                    assertThat(gathered[i * longest + t]).as("row " + i + " token " + t).isEqualTo(expected);
                }
            }

            PredictionOutput predicted = trainer.predict(evalData);
            NdArray logits = predicted.predictions();
            assertThat(logits.shape()).containsExactly(n, longest, 5);
            assertThat(predicted.labelIds().toInts()).containsExactly(gathered);
            assertThat(predicted.metrics().get("test_f1")).isCloseTo(after.get("eval_f1"), within(1e-12));
            assertThat(predicted.metrics().keySet()).contains("test_loss", "test_precision", "test_recall", "test_accuracy");
        }
    }

    @Test
    void withoutTheTokenCollatorTheErrorSaysWhichToUse() throws Exception {
        Path model = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-tokcls"), dir.resolve("model"));
        TaggedSentences file = TokenClassificationData.readConll(
                Files.writeString(dir.resolve("train.txt"), conll(8, 1)), ConllOptions.defaults());
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(model);
             TokenClassificationModel<?> ner = AutoModelForTokenClassification.fromPretrained(model)) {
            Dataset data = TokenClassificationData.tokenizeAndAlignLabels(
                    file.toDataset(TokenClassificationData.labelListFromData(file)), tok, AlignOptions.defaults()).dataset();
            var args = TrainingArguments.builder(dir.resolve("out").toString()).maxSteps(1).saveStrategy(IntervalStrategy.NO)
                    .disableTqdm(true).build();
            var trainer = Trainer.builder(ner, args).trainDataset(data).processingClass(tok).build();
            assertThatThrownBy(trainer::train).hasMessageContaining("holds one label per token")
                    .hasMessageContaining("DataCollatorForTokenClassification");
        }
    }
}
