package io.t4j.models;

import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.Parity;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Token-classification and question-answering heads of BERT, RoBERTa and DistilBERT against HF transformers 4.46.1
 * (fixtures *-tokcls, *-qa), loaded through the Auto classes: base model output, logits and loss on real positions,
 * and every gradient. Padding positions are not compared: t4j's encoders skip padding (their hidden states are 0
 * there), and the losses ignore them (-100, or positions inside the text).
 */
class TaskHeadParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"bert-tokcls", "roberta-tokcls", "distilbert-tokcls"})
    void tokenClassificationMatchesHf(String name) {
        Fixture fx = Fixture.load(name);
        try (PointerScope scope = new PointerScope()) {
            TokenClassificationModel<?> model = AutoModelForTokenClassification.fromPretrained(fx.dir());
            ModelInputs in = fx.inputs(true);
            System.out.println(name + " forward:");
            TokenClassifierOutput out = model.forward(in);
            Tensor real = fx.realPositions();
            Parity.assertClose("last_hidden_state", ((EncoderModel<?>) model.baseModel()).forward(in).lastHiddenState(),
                    fx.tensor("outputs.last_hidden_state"), 1e-5, real);
            Parity.assertClose("logits", out.logits(), fx.tensor("outputs.logits"), 1e-5, real);
            Parity.assertRelClose("loss (11 labelled tokens)", out.loss().item_double(), fx.number("outputs.loss"), 1e-6);
            model.forward(in).loss().backward();
            Parity.assertGradientsMatch(model, fx);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert-qa", "roberta-qa", "distilbert-qa"})
    void questionAnsweringMatchesHf(String name) {
        Fixture fx = Fixture.load(name);
        try (PointerScope scope = new PointerScope()) {
            QuestionAnsweringModel<?> model = AutoModelForQuestionAnswering.fromPretrained(fx.dir());
            ModelInputs in = fx.inputs(true);
            System.out.println(name + " forward:");
            QuestionAnsweringModelOutput out = model.forward(in);
            Tensor real = fx.tensor("inputs.attention_mask").to(ScalarType.Float); // [B,T]
            Parity.assertClose("start_logits", out.startLogits(), fx.tensor("outputs.start_logits"), 1e-5, real);
            Parity.assertClose("end_logits", out.endLogits(), fx.tensor("outputs.end_logits"), 1e-5, real);
            Parity.assertRelClose("loss", out.loss().item_double(), fx.number("outputs.loss"), 1e-6);
            model.forward(in).loss().backward();
            Parity.assertGradientsMatch(model, fx);
        }
    }
}
