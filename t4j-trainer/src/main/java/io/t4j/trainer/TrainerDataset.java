package io.t4j.trainer;

import io.t4j.data.DataCollator;
import io.t4j.data.Dataset;
import io.t4j.data.PaddedBatch;

/**
 * What the {@link Trainer} reads: HF's dataset plus its data collator, reduced to what the loop needs. The Trainer
 * picks the order (the data module's seeded samplers) and asks for padded batches, possibly from prefetch threads;
 * the tensors are made on the training thread, inside its per-step scope.
 */
public interface TrainerDataset {
    /** Number of examples ({@code len(dataset)}). */
    int size();

    /** Each example's token count, for {@code group_by_length}. */
    int[] lengths();

    /** The padded batch of the examples at {@code rows}, in that order, as arrays. Must be safe on any thread. */
    PaddedBatch pad(int[] rows);

    /** A tokenized {@link Dataset} collated by {@code collator} (HF's {@code train_dataset} + {@code data_collator}). */
    static TrainerDataset of(Dataset dataset, DataCollator collator) {
        collator.check(dataset);
        return new TrainerDataset() {
            @Override
            public int size() {
                return dataset.numRows();
            }

            @Override
            public int[] lengths() {
                return dataset.tokens("input_ids").lengths();
            }

            @Override
            public PaddedBatch pad(int[] rows) {
                return collator.pad(dataset, rows);
            }
        };
    }
}
