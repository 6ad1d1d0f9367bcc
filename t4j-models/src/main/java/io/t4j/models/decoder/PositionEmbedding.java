package io.t4j.models.decoder;

/** A rotary embedding: cos and sin for the given positions (HF's {@code *RotaryEmbedding.forward(x, position_ids)}). */
public interface PositionEmbedding {
    /** x [B,T,C] (for its dtype), position_ids [B|1,T] → cos, sin [B|1,T,D] in x's dtype. */
    CosSin forward(org.bytedeco.pytorch.Tensor x, org.bytedeco.pytorch.Tensor positionIds);
}
