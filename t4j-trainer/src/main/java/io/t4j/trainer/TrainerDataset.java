package io.t4j.trainer;

import io.t4j.tokenizers.ModelInputs;

/**
 * What the {@link Trainer} reads: HF's dataset plus its data collator, reduced to what the loop needs. The Trainer
 * picks the order (seeded shuffle, or HF's length grouping) and asks for one batch at a time.
 */
public interface TrainerDataset {
    /** Number of examples ({@code len(dataset)}). */
    int size();

    /** The batch of the examples at {@code indices}, in that order: padded int64 tensors, labels when known. */
    ModelInputs collate(int[] indices);

    /** The token count of example {@code index}, used by {@code group_by_length}. */
    int length(int index);
}
