package io.t4j.models.testing;

import io.t4j.models.decoder.CausalLM;
import io.t4j.models.decoder.CausalLMInputs;
import io.t4j.models.decoder.CausalLMOutput;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** The checks every decoder fixture (llama, qwen2, phi3, phi3-longrope) shares; see fixtures/README.md. */
public final class DecoderParity {
    private DecoderParity() {}

    /** Right-padded batch: logits on real positions within 1e-5, loss within 1e-6 relative. */
    public static void logitsAndLoss(Fixture fx, CausalLM model) {
        Tensor ids = fx.tensor("inputs.input_ids");
        Tensor mask = fx.tensor("inputs.attention_mask");
        CausalLMOutput out = model.forward(CausalLMInputs.of(ids, mask).withLabels(fx.tensor("inputs.labels")));
        Parity.assertClose("logits (real positions)", out.logits(), fx.tensor("outputs.logits"), 1e-5, fx.realPositions());
        Parity.assertRelClose("loss", out.loss().item_double(), fx.number("outputs.loss"), 1e-6);
    }

    /** The left-padded batch with HF's generate() position ids: logits on real positions within 1e-5. */
    public static void leftPadded(Fixture fx, CausalLM model) {
        Tensor ids = fx.tensor("left_padded_forward.input_ids");
        Tensor mask = fx.tensor("left_padded_forward.attention_mask");
        Tensor positions = fx.tensor("left_padded_forward.position_ids");
        Parity.assertClose("left-padded position_ids (computed = HF's)",
                CausalLMInputs.positionIdsFromMask(mask).to(ScalarType.Float), positions.to(ScalarType.Float), 0.0, null);
        CausalLMOutput out = model.forward(CausalLMInputs.of(ids, mask).withPositionIds(positions));
        Tensor real = mask.to(ScalarType.Float).unsqueeze(-1); // [B,T] -> [B,T,1]
        Parity.assertClose("left-padded logits (real positions)", out.logits(), fx.tensor("left_padded_forward.logits"), 1e-5, real);
    }
}
