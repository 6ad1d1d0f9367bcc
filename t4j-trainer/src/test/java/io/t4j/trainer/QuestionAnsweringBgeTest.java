package io.t4j.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.data.Dataset;
import io.t4j.data.QaFeatureOptions;
import io.t4j.data.QaFeatures;
import io.t4j.data.QaPostprocessOptions;
import io.t4j.data.QuestionContextTokenizer;
import io.t4j.data.SquadAnswer;
import io.t4j.data.SquadExample;
import io.t4j.models.AutoModelForQuestionAnswering;
import io.t4j.models.QuestionAnsweringModel;
import io.t4j.models.onnx.DefaultModels;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.trainer.metrics.QuestionAnsweringEvaluation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Question answering on the real bge-small-en-v1.5 (its tokenizer and weights, a new qa_outputs head): run_qa's
 * features of an 800-word context through {@link QuestionContextTokenizer#of} (labels on the windows that hold the
 * answer), and Trainer steps with evaluation through post-processing and the SQuAD metric.
 */
@Tag("slow")
class QuestionAnsweringBgeTest {
    @TempDir Path dir;

    @Test
    void featuresTrainingAndEvaluationOnALongContext() {
        Path base = DefaultModels.bgeSmallEnV15();
        String context = TokenClassificationDataBgeTest.context(800); // several windows; the pipeline test takes 2,000 words
        int at = context.indexOf("Zürich", context.length() / 2);
        SquadExample deep = new SquadExample("deep", "t", context, "Where did the committee meet?",
                List.of(new SquadAnswer("Zürich", at)), List.of(), "long.json");
        List<SquadExample> examples = new ArrayList<>(List.of(deep));
        for (int i = 0; i < 15; i++) {
            String c = "The committee of " + (1900 + i) + " met in Zürich on Tuesday and approved the budget.";
            examples.add(new SquadExample("s" + i, "t", c, "In which year was the committee?",
                    List.of(new SquadAnswer(Integer.toString(1900 + i), c.indexOf("19"))), List.of(), "short.json"));
        }
        try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(base)) {
            QuestionContextTokenizer qa = QuestionContextTokenizer.of(tok);
            Dataset train = QaFeatures.prepareTrainFeatures(examples, qa, QaFeatureOptions.defaults());
            assertThat(train.numRows()).isGreaterThan(examples.size() + 1); // the long context gives several windows
            long labelled = 0;
            for (int w = 0; w < train.numRows(); w++) {
                int s = (int) train.longs("start_positions").get(w);
                if (s != 0) {
                    labelled++;
                    assertThat(train.longs("end_positions").get(w)).isGreaterThanOrEqualTo(s);
                }
            }
            assertThat(labelled).isGreaterThanOrEqualTo(examples.size()); // the deep answer in one or two windows
            Dataset eval = QaFeatures.prepareEvaluationFeatures(examples, qa, QaFeatureOptions.defaults());
            var evaluation = new QuestionAnsweringEvaluation(examples, eval, QaPostprocessOptions.defaults());
            Trainer.setSeed(1);
            QuestionAnsweringModel<?> model = AutoModelForQuestionAnswering.fromPretrained(base);
            var args = TrainingArguments.builder(dir.resolve("run").toString()).maxSteps(2).perDeviceTrainBatchSize(8)
                    .perDeviceEvalBatchSize(16).learningRate(1e-4).saveStrategy(IntervalStrategy.NO).disableTqdm(true).build();
            var trainer = Trainer.builder(model, args).trainDataset(train).evalDataset(eval).processingClass(tok)
                    .computeMetrics(evaluation).build();
            trainer.train();
            Map<String, Double> metrics = trainer.evaluate();
            System.out.println("bge-small, 2 steps on 16 questions: " + metrics);
            assertThat(metrics).containsKeys("eval_loss", "eval_exact_match", "eval_f1");
            assertThat(evaluation.lastPredictions().predictions()).hasSize(examples.size());
            for (SquadExample e : examples) {
                String p = evaluation.lastPredictions().predictions().get(e.id());
                assertThat(e.context()).contains(p);
            }

            model.close();
        }
    }
}
