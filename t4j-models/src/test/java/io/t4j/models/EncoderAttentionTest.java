package io.t4j.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import io.t4j.models.testing.Parity;
import io.t4j.models.testing.Tolerances;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class EncoderAttentionTest {
    /** q, k and v of {@code shape}, standard normal draws (q's first) in {@code dtype}. */
    private static Tensor[] randomQkv(ScalarType dtype, long... shape) {
        return new Tensor[] {torch.randn(shape).to(dtype), torch.randn(shape).to(dtype), torch.randn(shape).to(dtype)};
    }

    @Test
    void eagerEqualsSdpaWithPaddingAndBf16Follows() {
        Engine.init();
        torch.manual_seed(7);
        Tensor[] qkv = randomQkv(ScalarType.Float, 3, 4, 10, 8);
        Tensor q = qkv[0], k = qkv[1], v = qkv[2];
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
    void eagerScoresWithTheAdditiveMaskEqualScaleThenMaskedFill() {
        Engine.init();
        torch.manual_seed(9);
        Tensor mask = AttentionMasks.padding(Tensors.fromLongs(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, 2, 6), null);
        for (ScalarType dtype : new ScalarType[] {ScalarType.Float, ScalarType.BFloat16}) {
            Tensor[] qkv = randomQkv(dtype, 2, 3, 6, 8);
            Tensor q = qkv[0], k = qkv[1], v = qkv[2];
            // the form before the one-pass mask: cast, scale in place, HF's finfo.min on padding keys, softmax in float32
            boolean fp32 = dtype == ScalarType.Float; // float32 products run as grouped convolutions (BatchedProducts)
            Tensor products = fp32 ? BatchedProducts.queryKey(q, k) : torch.matmul(q, k.transpose(-1, -2));
            Tensor scores = products.to(ScalarType.Float).mul_(new Scalar(1.0 / Math.sqrt(8)));
            scores.masked_fill_(mask.logical_not(), new Scalar(-Float.MAX_VALUE));
            Tensor probs = scores.softmax(-1).to(dtype);
            Tensor expected = fp32 ? BatchedProducts.probsValue(probs, v) : torch.matmul(probs, v);
            double d = Tensors.maxAbsDiff(EncoderAttention.eager(q, k, v, mask, 0.0), expected);
            System.out.printf("%s: one-pass additive mask vs scale + masked_fill max |diff| %.2e%n", dtype, d);
            assertThat(d).isZero(); // x * s + 0 is x * s; finfo.min + x * s rounds back to finfo.min
        }
    }

    @Test
    void bf16WithoutMaskOnASmallGridIsFloat32AttentionRoundedOnce() {
        Engine.init();
        torch.manual_seed(10);
        Tensor[] qkv = randomQkv(ScalarType.BFloat16, 1, 12, 23, 32);
        Tensor qb = qkv[0], kb = qkv[1], vb = qkv[2];
        Tensor exact = EncoderAttention.scaledDotProduct(qb.to(ScalarType.Float), kb.to(ScalarType.Float), vb.to(ScalarType.Float), null, 0.0);
        Tensor small = EncoderAttention.scaledDotProduct(qb, kb, vb, null, 0.0);
        assertThat(Tensors.scalarType(small)).isEqualTo(ScalarType.BFloat16);
        double once = Tensors.maxAbsDiff(small, exact.to(ScalarType.BFloat16));
        double eager = Tensors.maxAbsDiff(EncoderAttention.eager(qb, kb, vb, null, 0.0), exact);
        double rounded = Tensors.maxAbsDiff(small, exact);
        System.out.printf("bf16, 23 tokens, no mask: vs float32 attention %.2e (eager form %.2e)%n", rounded, eager);
        assertThat(once).isZero(); // float32 attention of the bf16 inputs, rounded to bf16 once
        assertThat(rounded).isLessThanOrEqualTo(eager);
        Tensor large = torch.randn(1, 12, 200, 32).to(ScalarType.BFloat16); // past SMALL_GRID: the eager form
        assertThat(Tensors.maxAbsDiff(EncoderAttention.scaledDotProduct(large, large, large, null, 0.0),
                EncoderAttention.eager(large, large, large, null, 0.0))).isZero();
    }

    @Test
    void anUnknownProductsChoiceIsAClearError() {
        Engine.init();
        Tensor q = torch.randn(1, 2, 3, 4);
        System.setProperty("t4j.attention.products", "fast");
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> EncoderAttention.eager(q, q, q, null, 0.0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-Dt4j.attention.products=fast").hasMessageContaining("expected conv or bmm");
        } finally {
            System.clearProperty("t4j.attention.products");
        }
    }

    @Test
    void noMaskEqualsAnAllTrueMask() {
        Engine.init();
        torch.manual_seed(8);
        Tensor[] qkv = randomQkv(ScalarType.Float, 2, 4, 7, 8);
        Tensor q = qkv[0], k = qkv[1], v = qkv[2];
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
