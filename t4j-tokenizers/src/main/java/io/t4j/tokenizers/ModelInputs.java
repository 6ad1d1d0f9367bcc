package io.t4j.tokenizers;

import org.bytedeco.pytorch.Tensor;

/** A batch as models take it: int64 [B,T] tensors; tokenTypeIds and labels may be null. */
public record ModelInputs(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, Tensor labels) {
    public ModelInputs withLabels(Tensor newLabels) {
        return new ModelInputs(inputIds, attentionMask, tokenTypeIds, newLabels);
    }
}
