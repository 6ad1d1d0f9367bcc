package io.t4j.models.phi3;

import io.t4j.models.decoder.CausalLMInputs;
import io.t4j.models.decoder.CausalMask;
import io.t4j.models.decoder.CosSin;
import io.t4j.models.phi3.Phi3Modeling.Phi3ForCausalLM;
import io.t4j.models.testing.DecoderParity;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.Parity;
import io.t4j.models.testing.Tolerances;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** Phi3ForCausalLM against HF transformers 4.46.1 (fixtures/phi3: fused qkv_proj and gate_up_proj, GQA 4/2 heads), fp32. */
class Phi3ParityTest {
    private final Fixture fx = Fixture.load("phi3");

    @Test
    void hiddenStatesLogitsAndLossMatchHf() {
        try (PointerScope scope = new PointerScope(); var model = Phi3ForCausalLM.fromPretrained(fx.dir())) {
            System.out.println("phi3 forward:");
            Tensor ids = fx.tensor("inputs.input_ids");
            Tensor mask = fx.tensor("inputs.attention_mask");
            Tensor real = fx.realPositions();
            Tensor h = model.model.embedTokens.forward(ids);
            Parity.assertClose("hidden_states[0] (embeddings)", h, fx.tensor("outputs.hidden_states.0"), Tolerances.DECODER_HIDDEN_ABS, real);
            CosSin rope = model.model.rotaryEmb.forward(h, CausalLMInputs.defaultPositionIds(0, ids.size(1)));
            h = model.model.layers.get(0).forward(h, CausalMask.of(mask, 0, ids.size(1)), rope, null);
            Parity.assertClose("hidden_states[1] (layer 0)", h, fx.tensor("outputs.hidden_states.1"), Tolerances.DECODER_HIDDEN_ABS, real);
            Tensor last = model.model.forward(ids, mask, null, null);
            Parity.assertClose("hidden_states[2] (final norm)", last, fx.tensor("outputs.hidden_states.2"), Tolerances.DECODER_HIDDEN_ABS, real);
            Parity.assertClose("last_hidden_state", last, fx.tensor("outputs.last_hidden_state"), Tolerances.DECODER_HIDDEN_ABS, real);
            DecoderParity.logitsAndLoss(fx, model);
        }
    }

    @Test
    void leftPaddedForwardMatchesHf() {
        try (PointerScope scope = new PointerScope(); var model = Phi3ForCausalLM.fromPretrained(fx.dir())) {
            DecoderParity.leftPadded(fx, model);
        }
    }

    @Test
    void greedyGenerationMatchesHfTokenForTokenWithStepScores() {
        try (PointerScope scope = new PointerScope(); var model = Phi3ForCausalLM.fromPretrained(fx.dir())) {
            System.out.println(fx.name() + " generation:");
            DecoderParity.greedyGeneration(fx, model);
        }
    }

    @Test
    void everyGradientMatchesHf() {
        try (PointerScope scope = new PointerScope(); var model = Phi3ForCausalLM.fromPretrained(fx.dir())) {
            model.forward(CausalLMInputs.of(fx.tensor("inputs.input_ids"), fx.tensor("inputs.attention_mask"))
                    .withLabels(fx.tensor("inputs.labels"))).loss().backward();
            Parity.assertGradientsMatch(model, fx);
        }
    }
}
