package io.t4j.models.testing;

import io.t4j.models.decoder.CausalLM;
import io.t4j.models.decoder.CausalLMInputs;
import io.t4j.models.decoder.CausalLMOutput;
import io.t4j.models.generation.GenerateOutput;
import io.t4j.models.generation.GenerationConfig;
import io.t4j.models.generation.Generator;
import io.t4j.engine.Tensors;
import java.util.List;
import static org.assertj.core.api.Assertions.assertThat;
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

    /**
     * {@code generate(do_sample=False, max_new_tokens=8, pad_token_id=0, eos_token_id=2, output_scores=True)}, one
     * prompt and a left-padded batch of two: every token identical, every step's scores within 1e-5.
     */
    public static void greedyGeneration(Fixture fx, CausalLM model) {
        GenerationConfig config = GenerationConfig.greedy(8, List.of(2)).withPadTokenId(0).withOutputScores(true);
        for (String run : List.of("unpadded", "left_padded_batch")) {
            String base = "generation." + run;
            Tensor ids = fx.tensor(base + ".input_ids");
            Tensor mask = fx.has(base + ".attention_mask") ? fx.tensor(base + ".attention_mask") : null;
            GenerateOutput out = new Generator(model).generate(ids, mask, config);
            long[] expected = Tensors.toLongs(fx.tensor(base + ".sequences"));
            long[] actual = java.util.Arrays.stream(out.sequences()).flatMapToLong(java.util.Arrays::stream).toArray();
            System.out.println("  " + run + " sequences: " + java.util.Arrays.toString(actual));
            assertThat(actual).as(run + " sequences").containsExactly(expected);
            assertThat(out.scores()).hasSize(8);
            for (int step = 0; step < 8; step++) {
                float[] flat = flatten(out.scores().get(step));
                Tensor got = Tensors.fromFloats(flat, out.batchSize(), flat.length / out.batchSize());
                Parity.assertClose(run + " scores[" + step + "]", got, fx.tensor(base + ".scores." + step), 1e-5, null);
            }
        }
    }

    private static float[] flatten(float[][] rows) {
        int v = rows[0].length;
        float[] out = new float[rows.length * v];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * v, v);
        }
        return out;
    }
}
