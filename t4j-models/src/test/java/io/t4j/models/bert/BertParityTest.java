package io.t4j.models.bert;

import io.t4j.models.Unpadding;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.SequenceClassifierOutput;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.models.bert.BertModeling.BertLayer;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.Parity;
import io.t4j.models.ModelInputs;
import io.t4j.models.testing.Tolerances;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** BertForSequenceClassification against HF transformers 4.46.1 (fixtures/bert-seqcls), fp32. */
class BertParityTest {
    private final Fixture fx = Fixture.load("bert-seqcls");

    @Test
    void hiddenStatesPoolerLogitsAndLossMatchHf() {
        try (PointerScope scope = new PointerScope()) {
            var model = BertForSequenceClassification.fromPretrained(fx.dir(), PretrainedOptions.defaults());
            ModelInputs in = fx.inputs(true);
            Tensor real = fx.realPositions();
            System.out.println("bert-seqcls forward:");

            Tensor h = model.bert.embeddings.forward(in.inputIds(), in.tokenTypeIds());
            Parity.assertClose("hidden_states[0] (embeddings)", h, fx.tensor("outputs.hidden_states.0"), Tolerances.ENCODER_HIDDEN_ABS, real);
            Unpadding u = Unpadding.of(in.attentionMask(), in.inputIds());
            int i = 1;
            for (BertLayer layer : model.bert.encoder.layer) {
                h = u.padInput(layer.forward(u.unpadInput(h), u));
                Parity.assertClose("hidden_states[" + i + "]", h, fx.tensor("outputs.hidden_states." + i++), Tolerances.ENCODER_HIDDEN_ABS, real);
            }
            var base = model.bert.forward(in);
            Parity.assertClose("last_hidden_state", base.lastHiddenState(), fx.tensor("outputs.last_hidden_state"), Tolerances.ENCODER_HIDDEN_ABS, real);
            Parity.assertClose("pooler_output", base.poolerOutput(), fx.tensor("outputs.pooler_output"), Tolerances.ENCODER_HIDDEN_ABS, null);

            SequenceClassifierOutput out = model.forward(in);
            Parity.assertClose("logits", out.logits(), fx.tensor("outputs.logits"), Tolerances.ENCODER_LOGITS_ABS, null);
            Parity.assertRelClose("loss", out.loss().item_double(), fx.number("outputs.loss"), Tolerances.LOSS_REL);
        }
    }

    @Test
    void everyGradientMatchesHf() {
        try (PointerScope scope = new PointerScope()) {
            var model = BertForSequenceClassification.fromPretrained(fx.dir(), PretrainedOptions.defaults());
            model.forward(fx.inputs(true)).loss().backward();
            Parity.assertGradientsMatch(model, fx);
        }
    }

    /** Loaded frozen for inference, as the CLI and server load it (q/k/v fused into one GEMM, oneDNN packed weights). */
    @Test
    void frozenInferenceLoadMatchesHf() {
        try (PointerScope scope = new PointerScope(); InferenceMode inference = new InferenceMode()) {
            var model = BertForSequenceClassification.fromPretrained(fx.dir(), PretrainedOptions.defaults().withZeroCopy(true));
            ModelInputs in = fx.inputs(true);
            System.out.println("bert-seqcls forward, frozen for inference:");
            Parity.assertClose("last_hidden_state", model.bert.forward(in).lastHiddenState(),
                    fx.tensor("outputs.last_hidden_state"), Tolerances.ENCODER_HIDDEN_ABS, fx.realPositions());
            Parity.assertClose("logits", model.forward(in).logits(), fx.tensor("outputs.logits"), Tolerances.ENCODER_LOGITS_ABS, null);
        }
    }
}
