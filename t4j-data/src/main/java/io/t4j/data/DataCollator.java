package io.t4j.data;

import io.t4j.models.ModelInputs;

/**
 * HF's {@code data_collator} ({@code data/data_collator.py}): turns the rows of a tokenized {@link Dataset} into one
 * batch. Implementations build Java arrays ({@link PaddedBatch}) and must be safe on any thread: the
 * {@link DataLoader} and the Trainer call them from prefetch threads, and the tensors are made later on the
 * consumer's thread. A collator that draws random numbers derives them from the batch's rows
 * ({@link Seeded#forRows}), so a batch is the same whichever thread pads it.
 */
public interface DataCollator {
    /** Checks that {@code dataset} has what this collator reads; called before the first batch. */
    void check(Dataset dataset);

    /** The batch of the rows of {@code dataset} at {@code rows}, in that order, as arrays. */
    PaddedBatch pad(Dataset dataset, int[] rows);

    /** {@link #pad} then the tensors, on this thread. */
    default ModelInputs collate(Dataset dataset, int[] rows) {
        return pad(dataset, rows).toModelInputs();
    }
}
