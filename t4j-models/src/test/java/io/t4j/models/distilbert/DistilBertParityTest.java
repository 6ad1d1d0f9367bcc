package io.t4j.models.distilbert;

import io.t4j.models.Unpadding;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.distilbert.DistilBertModeling.DistilBertForSequenceClassification;
import io.t4j.models.distilbert.DistilBertModeling.TransformerBlock;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.Parity;
import io.t4j.models.ModelInputs;
import io.t4j.models.testing.Tolerances;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** DistilBertForSequenceClassification against HF transformers 4.46.1 (fixtures/distilbert-seqcls), fp32. */
class DistilBertParityTest {
    private final Fixture fx = Fixture.load("distilbert-seqcls");

    @Test
    void hiddenStatesLogitsAndLossMatchHf() {
        try (PointerScope scope = new PointerScope()) {
            var model = DistilBertForSequenceClassification.fromPretrained(fx.dir(), PretrainedOptions.defaults());
            ModelInputs in = fx.inputs(true);
            Tensor real = fx.realPositions();
            System.out.println("distilbert-seqcls forward:");
            Tensor h = model.distilbert.embeddings.forward(in.inputIds());
            Parity.assertClose("hidden_states[0] (embeddings)", h, fx.tensor("outputs.hidden_states.0"), Tolerances.ENCODER_HIDDEN_ABS, real);
            Unpadding u = Unpadding.of(in.attentionMask(), in.inputIds());
            int i = 1;
            for (TransformerBlock block : model.distilbert.transformer.layer) {
                h = u.padInput(block.forward(u.unpadInput(h), u));
                Parity.assertClose("hidden_states[" + i + "]", h, fx.tensor("outputs.hidden_states." + i++), Tolerances.ENCODER_HIDDEN_ABS, real);
            }
            var out = model.forward(in);
            Parity.assertClose("logits", out.logits(), fx.tensor("outputs.logits"), Tolerances.ENCODER_LOGITS_ABS, null);
            Parity.assertRelClose("loss", out.loss().item_double(), fx.number("outputs.loss"), Tolerances.LOSS_REL);
        }
    }

    @Test
    void everyGradientMatchesHf() {
        try (PointerScope scope = new PointerScope()) {
            var model = DistilBertForSequenceClassification.fromPretrained(fx.dir(), PretrainedOptions.defaults());
            model.forward(fx.inputs(true)).loss().backward();
            Parity.assertGradientsMatch(model, fx);
        }
    }

    /** Loaded frozen for inference, as the CLI and server load it (q/k/v fused into one GEMM, oneDNN packed weights). */
    @Test
    void frozenInferenceLoadMatchesHf() {
        try (PointerScope scope = new PointerScope(); InferenceMode inference = new InferenceMode()) {
            var model = DistilBertForSequenceClassification.fromPretrained(fx.dir(), PretrainedOptions.defaults().withZeroCopy(true));
            ModelInputs in = fx.inputs(true);
            System.out.println("distilbert-seqcls forward, frozen for inference:");
            Parity.assertClose("last_hidden_state", model.distilbert.forward(in).lastHiddenState(),
                    fx.tensor("outputs.last_hidden_state"), Tolerances.ENCODER_HIDDEN_ABS, fx.realPositions());
            Parity.assertClose("logits", model.forward(in).logits(), fx.tensor("outputs.logits"), Tolerances.ENCODER_LOGITS_ABS, null);
        }
    }
}
