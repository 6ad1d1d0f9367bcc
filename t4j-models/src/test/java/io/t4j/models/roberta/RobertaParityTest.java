package io.t4j.models.roberta;

import io.t4j.engine.Tensors;
import io.t4j.models.Unpadding;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.bert.BertModeling.BertLayer;
import io.t4j.models.roberta.RobertaModeling.RobertaForSequenceClassification;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.Parity;
import io.t4j.models.ModelInputs;
import io.t4j.models.testing.Tolerances;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** RobertaForSequenceClassification against HF transformers 4.46.1 (fixtures/roberta-seqcls), fp32. */
class RobertaParityTest {
    private final Fixture fx = Fixture.load("roberta-seqcls");

    @Test
    void positionIdsHiddenStatesLogitsAndLossMatchHf() {
        try (PointerScope scope = new PointerScope()) {
            var model = RobertaForSequenceClassification.fromPretrained(fx.dir(), PretrainedOptions.defaults());
            ModelInputs in = fx.inputs(true);
            Tensor real = fx.realPositions();
            System.out.println("roberta-seqcls forward:");
            assertThat(Tensors.toLongs(RobertaModeling.createPositionIdsFromInputIds(in.inputIds(), 1)))
                    .containsExactly(Tensors.toLongs(fx.tensor("inputs.position_ids_computed_by_model")));

            Tensor h = model.roberta.embeddings.forward(in.inputIds(), null);
            Parity.assertClose("hidden_states[0] (embeddings)", h, fx.tensor("outputs.hidden_states.0"), Tolerances.ENCODER_HIDDEN_ABS, real);
            Unpadding u = Unpadding.of(in.attentionMask(), in.inputIds());
            int i = 1;
            for (BertLayer layer : model.roberta.encoder.layer) {
                h = u.padInput(layer.forward(u.unpadInput(h), u));
                Parity.assertClose("hidden_states[" + i + "]", h, fx.tensor("outputs.hidden_states." + i++), Tolerances.ENCODER_HIDDEN_ABS, real);
            }
            Parity.assertClose("last_hidden_state", model.roberta.forward(in).lastHiddenState(),
                    fx.tensor("outputs.last_hidden_state"), Tolerances.ENCODER_HIDDEN_ABS, real);
            var out = model.forward(in);
            Parity.assertClose("logits", out.logits(), fx.tensor("outputs.logits"), Tolerances.ENCODER_LOGITS_ABS, null);
            Parity.assertRelClose("loss", out.loss().item_double(), fx.number("outputs.loss"), Tolerances.LOSS_REL);
        }
    }

    @Test
    void everyGradientMatchesHf() {
        try (PointerScope scope = new PointerScope()) {
            var model = RobertaForSequenceClassification.fromPretrained(fx.dir(), PretrainedOptions.defaults());
            model.forward(fx.inputs(true)).loss().backward();
            Parity.assertGradientsMatch(model, fx);
        }
    }
}
