package io.t4j.models.electra;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.models.AutoModelForPreTraining;
import io.t4j.models.AutoModelForSequenceClassification;
import io.t4j.models.ModelInputs;
import io.t4j.models.Unpadding;
import io.t4j.models.bert.BertModeling.BertLayer;
import io.t4j.models.electra.ElectraModeling.ElectraForPreTraining;
import io.t4j.models.electra.ElectraModeling.ElectraForSequenceClassification;
import io.t4j.models.electra.ElectraModeling.ElectraModel;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.Parity;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * ELECTRA against HF transformers 4.46.1, fp32: ElectraForSequenceClassification (fixtures/electra-seqcls) and the
 * discriminator ElectraForPreTraining (fixtures/electra-disc), both with embedding_size 16 projected to hidden 32 by
 * {@code embeddings_project}, loaded through the Auto classes. Hidden states on real positions (t4j's encoders skip
 * padding); the discriminator's loss is BCE over the 21 real positions, so its padded logits are not compared either.
 */
class ElectraParityTest {

    @Test
    void sequenceClassificationHiddenStatesLogitsAndLossMatchHf() {
        Fixture fx = Fixture.load("electra-seqcls");
        try (PointerScope scope = new PointerScope()) {
            var model = AutoModelForSequenceClassification.fromPretrained(fx.dir());
            assertThat(model).isInstanceOf(ElectraForSequenceClassification.class);
            System.out.println("electra-seqcls forward:");
            hiddenStatesMatch(fx, ((ElectraForSequenceClassification) model).electra);
            var out = model.forward(fx.inputs(true));
            Parity.assertClose("logits", out.logits(), fx.tensor("outputs.logits"), 1e-5, null);
            Parity.assertRelClose("loss", out.loss().item_double(), fx.number("outputs.loss"), 1e-6);
            model.forward(fx.inputs(true)).loss().backward();
            Parity.assertGradientsMatch(model, fx);
        }
    }

    @Test
    void discriminatorLogitsLossAndGradientsMatchHf() {
        Fixture fx = Fixture.load("electra-disc");
        try (PointerScope scope = new PointerScope()) {
            var model = AutoModelForPreTraining.fromPretrained(fx.dir());
            assertThat(model).isInstanceOf(ElectraForPreTraining.class);
            System.out.println("electra-disc forward:");
            hiddenStatesMatch(fx, ((ElectraForPreTraining) model).electra);
            var out = (ElectraModeling.ElectraForPreTrainingOutput) model.forward(fx.inputs(true));
            Tensor real = fx.tensor("inputs.attention_mask").to(org.bytedeco.pytorch.global.torch.ScalarType.Float); // [B,T]
            Parity.assertClose("logits [3,10] (real positions)", out.logits(), fx.tensor("outputs.logits"), 1e-5, real);
            Parity.assertRelClose("loss (BCE over 21 real positions)", out.loss().item_double(), fx.number("outputs.loss"), 1e-6);
            model.forward(fx.inputs(true)).loss().backward();
            Parity.assertGradientsMatch(model, fx);
        }
    }

    /** Embeddings before and after embeddings_project, each layer, and the base model's output, on real positions. */
    private static void hiddenStatesMatch(Fixture fx, ElectraModel electra) {
        ModelInputs in = fx.inputs(false);
        Tensor real = fx.realPositions();
        Tensor e = electra.embeddings.forward(in.inputIds(), in.tokenTypeIds());
        Parity.assertClose("embeddings before embeddings_project [B,T,16]", e, fx.tensor("outputs.embeddings_output_before_project"), 1e-5, real);
        Tensor h = electra.embeddingsProject.forward(e);
        Parity.assertClose("hidden_states[0] (after embeddings_project)", h, fx.tensor("outputs.hidden_states.0"), 1e-5, real);
        Unpadding u = Unpadding.of(in.attentionMask(), in.inputIds());
        int i = 1;
        for (BertLayer layer : electra.encoder.layer) {
            h = u.padInput(layer.forward(u.unpadInput(h), u));
            Parity.assertClose("hidden_states[" + i + "]", h, fx.tensor("outputs.hidden_states." + i++), 1e-5, real);
        }
        Parity.assertClose("last_hidden_state", electra.forward(in).lastHiddenState(), fx.tensor("outputs.last_hidden_state"), 1e-5, real);
    }
}
