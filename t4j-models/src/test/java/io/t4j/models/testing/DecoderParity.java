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

    /** Right-padded batch: logits on real positions, loss (relative); see {@link Tolerances}. */
    public static void logitsAndLoss(Fixture fx, CausalLM model) {
        Tensor ids = fx.tensor("inputs.input_ids");
        Tensor mask = fx.tensor("inputs.attention_mask");
        CausalLMOutput out = model.forward(CausalLMInputs.of(ids, mask).withLabels(fx.tensor("inputs.labels")));
        Parity.assertClose("logits (real positions)", out.logits(), fx.tensor("outputs.logits"), Tolerances.DECODER_LOGITS_ABS, fx.realPositions());
        Parity.assertRelClose("loss", out.loss().item_double(), fx.number("outputs.loss"), Tolerances.LOSS_REL);
    }

    /** The left-padded batch with HF's generate() position ids: logits on real positions. */
    public static void leftPadded(Fixture fx, CausalLM model) {
        Tensor ids = fx.tensor("left_padded_forward.input_ids");
        Tensor mask = fx.tensor("left_padded_forward.attention_mask");
        Tensor positions = fx.tensor("left_padded_forward.position_ids");
        Parity.assertClose("left-padded position_ids (computed = HF's)",
                CausalLMInputs.positionIdsFromMask(mask).to(ScalarType.Float), positions.to(ScalarType.Float), 0.0, null);
        CausalLMOutput out = model.forward(CausalLMInputs.of(ids, mask).withPositionIds(positions));
        Tensor real = mask.to(ScalarType.Float).unsqueeze(-1); // [B,T] -> [B,T,1]
        Parity.assertClose("left-padded logits (real positions)", out.logits(), fx.tensor("left_padded_forward.logits"), Tolerances.DECODER_LOGITS_ABS, real);
    }

    /**
     * {@code generate(do_sample=False, max_new_tokens=8, pad_token_id=0, eos_token_id=2, output_scores=True)}, one
     * prompt and a left-padded batch of two: every token identical, every step's scores within {@link Tolerances#GENERATION_SCORES_ABS}.
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
            // exact ids are safe on any machine: HF's smallest greedy margin (top-1 minus top-2 score) in these fixtures
            // is >= 2.7e-3 (fixtures' README), and every step's scores are held within GENERATION_SCORES_ABS below
            assertThat(actual).as(run + " sequences").containsExactly(expected);
            assertThat(out.scores()).hasSize(8);
            for (int step = 0; step < 8; step++) {
                float[] flat = flatten(out.scores().get(step));
                Tensor got = Tensors.fromFloats(flat, out.batchSize(), flat.length / out.batchSize());
                Parity.assertClose(run + " scores (8 steps)", "step " + step, got, fx.tensor(base + ".scores." + step),
                        Tolerances.GENERATION_SCORES_ABS, null);
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
