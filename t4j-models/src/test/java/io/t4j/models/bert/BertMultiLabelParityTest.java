package io.t4j.models.bert;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.models.AutoModelForSequenceClassification;
import io.t4j.models.ModelInputs;
import io.t4j.models.ProblemType;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.Parity;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * {@code problem_type: multi_label_classification} against HF transformers 4.46.1 (fixtures/bert-multilabel: 4 labels,
 * float32 [3,4] 0/1 targets): logits, sigmoid probabilities, the BCE-with-logits loss over all 12 entries, and every
 * gradient.
 */
class BertMultiLabelParityTest {
    private final Fixture fx = Fixture.load("bert-multilabel");

    @Test
    void logitsSigmoidBceLossAndGradientsMatchHf() {
        try (PointerScope scope = new PointerScope()) {
            var model = AutoModelForSequenceClassification.fromPretrained(fx.dir());
            assertThat(model.config().problemType()).isEqualTo(ProblemType.MULTI_LABEL_CLASSIFICATION.configName());
            assertThat(model.config().numLabels()).isEqualTo(4);
            ModelInputs in = fx.inputs(true);
            assertThat(in.labels().is_floating_point()).isTrue();
            System.out.println("bert-multilabel forward:");
            Parity.assertClose("pooler_output", ((BertModeling.BertForSequenceClassification) model).bert.forward(in).poolerOutput(),
                    fx.tensor("outputs.pooler_output"), 1e-5, null);
            var out = model.forward(in);
            Parity.assertClose("logits [3,4]", out.logits(), fx.tensor("outputs.logits"), 1e-5, null);
            Parity.assertClose("sigmoid(logits)", torch.sigmoid(out.logits()), fx.tensor("outputs.probabilities_sigmoid"), 1e-5, null);
            Parity.assertRelClose("BCEWithLogits loss (mean over 12)", out.loss().item_double(), fx.number("outputs.loss"), 1e-6);
            out.loss().backward();
            Parity.assertGradientsMatch(model, fx);
        }
    }
}
