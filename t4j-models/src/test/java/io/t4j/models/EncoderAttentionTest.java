package io.t4j.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import io.t4j.models.testing.Parity;
import io.t4j.models.testing.Tolerances;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class EncoderAttentionTest {
    @Test
    void eagerEqualsSdpaWithPaddingAndBf16Follows() {
        Engine.init();
        torch.manual_seed(7);
        Tensor q = torch.randn(3, 4, 10, 8);
        Tensor k = torch.randn(3, 4, 10, 8);
        Tensor v = torch.randn(3, 4, 10, 8);
        Tensor mask = AttentionMasks.padding(Tensors.fromLongs(new long[] {
                1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                1, 1, 1, 1, 1, 1, 1, 0, 0, 0,
                1, 1, 1, 1, 0, 0, 0, 0, 0, 0}, 3, 10), null);
        Tensor sdpa = EncoderAttention.scaledDotProduct(q, k, v, mask, 0.0);
        Tensor eager = EncoderAttention.eager(q, k, v, mask, 0.0);
        Parity.assertClose("SDPA vs eager attention, fp32", sdpa, eager, Tolerances.ATTENTION_ABS, null);
        Tensor bf16 = EncoderAttention.scaledDotProduct(q.to(ScalarType.BFloat16), k.to(ScalarType.BFloat16),
                v.to(ScalarType.BFloat16), mask, 0.0);
        assertThat(Tensors.scalarType(bf16)).isEqualTo(ScalarType.BFloat16);
        Parity.assertClose("SDPA bf16 vs fp32", bf16, sdpa, Tolerances.BF16_ATTENTION_ABS, null);
    }

    @Test
    void noMaskEqualsAnAllTrueMask() {
        Engine.init();
        torch.manual_seed(8);
        Tensor q = torch.randn(2, 4, 7, 8);
        Tensor k = torch.randn(2, 4, 7, 8);
        Tensor v = torch.randn(2, 4, 7, 8);
        Tensor all = AttentionMasks.padding(null, torch.ones(2, 7).to(ScalarType.Long));
        for (boolean eager : new boolean[] {false, true}) {
            Tensor masked = eager ? EncoderAttention.eager(q, k, v, all, 0.0) : EncoderAttention.scaledDotProduct(q, k, v, all, 0.0);
            Tensor free = eager ? EncoderAttention.eager(q, k, v, null, 0.0) : EncoderAttention.scaledDotProduct(q, k, v, null, 0.0);
            double d = Tensors.maxAbsDiff(masked, free);
            System.out.printf("%s: unmasked vs all-true mask max |diff| %.2e%n", eager ? "eager" : "sdpa", d);
            assertThat(d).isLessThan(1e-6); // the same softmax; SDPA's kernel may order the sums differently
        }
    }
}
