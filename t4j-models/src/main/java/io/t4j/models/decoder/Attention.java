package io.t4j.models.decoder;

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
 * Grouped-query causal attention with scale {@code head_dim^-0.5}, as HF's decoder families compute it.
 *
 * <p>Two implementations, chosen by dtype (measured on libtorch 2.10 CPU, see BENCHMARKS.md):
 * <ul>
 *   <li>float32: {@code scaled_dot_product_attention} with {@code enable_gqa} (HF's "sdpa"); faster than
 *       materialising {@link #repeatKv} copies, and equal to it within float32 rounding.</li>
 *   <li>bf16/fp16: HF's {@code eager_attention_forward} (scores in the model dtype, softmax in float32), with the
 *       query heads of each key/value head folded into one matmul instead of repeating keys and values. libtorch's
 *       CPU SDPA kernel was 10x slower than this in bf16 here.</li>
 * </ul>
 * {@code -Dt4j.attention=sdpa|eager} forces one. Padding-only query rows (left padding) attend uniformly in eager
 * (HF's finfo.min mask) and get zeros in SDPA; both are ignored downstream.
 */
public final class Attention {
    private static final String FORCED = System.getProperty("t4j.attention", "auto");

    private Attention() {}

    /**
     * {@code repeat_kv}: [B,Hkv,S,D] → [B,Hkv*nRep,S,D], each key/value head repeated for its group of query heads
     * (as {@code repeat_interleave(x, nRep, dim=1)}).
     */
    public static Tensor repeatKv(Tensor x, long nRep) {
        if (nRep == 1) {
            return x;
        }
        long b = x.size(0);
        long hkv = x.size(1);
        long s = x.size(2);
        long d = x.size(3);
        return x.unsqueeze(2).expand(b, hkv, nRep, s, d) // [B,Hkv,S,D] -> [B,Hkv,1,S,D] -> [B,Hkv,nRep,S,D]
                .reshape(b, hkv * nRep, s, d);            // -> [B,H,S,D]
    }

    /** q [B,H,T,D], k/v [B,Hkv,S,D], mask → [B,H,T,D]. */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, CausalMask mask, long nRep, double dropout) {
        boolean reduced = Tensors.scalarType(q) != ScalarType.Float && Tensors.scalarType(q) != ScalarType.Double;
        boolean eager = FORCED.equals("eager") || (FORCED.equals("auto") && reduced);
        return eager ? eager(q, k, v, mask, nRep, dropout) : sdpa(q, k, v, mask, nRep, dropout);
    }

    /** SDPA with enable_gqa (HF's "sdpa" attention). */
    public static Tensor sdpa(Tensor q, Tensor k, Tensor v, CausalMask mask, long nRep, double dropout) {
        TensorOptional m = mask.mask() == null ? new TensorOptional() : new TensorOptional(mask.mask());
        return torch.scaled_dot_product_attention(q, k, v, m, dropout, mask.isCausal(), new DoubleOptional(), nRep > 1);
    }

    /**
     * HF's {@code eager_attention_forward} with the nRep query heads that share a key/value head stacked along T:
     * q [B,H,T,D] → [B,Hkv,nRep*T,D], one matmul per key/value head, no repeated keys or values.
     */
    public static Tensor eager(Tensor q, Tensor k, Tensor v, CausalMask mask, long nRep, double dropout) {
        long b = q.size(0);
        long h = q.size(1);
        long t = q.size(2);
        long d = q.size(3);
        long hkv = k.size(1);
        long s = k.size(2);
        Tensor qg = q.reshape(b, hkv, nRep * t, d);                                               // [B,H,T,D] -> [B,Hkv,nRep*T,D]
        Tensor scores = torch.matmul(qg, k.transpose(2, 3)).to(ScalarType.Float)                  // k^T [B,Hkv,D,S]
                .mul(new Scalar(1.0 / Math.sqrt(d)));                                              // [B,Hkv,nRep*T,S]
        Tensor allowed = mask.mask();
        if (allowed == null && mask.isCausal()) {
            allowed = torch.ones(new long[] {t, s}, new TensorOptions(ScalarType.Bool)).tril(s - t); // [T,S]
        }
        if (allowed != null) {
            Tensor blocked = allowed.logical_not().view(-1, 1, 1, t, s);                           // [B|1,1,T,S] -> [B|1,1,1,T,S]
            scores = scores.view(b, hkv, nRep, t, s)                                                // [B,Hkv,nRep,T,S]
                    .masked_fill(blocked, new Scalar(-Float.MAX_VALUE))
                    .view(b, hkv, nRep * t, s);                                                     // [B,Hkv,nRep*T,S]
        }
        Tensor probs = Dropout.dropout(scores.softmax(-1).to(q.scalar_type().intern()), dropout);
        return torch.matmul(probs, v).view(b, h, t, d);                                          // [B,Hkv,nRep*T,D] -> [B,H,T,D]
    }
}
