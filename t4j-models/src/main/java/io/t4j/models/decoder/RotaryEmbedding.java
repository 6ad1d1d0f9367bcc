package io.t4j.models.decoder;

import io.t4j.engine.nn.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * HF's {@code LlamaRotaryEmbedding} (models/llama/modeling_llama.py v4.46.1; Qwen2's is a copy): cos and sin of
 * {@code position * inv_freq}, with inv_freq from {@link RopeUtils} for the config's rope_scaling type.
 *
 * <p>For "dynamic" it keeps HF's state: inv_freq is recomputed when a longer sequence than any seen before arrives,
 * and reset when a sequence shorter than max_position_embeddings follows a longer one. It has no parameters
 * ({@code inv_freq} is a non-persistent buffer), so it adds no checkpoint keys.
 */
public final class RotaryEmbedding extends Module implements PositionEmbedding {
    private final DecoderConfig config;
    private final boolean dynamic;
    private final long originalMaxSeqLen;
    private final Tensor originalInvFreq;
    private Tensor invFreq;
    private double attentionScaling;
    private long maxSeqLenCached;

    public RotaryEmbedding(DecoderConfig config) {
        this.config = config;
        RopeUtils.RopeParameters p = RopeUtils.compute(config, 0);
        this.originalInvFreq = p.invFreq();
        this.originalInvFreq.retainReference(); // a buffer: lives as long as the model
        this.invFreq = originalInvFreq;
        this.attentionScaling = p.attentionScaling();
        this.dynamic = config.ropeScaling() != null && config.ropeScaling().ropeTypeName().contains("dynamic");
        this.maxSeqLenCached = config.maxPositionEmbeddings();
        this.originalMaxSeqLen = config.maxPositionEmbeddings();
    }

    /** The current inv_freq, float32 [D/2]. */
    public Tensor invFreq() {
        return invFreq;
    }

    @Override
    public CosSin forward(Tensor x, Tensor positionIds) {
        if (dynamic) {
            dynamicFrequencyUpdate(positionIds);
        }
        return cosSin(invFreq, positionIds, attentionScaling, x.scalar_type().intern());
    }

    /**
     * {@code freqs = position_ids[:, :, None] * inv_freq}, {@code emb = cat(freqs, freqs)}, then cos and sin times
     * the attention scaling, computed in float32 and cast to {@code dtype}.
     */
    public static CosSin cosSin(Tensor invFreq, Tensor positionIds, double scaling, ScalarType dtype) {
        Tensor freqs = positionIds.to(ScalarType.Float).unsqueeze(-1).mul(invFreq); // [B,T,1] * [D/2] -> [B,T,D/2]
        Tensor emb = torch.cat(new TensorVector(freqs, freqs), -1);              // [B,T,D]
        Tensor cos = emb.cos();
        Tensor sin = emb.sin();
        if (scaling != 1.0) {
            cos = cos.mul(new Scalar(scaling));
            sin = sin.mul(new Scalar(scaling));
        }
        return new CosSin(cos.to(dtype), sin.to(dtype));
    }

    /** HF's {@code _dynamic_frequency_update}. */
    private void dynamicFrequencyUpdate(Tensor positionIds) {
        long seqLen = positionIds.max().item_long() + 1;
        if (seqLen > maxSeqLenCached) {
            RopeUtils.RopeParameters p = RopeUtils.compute(config, seqLen);
            replaceInvFreq(p.invFreq());
            attentionScaling = p.attentionScaling();
            maxSeqLenCached = seqLen;
        }
        if (seqLen < originalMaxSeqLen && maxSeqLenCached > originalMaxSeqLen) {
            replaceInvFreq(originalInvFreq);
            maxSeqLenCached = originalMaxSeqLen;
        }
    }

    private void replaceInvFreq(Tensor next) {
        next.retainReference();
        if (invFreq != originalInvFreq) {
            invFreq.releaseReference();
        }
        invFreq = next;
        if (next == originalInvFreq) {
            next.releaseReference(); // the original keeps its single reference
        }
    }
}
