package io.t4j.models.decoder;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Grouped-query attention as HF's decoder families compute it: {@code repeat_kv} and causal scaled dot-product
 * attention with scale {@code head_dim^-0.5} (HF's "sdpa" implementation; the fixtures' "eager" one agrees within
 * float32 rounding).
 */
public final class Attention {
    /**
     * Whether GQA uses SDPA's {@code enable_gqa} instead of materialising repeated keys/values with
     * {@link #repeatKv}. Measured on libtorch 2.10 CPU (see BENCHMARKS.md): the repeat is at least as fast, so it is
     * the default; {@code -Dt4j.sdpa.enableGqa=true} switches.
     */
    public static final boolean ENABLE_GQA = Boolean.getBoolean("t4j.sdpa.enableGqa");

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
        boolean gqa = ENABLE_GQA && nRep > 1;
        if (!gqa) {
            k = repeatKv(k, nRep);
            v = repeatKv(v, nRep);
        }
        TensorOptional m = mask.mask() == null ? new TensorOptional() : new TensorOptional(mask.mask());
        return torch.scaled_dot_product_attention(q, k, v, m, dropout, mask.isCausal(), new DoubleOptional(), gqa);
    }
}
