package io.t4j.models.decoder;

import org.bytedeco.pytorch.Tensor;

/** HF's {@code position_embeddings}: the rotary cos and sin, each [B,T,D], in the activations' dtype. */
public record CosSin(Tensor cos, Tensor sin) {}
