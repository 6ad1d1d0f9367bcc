package io.t4j.models.decoder;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The attention mask of a causal forward, as SDPA takes it: either {@code isCausal} with no tensor (no padding, no
 * past: SDPA's own causal path), no mask at all (one new token, no padding), or a boolean {@code mask} [B|1,1,T,S]
 * that is true where a query may attend. The boolean form equals HF's additive 4-D mask
 * ({@code _prepare_4d_causal_attention_mask_with_cache_position}: 0 where allowed, finfo.min elsewhere).
 */
public record CausalMask(Tensor mask, boolean isCausal) {

    /**
     * The mask for T new tokens after {@code past} cached ones: query i (cache position past+i) sees key j when
     * {@code j <= past + i} and {@code attentionMask[b, j] == 1}.
     *
     * @param attentionMask [B,S] with S = past + T (1 = token, 0 = padding), or null when nothing is padded
     */
    public static CausalMask of(Tensor attentionMask, long past, long t) {
        return of(attentionMask, past, t, null);
    }

    /**
     * As {@link #of(Tensor, long, long)}, and with a sliding window (Mistral/Phi-3 {@code sliding_window}) a query
     * at position p sees only keys j with {@code j > p - slidingWindow}.
     */
    public static CausalMask of(Tensor attentionMask, long past, long t, Integer slidingWindow) {
        long s = past + t;
        boolean windowed = slidingWindow != null && s > slidingWindow;
        if (attentionMask == null && !windowed) {
            if (t == 1) {
                return new CausalMask(null, false);
            }
            if (past == 0) {
                return new CausalMask(null, true);
            }
        }
        if (attentionMask != null && attentionMask.size(1) != s) {
            throw new IllegalArgumentException("attention_mask has " + attentionMask.size(1) + " columns but the "
                    + "cache holds " + past + " tokens and " + t + " are new (expected " + s + ")");
        }
        Tensor cachePosition = torch.arange(new Scalar(past), new Scalar(s), new TensorOptions(ScalarType.Long));
        return ofCachePosition(attentionMask, cachePosition, s, windowed ? slidingWindow : null);
    }

    /**
     * HF's construction from {@code cache_position} [T] (or [1], broadcast over all queries, as HF does when it
     * is handed a single position): key j is allowed for query i when {@code j <= cache_position[i]}, within the
     * sliding window if any ({@code j > cache_position[i] - slidingWindow}), and not padding.
     */
    public static CausalMask ofCachePosition(Tensor attentionMask, Tensor cachePosition, long s, Integer slidingWindow) {
        Tensor keys = torch.arange(new Scalar(s), new TensorOptions(ScalarType.Long)).unsqueeze(0); // [1,S]
        Tensor queries = cachePosition.unsqueeze(1);                                                 // [T] -> [T,1]
        Tensor allowed = keys.le(queries);                                                           // [T,S]
        if (slidingWindow != null) {
            allowed = allowed.logical_and(keys.gt(queries.sub(new Scalar((long) slidingWindow))));
        }
        allowed = allowed.unsqueeze(0).unsqueeze(0);                                                 // [T,S] -> [1,1,T,S]
        if (attentionMask != null) {
            Tensor notPad = attentionMask.to(ScalarType.Bool).unsqueeze(1).unsqueeze(1);              // [B,S] -> [B,1,1,S]
            allowed = allowed.logical_and(notPad);                                                    // [B,1,T,S]
        }
        return new CausalMask(allowed, false);
    }
}
