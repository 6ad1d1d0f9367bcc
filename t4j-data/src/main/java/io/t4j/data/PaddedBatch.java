package io.t4j.data;

import io.t4j.engine.Tensors;
import io.t4j.tokenizers.ModelInputs;

/**
 * HF's collated batch ({@code tokenizer.pad(features)} before {@code return_tensors="pt"}) as row-major
 * {@code [batchSize, length]} Java arrays: what a {@link DataCollator} builds on any thread (the DataLoader's
 * prefetch thread), before {@link #toModelInputs()} makes the tensors on the consumer's thread, inside its
 * PointerScope.
 *
 * @param tokenTypeIds null when the tokenizer returns none
 * @param labels int64 class ids [B], or null
 * @param floatLabels float32 regression targets [B], or null
 * @param realTokens the number of non-pad positions (for padding statistics)
 * @param tokenLabels masked-LM labels [B, T] (the original id where a token is to be predicted, -100 elsewhere), or null
 * @param nextSentenceLabels HF's {@code next_sentence_label} [B] (0 = B follows A, 1 = B is random), or null
 */
public record PaddedBatch(int batchSize, int length, int[] inputIds, int[] attentionMask, int[] tokenTypeIds,
                          long[] labels, float[] floatLabels, long realTokens, int[] tokenLabels,
                          long[] nextSentenceLabels) {

    /** A classification batch: no token labels, no next-sentence labels. */
    public PaddedBatch(int batchSize, int length, int[] inputIds, int[] attentionMask, int[] tokenTypeIds,
                       long[] labels, float[] floatLabels, long realTokens) {
        this(batchSize, length, inputIds, attentionMask, tokenTypeIds, labels, floatLabels, realTokens, null, null);
    }

    /** Positions in the batch, pads included. */
    public long paddedTokens() {
        return (long) batchSize * length;
    }

    /** This batch with masked input ids and their token labels (what a masked-LM collator makes of a padded batch). */
    public PaddedBatch withMaskedTokens(int[] maskedInputIds, int[] newTokenLabels) {
        return new PaddedBatch(batchSize, length, maskedInputIds, attentionMask, tokenTypeIds, null, null, realTokens,
                newTokenLabels, nextSentenceLabels);
    }

    /**
     * HF's collated {@code batch}: int64 tensors; {@code labels} is [B] (int64, or float32 for regression) or, for
     * masked-LM batches, [B, T].
     */
    public ModelInputs toModelInputs() {
        ModelInputs inputs = ModelInputs.fromArrays(batchSize, length, inputIds, attentionMask, tokenTypeIds, labels);
        if (floatLabels != null) {
            inputs = inputs.withLabels(Tensors.fromFloats(floatLabels, floatLabels.length));
        }
        if (tokenLabels != null) {
            inputs = inputs.withLabels(Tensors.fromIntsAsLong(tokenLabels, batchSize, length));
        }
        if (nextSentenceLabels != null) {
            inputs = inputs.withNextSentenceLabel(Tensors.fromLongs(nextSentenceLabels, nextSentenceLabels.length));
        }
        return inputs;
    }
}
