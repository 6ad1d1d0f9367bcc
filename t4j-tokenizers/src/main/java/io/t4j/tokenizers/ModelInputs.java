package io.t4j.tokenizers;

import io.t4j.engine.Tensors;
import org.bytedeco.pytorch.Tensor;

/**
 * The typed batch every model forward and the trainer take: the tensors HF passes as {@code model(**batch)}.
 * {@code inputIds} and {@code attentionMask} are int64 {@code [B, T]}; {@code tokenTypeIds} is int64 {@code [B, T]}
 * or null when the tokenizer returns none (RoBERTa, DistilBERT, decoders); {@code labels} is int64 {@code [B]} for
 * sequence classification, int64 {@code [B, T]} for masked language modelling (-100 where nothing is predicted), or
 * null; {@code nextSentenceLabel} is HF's {@code next_sentence_label}, int64 {@code [B]} (0 = B follows A,
 * 1 = B is random), or null.
 *
 * <p>The tensors belong to the {@code PointerScope} of the thread that created them (see DEVELOPERS.md).
 */
public record ModelInputs(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, Tensor labels,
                          Tensor nextSentenceLabel) {
    public ModelInputs {
        if (inputIds == null || attentionMask == null) {
            throw new IllegalArgumentException("input_ids and attention_mask are required");
        }
    }

    /** A batch without {@code next_sentence_label}: what everything but next-sentence prediction takes. */
    public ModelInputs(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, Tensor labels) {
        this(inputIds, attentionMask, tokenTypeIds, labels, null);
    }

    /** A copy of this batch with {@code labels} attached (HF's {@code batch["labels"] = ...}). */
    public ModelInputs withLabels(Tensor newLabels) {
        return new ModelInputs(inputIds, attentionMask, tokenTypeIds, newLabels, nextSentenceLabel);
    }

    /** A copy of this batch with {@code next_sentence_label} attached. */
    public ModelInputs withNextSentenceLabel(Tensor label) {
        return new ModelInputs(inputIds, attentionMask, tokenTypeIds, labels, label);
    }

    /** B. */
    public long batchSize() {
        return inputIds.size(0);
    }

    /** T. */
    public long sequenceLength() {
        return inputIds.size(1);
    }

    /**
     * Builds the tensors from row-major {@code [batch, length]} int arrays (tokenTypeIds and labels may be null).
     * Call it on the thread whose PointerScope should own the tensors.
     */
    public static ModelInputs fromArrays(int batch, int length, int[] inputIds, int[] attentionMask,
                                         int[] tokenTypeIds, long[] labels) {
        Tensor ids = Tensors.fromIntsAsLong(inputIds, batch, length);
        Tensor mask = Tensors.fromIntsAsLong(attentionMask, batch, length);
        Tensor types = tokenTypeIds == null ? null : Tensors.fromIntsAsLong(tokenTypeIds, batch, length);
        Tensor labelTensor = labels == null ? null : Tensors.fromLongs(labels, labels.length);
        return new ModelInputs(ids, mask, types, labelTensor);
    }
}
