package io.t4j.models.decoder;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/** HF's module-level RoPE functions of modeling_llama.py (copied into qwen2 and phi3): rotate_half and apply_rotary_pos_emb. */
public final class Rope {
    private Rope() {}

    /** Rotated query and key, each [B,H,T,D] / [B,Hkv,T,D]. */
    public record QueryKey(Tensor query, Tensor key) {}

    /** {@code rotate_half}: [x1, x2] → [-x2, x1] on the last dimension (D). */
    public static Tensor rotateHalf(Tensor x) {
        long half = x.size(-1) / 2;
        Tensor x1 = x.narrow(-1, 0, half);    // [..., D/2]
        Tensor x2 = x.narrow(-1, half, half); // [..., D/2]
        return torch.cat(new TensorVector(x2.neg(), x1), -1);
    }

    /** {@code apply_rotary_pos_emb}: q [B,H,T,D], k [B,Hkv,T,D], cos/sin [B,T,D] (unsqueezed at dim 1). */
    public static QueryKey applyRotaryPosEmb(Tensor q, Tensor k, CosSin rope) {
        Tensor cos = rope.cos().unsqueeze(1); // [B,T,D] -> [B,1,T,D]
        Tensor sin = rope.sin().unsqueeze(1); // [B,T,D] -> [B,1,T,D]
        Tensor qEmbed = q.mul(cos).add(rotateHalf(q).mul(sin));
        Tensor kEmbed = k.mul(cos).add(rotateHalf(k).mul(sin));
        return new QueryKey(qEmbed, kEmbed);
    }
}
