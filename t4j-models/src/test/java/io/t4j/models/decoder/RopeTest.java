package io.t4j.models.decoder;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import io.t4j.models.llama.LlamaConfig;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** RoPE scaling types against their definitions in HF's modeling_rope_utils.py. */
class RopeTest {
    private static final LlamaConfig BASE = LlamaConfig.of(64, 256, 64, 1, 2, 2); // head_dim 128

    private static float[] invFreq(LlamaConfig c, long seqLen) {
        return Tensors.toFloats(RopeUtils.compute(c, seqLen).invFreq());
    }

    @Test
    void defaultIsThetaToTheMinusTwoIOverD() {
        Engine.init();
        try (PointerScope scope = new PointerScope()) {
            float[] f = invFreq(BASE, 0);
            assertThat(f).hasSize(64);
            for (int i = 0; i < f.length; i++) {
                assertThat((double) f[i]).isCloseTo(Math.pow(10000.0, -2.0 * i / 128), org.assertj.core.data.Offset.offset(1e-7));
            }
        }
    }

    @Test
    void linearDividesEveryFrequencyByTheFactor() {
        try (PointerScope scope = new PointerScope()) {
            float[] plain = invFreq(BASE, 0);
            float[] linear = invFreq(BASE.withRopeScaling(RopeScaling.of("linear", 4.0)), 0);
            for (int i = 0; i < plain.length; i++) {
                assertThat(linear[i]).isEqualTo(plain[i] / 4f); // dividing by a power of two is exact in binary floating point
            }
        }
    }

    @Test
    void llama3KeepsHighFrequenciesDividesLowOnesAndBlendsBetween() {
        try (PointerScope scope = new PointerScope()) {
            LlamaConfig c = BASE.withRopeScaling(RopeScaling.llama3(8.0, 1.0, 4.0, 8192));
            float[] plain = invFreq(BASE, 0);
            float[] scaled = invFreq(c, 0);
            int high = 0;
            int low = 0;
            int medium = 0;
            for (int i = 0; i < plain.length; i++) {
                double wavelen = 2 * Math.PI / plain[i];
                if (wavelen < 8192 / 4.0) {
                    assertThat(scaled[i]).isEqualTo(plain[i]); // kept, not recomputed
                    high++;
                } else if (wavelen > 8192 / 1.0) {
                    assertThat((double) scaled[i]).isCloseTo(plain[i] / 8.0, org.assertj.core.data.Percentage.withPercentage(1e-4));
                    low++;
                } else {
                    assertThat(scaled[i]).isBetween(plain[i] / 8f, plain[i]);
                    medium++;
                }
            }
            assertThat(high).isPositive();
            assertThat(low).isPositive();
            assertThat(medium).isPositive();
        }
    }

    @Test
    void dynamicGrowsTheBaseBeyondMaxPositionsAndResetsForShortSequences() {
        try (PointerScope scope = new PointerScope()) {
            LlamaConfig c = BASE.withRopeScaling(RopeScaling.of("dynamic", 2.0)); // max_position_embeddings 2048
            RotaryEmbedding rope = new RotaryEmbedding(c);
            Tensor x = io.t4j.engine.Tensors.fromFloats(new float[] {0f}, 1, 1, 1);
            float[] initial = Tensors.toFloats(rope.invFreq());
            assertThat(initial).containsExactly(invFreq(BASE, 0)); // the same computation (RopeUtils.defaultInvFreq)
            rope.forward(x, CausalLMInputs.defaultPositionIds(4095, 1)); // seq_len 4096 = 2 x max
            float[] grown = Tensors.toFloats(rope.invFreq());
            double base = 10000.0 * Math.pow(2.0 * 4096 / 2048 - 1, 128.0 / 126);
            assertThat((double) grown[1]).isCloseTo(Math.pow(base, -2.0 / 128), org.assertj.core.data.Percentage.withPercentage(1e-4));
            rope.forward(x, CausalLMInputs.defaultPositionIds(10, 1));  // shorter than max: back to the original
            assertThat(Tensors.toFloats(rope.invFreq())).containsExactly(initial); // restored, not recomputed
        }
    }

    @Test
    void cosSinAreScaledAndCastToTheActivationDtype() {
        try (PointerScope scope = new PointerScope()) {
            Tensor invFreq = RopeUtils.defaultInvFreq(10000.0, 8);
            CosSin cs = RotaryEmbedding.cosSin(invFreq, CausalLMInputs.defaultPositionIds(0, 3), 2.0, ScalarType.BFloat16);
            assertThat(Tensors.shape(cs.cos())).containsExactly(1, 3, 8);
            assertThat(Tensors.scalarType(cs.sin())).isEqualTo(ScalarType.BFloat16);
            assertThat(Tensors.toFloats(cs.cos())[0]).isEqualTo(2.0f); // position 0: cos 0 = 1, times 2
        }
    }
}
