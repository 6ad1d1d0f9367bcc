package io.t4j.data;

import io.t4j.engine.Tensors;
import io.t4j.tokenizers.ModelInputs;

/**
 * HF's collated batch ({@code tokenizer.pad(features)} before {@code return_tensors="pt"}) as row-major
 * {@code [batchSize, length]} Java arrays: what {@link DataCollatorWithPadding} builds
 * on any thread (the DataLoader's prefetch thread), before {@link #toModelInputs()} makes the tensors on the
 * consumer's thread, inside its PointerScope.
 *
 * @param tokenTypeIds null when the tokenizer returns none
 * @param labels int64 class ids, or null
 * @param floatLabels float32 regression targets, or null
 * @param realTokens the number of non-pad positions (for padding statistics)
 */
public record PaddedBatch(int batchSize, int length, int[] inputIds, int[] attentionMask, int[] tokenTypeIds,
                          long[] labels, float[] floatLabels, long realTokens) {

    /** Positions in the batch, pads included. */
    public long paddedTokens() {
        return (long) batchSize * length;
    }

    /** HF's collated {@code batch}: int64 tensors (labels int64, or float32 for regression). */
    public ModelInputs toModelInputs() {
        ModelInputs inputs = ModelInputs.fromArrays(batchSize, length, inputIds, attentionMask, tokenTypeIds, labels);
        if (floatLabels != null) {
            return inputs.withLabels(Tensors.fromFloats(floatLabels, floatLabels.length));
        }
        return inputs;
    }
}
