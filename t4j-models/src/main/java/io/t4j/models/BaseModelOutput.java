package io.t4j.models;

import org.bytedeco.pytorch.Tensor;

/**
 * HF's {@code BaseModelOutputWithPooling}: {@code lastHiddenState} [B,T,C] and, for models with a pooler,
 * {@code poolerOutput} [B,C] (null otherwise).
 */
public record BaseModelOutput(Tensor lastHiddenState, Tensor poolerOutput) {}
