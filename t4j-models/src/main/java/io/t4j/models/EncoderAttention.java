package io.t4j.models;

import io.t4j.engine.Tensors;
import io.t4j.engine.nn.Dropout;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Bidirectional attention with a padding mask, for the encoder families (HF's "sdpa" and "eager" implementations
 * of BertSelfAttention and friends), chosen by what libtorch 2.10's CPU kernels do fastest (measured in
 * BENCHMARKS.md, B=32, H=12, D=32):
 * <ul>
 *   <li>float32 without dropout (inference, evaluation): {@code scaled_dot_product_attention} with the boolean
 *       mask, which runs SDPA's fused CPU kernel: 1.7 ms forward+backward at T=16 against 5.0 ms for
 *       matmul-softmax-matmul.</li>
 *   <li>with dropout on the probabilities (training): the eager form. SDPA's fused kernel has no dropout, so SDPA
 *       falls back to its math path, which is this eager form plus a mask conversion and a "safe" softmax (three
 *       more passes over [B,H,T,T]) and libtorch's slower dropout.</li>
 *   <li>bf16/fp16 (bf16 weights, or fp32 weights under autocast): the eager form, scores in the compute dtype and
 *       softmax in float32: 4.2 ms against SDPA's 41 ms at T=16, 7.7 ms against 202 ms at T=40.</li>
 *   <li>bf16/fp16 without mask and dropout on a small score grid (a sentence at a time: B·H·T² up to
 *       {@link #SMALL_GRID}, 12 heads at 128 tokens): q, k and v cast to float32 and SDPA's float32 kernel, the
 *       result cast back. Fewer and cheaper calls than the eager form (one sentence of 23 tokens: 0.05 against
 *       0.11 ms per layer; equal at 128 tokens, 3.5x slower at 256), and no less precise.</li>
 * </ul>
 * In float32 the eager form's two products run as grouped convolutions ({@link BatchedProducts}: parallel on
 * oneDNN, where libtorch's float32 {@code bmm} here is serial); {@code -Dt4j.attention.products=bmm|conv} picks one.
 * {@code -Dt4j.attention=sdpa|eager} forces one; both match HF within float rounding.
 */
public final class EncoderAttention {
    /** The largest score grid B·H·Tq·Tk that bf16/fp16 attention without a mask runs through float32 SDPA. */
    static final long SMALL_GRID = 12L * 128 * 128;

    private EncoderAttention() {}

    /**
     * q, k, v [B,H,T,D], mask [B,1,1,T] (true = attend; null = no padding) → [B,H,T,D]; dropout on the probabilities
     * when {@code dropout > 0}.
     */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor mask, double dropout) {
        ScalarType t = Tensors.scalarType(q);
        boolean reduced = t != ScalarType.Float && t != ScalarType.Double;
        String forced = System.getProperty("t4j.attention", "auto");
        boolean sdpa = forced.equals("sdpa") || (forced.equals("auto") && !reduced && dropout == 0);
        if (reduced && forced.equals("auto") && dropout == 0 && mask == null
                && q.size(0) * q.size(1) * q.size(2) * k.size(2) <= SMALL_GRID) {
            Tensor y = torch.scaled_dot_product_attention(q.to(ScalarType.Float), k.to(ScalarType.Float),
                    v.to(ScalarType.Float), new TensorOptional(), 0.0, false, new DoubleOptional(), false);
            return y.to(t);                                                                 // [B,H,T,D]
        }
        if (!sdpa) {
            return eager(q, k, v, mask, dropout);
        }
        return torch.scaled_dot_product_attention(q, k, v, mask == null ? new TensorOptional() : new TensorOptional(mask),
                dropout, false, new DoubleOptional(), false);
    }

    /**
     * HF's eager attention: softmax(q k^T / sqrt(D) + mask) v, the scaled scores and the softmax in float32. With a
     * mask, scaling, masking and the cast to float32 are one pass over the score grid: the additive mask (0, or
     * HF's finfo.min on padding keys) plus the scaled scores; a padding key's score stays finfo.min, as after
     * HF's addition.
     */
    static Tensor eager(Tensor q, Tensor k, Tensor v, Tensor mask, double dropout) {
        boolean conv = Tensors.scalarType(q) == ScalarType.Float && !bmmProducts();
        Tensor products = conv ? BatchedProducts.queryKey(q, k) : torch.matmul(q, k.transpose(-1, -2)); // k^T [B,H,D,T] -> [B,H,T,T]
        Scalar scale = new Scalar(1.0 / Math.sqrt(q.size(-1)));
        Tensor scores = mask == null
                ? products.to(ScalarType.Float).mul_(scale)
                : additiveMask(mask).add(products, scale);                                // [B,H,T,T] float32
        Tensor probs = Dropout.dropout(scores.softmax(-1).to(q.scalar_type().intern()), dropout);
        return conv ? BatchedProducts.probsValue(probs, v) : torch.matmul(probs, v);       // [B,H,T,D]
    }

    /** {@code -Dt4j.attention.products=bmm}: float32 products through libtorch's bmm ({@code conv}, the default: grouped convolutions). */
    private static boolean bmmProducts() {
        String products = System.getProperty("t4j.attention.products", "conv");
        return switch (products) {
            case "bmm" -> true;
            case "conv" -> false;
            default -> throw new IllegalArgumentException("-Dt4j.attention.products=" + products
                    + " is not a choice for float32 attention products (expected conv or bmm)");
        };
    }

    /** A boolean mask (true = attend) as float32 additive terms: 0 where true, finfo(float32).min where false. */
    static Tensor additiveMask(Tensor mask) {
        return torch.zeros(mask.sizes(), new TensorOptions(ScalarType.Float))
                .masked_fill_(mask.logical_not(), new Scalar(-Float.MAX_VALUE));
    }
}
