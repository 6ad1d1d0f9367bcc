package io.t4j.models;

import io.t4j.engine.Tensors;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptionalList;
import org.bytedeco.pytorch.TensorOptionalVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The real tokens of a padded encoder batch, so the token-wise parts of a layer (the q/k/v and output projections,
 * the feed-forward block, LayerNorm) run on real tokens only and only attention sees the padded [B,T] grid. This is
 * HF's unpadded encoder path (modeling_modernbert.py {@code _unpad_modernbert_input} / {@code _pad_modernbert_output},
 * after flash-attn's {@code bert_padding.unpad_input} / {@code pad_input}), applied to the BERT family.
 *
 * <p>Real positions get the same values as the padded computation (up to float rounding: a GEMM over fewer rows);
 * padding positions of the re-padded output are zero, where HF's dense BERT computes values that almost nothing reads
 * (its attention masks padding keys, its losses ignore padding labels; question answering's loss, a softmax over every
 * position, is the exception, and its heads ask for every position). Batches without padding, and left-padded batches
 * (whose position 0, the one BERT's pooler and RoBERTa's head read, is a pad), keep the dense path: {@link #indices}
 * is null and pad/unpad are views.
 *
 * @param mask      the SDPA mask [B,1,1,T], true where a query may attend
 * @param padded    whether any position is padding
 * @param indices   flat indices of the real tokens in [B*T], or null when every token is kept
 * @param positions the same tokens as (batch index, position) pairs, two [N] tensors, or null with indices
 */
public record Unpadding(long batch, long seqLen, Tensor mask, boolean padded, Tensor indices, TensorOptionalList positions) {

    /** attention_mask [B,T] (1 = token, 0 = pad; null = no padding), input_ids [B,T]. */
    public static Unpadding of(Tensor attentionMask, Tensor inputIds) {
        return of(attentionMask, inputIds, false);
    }

    /**
     * As {@link #of(Tensor, Tensor)}; with {@code everyPosition} the dense path, which computes padding positions
     * as HF's dense encoder does (question answering's loss reads them: its softmax runs over every position).
     */
    public static Unpadding of(Tensor attentionMask, Tensor inputIds, boolean everyPosition) {
        long b = inputIds.size(0);
        long t = inputIds.size(1);
        if (attentionMask != null && (attentionMask.dim() != 2 || attentionMask.size(0) != b || attentionMask.size(1) != t)) {
            throw new IllegalArgumentException("attention_mask has shape " + Tensors.shapeString(attentionMask)
                    + " but input_ids has " + Tensors.shapeString(inputIds) + ": they must match, [batch, tokens]");
        }
        Tensor mask = AttentionMasks.padding(attentionMask, inputIds);
        boolean padded = attentionMask != null && attentionMask.numel() > 0 && !attentionMask.all().item_bool();
        if (everyPosition || !padded || !attentionMask.select(1, 0).all().item_bool()) {
            return new Unpadding(b, t, mask, padded, null, null);
        }
        Tensor indices = torch.nonzero(attentionMask.flatten()).flatten(); // [N], N real tokens
        Tensor row = indices.floor_divide(new Scalar(t));
        Tensor position = indices.remainder(new Scalar(t));
        return new Unpadding(b, t, mask, true, indices,
                new TensorOptionalList(new TensorOptionalVector(new TensorOptional(row), new TensorOptional(position))));
    }

    /**
     * The mask attention needs: {@link #mask}, or null when the batch has no padding, so attention skips the
     * masking work (a mask of all true changes no score).
     */
    public Tensor keyMask() {
        return padded ? mask : null;
    }

    /** x [B,T,C] (or [B,T,H,D]) → [N,C], the rows of real tokens ({@code unpad_input}). */
    public Tensor unpadInput(Tensor x) {
        Tensor flat = x.reshape(batch * seqLen, -1); // [B,T,C] or [B,T,H,D] -> [B*T,C]
        return indices == null ? flat : flat.index_select(0, indices);
    }

    /** x [N,C] → [B,T,C] with zeros at padding ({@code pad_input}). */
    public Tensor padInput(Tensor x) {
        if (indices == null) {
            return x.view(batch, seqLen, x.size(-1)); // [B*T,C] -> [B,T,C]
        }
        Tensor grid = torch.zeros(new long[] {batch * seqLen, x.size(-1)}, x.options()).index_copy(0, indices, x); // [B*T,C]
        return grid.view(batch, seqLen, x.size(-1)); // [B*T,C] -> [B,T,C]
    }

    /**
     * x [N,H*D] → [B,H,T,D] for attention, zeros at padding: {@link #padInput} followed by HF's split into heads
     * ({@code transpose_for_scores}), but written straight into the heads-first layout, so the attention products
     * need no copies of transposed operands (contiguous when padded; a view of x otherwise).
     */
    public Tensor padHeads(Tensor x, long heads) {
        long headDim = x.size(-1) / heads;
        if (indices == null) {
            return x.view(batch, seqLen, heads, headDim).transpose(1, 2); // [B*T,C] -> [B,T,H,D] -> [B,H,T,D]
        }
        Tensor grid = torch.zeros(new long[] {batch, heads, seqLen, headDim}, x.options()); // [B,H,T,D]
        grid.permute(0, 2, 1, 3).index_put_(positions, x.view(-1, heads, headDim)); // [B,T,H,D] view <- [N,H,D]
        return grid;
    }
}
