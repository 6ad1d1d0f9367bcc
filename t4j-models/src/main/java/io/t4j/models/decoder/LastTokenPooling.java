package io.t4j.models.decoder;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * How HF 4.46's decoder sequence classifiers ({@code LlamaForSequenceClassification}, {@code Qwen2...},
 * {@code Phi3...}) pick the position they classify: the last token before the first pad, found from the ids alone
 * (the attention mask is not read). Per row, {@code (argmax_t(input_ids == pad_token_id) - 1) mod T}: right padding
 * gives the last real token; a row without any pad, and every left-padded row, gives T-1 (argmax 0 minus 1). A pad id
 * inside the real text cuts the row there, as in HF. Without a {@code pad_token_id} only a batch of one can be
 * classified (its last position), and a larger batch is HF's error.
 */
public final class LastTokenPooling {
    private LastTokenPooling() {}

    /** input_ids [B,T] → the pooled position of each row, int64 [B]. */
    public static Tensor sequenceLengths(Tensor inputIds, Integer padTokenId) {
        long b = inputIds.size(0);
        long t = inputIds.size(1);
        if (padTokenId == null) {
            if (b != 1) {
                throw new IllegalArgumentException("Cannot handle batch sizes > 1 if no padding token is defined. "
                        + "(config.json has no pad_token_id; set it to the tokenizer's pad token id to classify a batch of "
                        + b + ")");
            }
            return torch.full(new long[] {1}, new Scalar(t - 1), new TensorOptions(ScalarType.Long));
        }
        Tensor firstPad = inputIds.eq(new Scalar((long) padTokenId)).to(ScalarType.Int).argmax(new LongOptional(-1), false); // [B]
        return firstPad.sub(new Scalar(1L)).remainder(new Scalar(t)).to(ScalarType.Long);  // -1 mod T = T-1
    }

    /** hidden [B,T,C] → [B,C], each row's hidden state at its pooled position. */
    public static Tensor pool(Tensor hidden, Tensor inputIds, Integer padTokenId) {
        Tensor idx = sequenceLengths(inputIds, padTokenId);                                   // [B]
        long t = hidden.size(1);
        Tensor flat = torch.arange(new Scalar(hidden.size(0)), new TensorOptions(ScalarType.Long)).mul(new Scalar(t)).add(idx); // b*T + idx[b], [B]
        return hidden.reshape(-1, hidden.size(2)).index_select(0, flat); // [B,T,C] -> [B*T,C] -> [B,C]
    }
}
