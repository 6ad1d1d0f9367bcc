package io.t4j.models.decoder;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import io.t4j.models.testing.Tolerances;
import io.t4j.models.testing.Parity;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** Both attention implementations against HF's reference: repeat_kv then softmax attention, on real query rows. */
class AttentionTest {
    private static Tensor reference(Tensor q, Tensor k, Tensor v, CausalMask m, long nRep) {
        return torch.scaled_dot_product_attention(q, Attention.repeatKv(k, nRep), Attention.repeatKv(v, nRep),
                m.mask() == null ? new TensorOptional() : new TensorOptional(m.mask()), 0.0, m.isCausal(), new DoubleOptional(), false);
    }

    @Test
    void eagerAndSdpaMatchRepeatKvAttentionWithCausalPaddingAndCache() {
        Engine.init();
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(7);
            TensorOptions f32 = new TensorOptions(ScalarType.Float);
            long b = 2, h = 6, hkv = 2, d = 8, past = 3, t = 4;
            Tensor q = torch.randn(new long[] {b, h, t, d}, f32);
            Tensor k = torch.randn(new long[] {b, hkv, past + t, d}, f32);
            Tensor v = torch.randn(new long[] {b, hkv, past + t, d}, f32);
            // row 1 is left-padded by 2: its first query rows that see only padding are excluded from the comparison
            Tensor attentionMask = Tensors.fromLongs(new long[] {1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, b, past + t);
            for (CausalMask mask : new CausalMask[] {CausalMask.of(attentionMask, past, t), CausalMask.of(null, past, t)}) {
                Tensor expected = reference(q, k, v, mask, h / hkv);
                String with = mask.mask() == null ? "cache, no padding" : "cache, left padding";
                Parity.assertClose("eager vs repeat_kv SDPA", with, Attention.eager(q, k, v, mask, h / hkv, 0.0), expected,
                        Tolerances.ATTENTION_ABS, null);
                Parity.assertClose("grouped SDPA vs repeat_kv SDPA", with, Attention.sdpa(q, k, v, mask, h / hkv, 0.0),
                        expected, Tolerances.ATTENTION_ABS, null);
            }
            Tensor q0 = torch.randn(new long[] {b, h, 5, d}, f32); // prefill: SDPA's own causal path
            Tensor k0 = torch.randn(new long[] {b, hkv, 5, d}, f32);
            CausalMask causal = CausalMask.of(null, 0, 5);
            assertThat(causal.isCausal()).isTrue();
            Tensor expected = reference(q0, k0, k0, causal, h / hkv);
            Parity.assertClose("eager vs repeat_kv SDPA", "prefill, causal", Attention.eager(q0, k0, k0, causal, h / hkv, 0.0),
                    expected, Tolerances.ATTENTION_ABS, null);
            Parity.assertClose("grouped SDPA vs repeat_kv SDPA", "prefill, causal", Attention.sdpa(q0, k0, k0, causal, h / hkv, 0.0),
                    expected, Tolerances.ATTENTION_ABS, null);
        }
    }

    @Test
    void bf16UsesEagerWithinBf16RoundingOfTheFloat32Result() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(8);
            TensorOptions f32 = new TensorOptions(ScalarType.Float);
            Tensor q = torch.randn(new long[] {1, 4, 6, 16}, f32);
            Tensor k = torch.randn(new long[] {1, 2, 6, 16}, f32);
            Tensor v = torch.randn(new long[] {1, 2, 6, 16}, f32);
            CausalMask causal = CausalMask.of(null, 0, 6);
            Tensor y = Attention.scaledDotProduct(q.to(ScalarType.BFloat16), k.to(ScalarType.BFloat16),
                    v.to(ScalarType.BFloat16), causal, 2, 0.0);
            assertThat(Tensors.scalarType(y)).isEqualTo(ScalarType.BFloat16);
            Parity.assertClose("eager bf16 vs fp32 SDPA", y, reference(q, k, v, causal, 2), Tolerances.BF16_ATTENTION_ABS, null);
        }
    }
}
