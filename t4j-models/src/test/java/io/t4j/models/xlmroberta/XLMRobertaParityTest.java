package io.t4j.models.xlmroberta;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.engine.Tensors;
import io.t4j.models.AutoModelForSequenceClassification;
import io.t4j.models.ModelInputs;
import io.t4j.models.Unpadding;
import io.t4j.models.bert.BertModeling.BertLayer;
import io.t4j.models.roberta.RobertaModeling;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.Parity;
import io.t4j.models.xlmroberta.XLMRobertaModeling.XLMRobertaForSequenceClassification;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * XLMRobertaForSequenceClassification against HF transformers 4.46.1 (fixtures/xlmr-seqcls: model_type xlm-roberta,
 * vocab 160, 3 labels), fp32, loaded through AutoModelForSequenceClassification. Real positions only (t4j's encoders
 * skip padding). Measured: hidden states and logits within 1e-6, loss within 1e-7 relative (fixture fp32-vs-fp64
 * logits: 2.1e-7).
 */
class XLMRobertaParityTest {
    private final Fixture fx = Fixture.load("xlmr-seqcls");

    @Test
    void autoClassPicksXlmRobertaAndHiddenStatesLogitsAndLossMatchHf() {
        try (PointerScope scope = new PointerScope()) {
            var model = AutoModelForSequenceClassification.fromPretrained(fx.dir());
            assertThat(model).isInstanceOf(XLMRobertaForSequenceClassification.class);
            assertThat(model.config().modelType()).isEqualTo("xlm-roberta");
            var xlmr = (XLMRobertaForSequenceClassification) model;
            ModelInputs in = fx.inputs(true);
            Tensor real = fx.realPositions();
            System.out.println("xlmr-seqcls forward:");
            assertThat(Tensors.toLongs(RobertaModeling.createPositionIdsFromInputIds(in.inputIds(), 1)))
                    .containsExactly(Tensors.toLongs(fx.tensor("inputs.position_ids_computed_by_model")));
            Tensor h = xlmr.roberta.embeddings.forward(in.inputIds(), null);
            Parity.assertClose("hidden_states[0] (embeddings)", h, fx.tensor("outputs.hidden_states.0"), 1e-5, real);
            Unpadding u = Unpadding.of(in.attentionMask(), in.inputIds());
            int i = 1;
            for (BertLayer layer : xlmr.roberta.encoder.layer) {
                h = u.padInput(layer.forward(u.unpadInput(h), u));
                Parity.assertClose("hidden_states[" + i + "]", h, fx.tensor("outputs.hidden_states." + i++), 1e-5, real);
            }
            Parity.assertClose("last_hidden_state", xlmr.roberta.forward(in).lastHiddenState(),
                    fx.tensor("outputs.last_hidden_state"), 1e-5, real);
            var out = model.forward(in);
            Parity.assertClose("logits", out.logits(), fx.tensor("outputs.logits"), 1e-5, null);
            Parity.assertRelClose("loss", out.loss().item_double(), fx.number("outputs.loss"), 1e-6);
        }
    }

    @Test
    void everyGradientMatchesHf() {
        try (PointerScope scope = new PointerScope()) {
            var model = XLMRobertaForSequenceClassification.fromPretrained(fx.dir(), io.t4j.models.PretrainedOptions.defaults());
            model.forward(fx.inputs(true)).loss().backward();
            Parity.assertGradientsMatch(model, fx);
        }
    }
}
