package io.t4j.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.data.Dataset;
import io.t4j.data.QaFeatureOptions;
import io.t4j.data.QaFeatures;
import io.t4j.data.QaPostprocessOptions;
import io.t4j.data.QaPredictions;
import io.t4j.data.QuestionContextTokenizer;
import io.t4j.data.SquadAnswer;
import io.t4j.data.SquadExample;
import io.t4j.models.AutoModelForQuestionAnswering;
import io.t4j.models.QuestionAnsweringModel;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.trainer.metrics.QuestionAnsweringEvaluation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run_qa end to end on the tiny bert-qa fixture (word-level tokenizer, max length 64): the Trainer trains on features
 * of a toy reading task (the answer is the one word of the context from w110..w119), evaluation
 * features carry positions so {@code evaluate()} reports eval_loss, and {@link QuestionAnsweringEvaluation} as
 * compute_metrics post-processes the logits of every window (long contexts are cut into several) back to the
 * questions and scores them with the SQuAD metric; SQuAD v2 keys with unanswerable questions.
 */
class TrainerQuestionAnsweringTest {
    @TempDir Path dir;
    static final QaFeatureOptions FEATURES = new QaFeatureOptions(64, 16, false);

    /**
     * Questions "w8" on contexts of 10 to 110 words from w20..w99 holding one answer word from w110..w119 (somewhere
     * in the context, so long contexts have it in some windows only). With {@code impossible}, a fifth of the
     * questions have no answer word and no answer.
     */
    static List<SquadExample> examples(int n, long seed, boolean impossible) {
        Random r = new Random(seed);
        List<SquadExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int words = 10 + r.nextInt(i % 4 == 0 ? 100 : 30);
            boolean none = impossible && i % 5 == 4;
            int at = r.nextInt(words);
            StringBuilder context = new StringBuilder();
            List<SquadAnswer> answers = new ArrayList<>();
            for (int w = 0; w < words; w++) {
                context.append(w == 0 ? "" : " ");
                if (w == at && !none) {
                    String answer = "w" + (110 + r.nextInt(10));
                    answers.add(new SquadAnswer(answer, context.length()));
                    context.append(answer);
                } else {
                    context.append("w").append(20 + r.nextInt(80));
                }
            }
            out.add(new SquadExample("q" + seed + "-" + i, "toy", context.toString(), "w8", answers, List.of(), "toy.json"));
        }
        return out;
    }

    @Test
    void theTrainerLearnsToAnswerAndEvaluatesThroughPostProcessingAndTheSquadMetric() {
        Path folder = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-qa"), dir.resolve("bert-qa"));
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(folder)) {
            QuestionContextTokenizer qa = QuestionContextTokenizer.of(tok);
            List<SquadExample> trainExamples = examples(240, 1, false);
            List<SquadExample> evalExamples = examples(80, 2, false);
            Dataset train = QaFeatures.prepareTrainFeatures(trainExamples, qa, FEATURES);
            Dataset eval = QaFeatures.prepareEvaluationFeatures(evalExamples, qa, FEATURES);
            assertThat(eval.numRows()).isGreaterThan(evalExamples.size()); // long contexts give several windows
            var evaluation = new QuestionAnsweringEvaluation(evalExamples, eval, QaPostprocessOptions.defaults());
            Trainer.setSeed(3);
            QuestionAnsweringModel<?> model = AutoModelForQuestionAnswering.fromPretrained(folder);
            var args = TrainingArguments.builder(dir.resolve("run").toString()).numTrainEpochs(3.0).learningRate(3e-3)
                    .perDeviceTrainBatchSize(16).perDeviceEvalBatchSize(32).warmupRatio(0.1).saveStrategy(IntervalStrategy.NO)
                    .disableTqdm(true).build();
            var trainer = Trainer.builder(model, args).trainDataset(train).evalDataset(eval).processingClass(tok)
                    .computeMetrics(evaluation).build();
            Map<String, Double> before = trainer.evaluate();
            assertThat(before).containsKeys("eval_loss", "eval_exact_match", "eval_f1", "eval_runtime");
            trainer.train();
            Map<String, Double> after = trainer.evaluate();
            System.out.printf("toy QA: before %s%n       after  %s%n", before, after);
            assertThat(after.get("eval_loss")).isLessThan(before.get("eval_loss") / 2);
            assertThat(after.get("eval_f1")).isGreaterThan(70.0).isGreaterThan(before.get("eval_f1") + 40);
            assertThat(after.get("eval_exact_match")).isGreaterThan(60.0);

            // predict on the features gives the arrays evaluate post-processed: the same answers
            QaPredictions last = evaluation.lastPredictions();
            PredictionOutput predicted = trainer.predict(eval);
            QaPredictions again = evaluation.postprocess(predicted.predictionsTuple());
            assertThat(again.predictions()).isEqualTo(last.predictions());
            assertThat(evaluation.score(again)).containsEntry("f1", after.get("eval_f1"));
        }
    }

    @Test
    void versionTwoReportsSquadV2KeysAndAMismatchedFeatureCountIsNamed() {
        Path folder = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-qa"), dir.resolve("bert-qa"));
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(folder)) {
            QuestionContextTokenizer qa = QuestionContextTokenizer.of(tok);
            List<SquadExample> evalExamples = examples(40, 4, true);
            assertThat(evalExamples.stream().filter(SquadExample::isImpossible)).isNotEmpty();
            Dataset eval = QaFeatures.prepareEvaluationFeatures(evalExamples, qa, FEATURES);
            var evaluation = new QuestionAnsweringEvaluation(evalExamples, eval, QaPostprocessOptions.versionTwo());
            QuestionAnsweringModel<?> model = AutoModelForQuestionAnswering.fromPretrained(folder);
            var args = TrainingArguments.builder(dir.resolve("v2").toString()).perDeviceEvalBatchSize(16).disableTqdm(true).build();
            var trainer = Trainer.builder(model, args).evalDataset(eval).processingClass(tok).computeMetrics(evaluation).build();
            Map<String, Double> metrics = trainer.evaluate();
            assertThat(metrics).containsKeys("eval_loss", "eval_exact", "eval_f1", "eval_total", "eval_HasAns_exact",
                    "eval_HasAns_f1", "eval_NoAns_exact", "eval_NoAns_f1", "eval_best_f1", "eval_best_f1_thresh");
            assertThat(metrics.get("eval_total")).isEqualTo(40.0);
            assertThat(evaluation.lastPredictions().nullOdds()).hasSize(40);

            var other = new QuestionAnsweringEvaluation(evalExamples, eval.selectRange(0, 10), QaPostprocessOptions.versionTwo());
            PredictionOutput predicted = trainer.predict(eval);
            assertThatThrownBy(() -> other.postprocess(predicted.predictionsTuple()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not match the 10 features");
        }
    }
}
