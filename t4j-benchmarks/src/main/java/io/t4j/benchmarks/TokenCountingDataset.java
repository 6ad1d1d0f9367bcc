package io.t4j.benchmarks;

import io.t4j.data.PaddedBatch;
import io.t4j.trainer.TrainerDataset;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link TrainerDataset} that records every batch it pads, in call order: real tokens, padded tokens, rows and
 * when the padding finished. With {@code dataloader_num_workers=1} (one prefetch thread, tasks run in submission
 * order) or 0 (padding on the training thread) the i-th call is the i-th batch the Trainer trains on, so step i's
 * tokens are exact, and comparing the i-th finish time with the step's start tells whether the batch was ready.
 */
public final class TokenCountingDataset implements TrainerDataset {
    /**
     * One padded batch.
     *
     * @param rows         examples in the batch
     * @param realTokens   non-pad positions
     * @param paddedTokens rows x padded length
     * @param doneNanos    {@link System#nanoTime()} when padding finished
     */
    public record Batch(int rows, long realTokens, long paddedTokens, long doneNanos) {}

    private final TrainerDataset delegate;
    private final List<Batch> batches = new ArrayList<>();

    public TokenCountingDataset(TrainerDataset delegate) {
        this.delegate = delegate;
    }

    @Override
    public int size() {
        return delegate.size();
    }

    @Override
    public int[] lengths() {
        return delegate.lengths();
    }

    @Override
    public PaddedBatch pad(int[] rows) {
        PaddedBatch b = delegate.pad(rows);
        synchronized (batches) {
            batches.add(new Batch(b.batchSize(), b.realTokens(), b.paddedTokens(), System.nanoTime()));
        }
        return b;
    }

    /** The batches padded so far, in call order. */
    public List<Batch> batches() {
        synchronized (batches) {
            return List.copyOf(batches);
        }
    }

    /** Forgets the batches recorded so far (before the next training run over this dataset). */
    public void clear() {
        synchronized (batches) {
            batches.clear();
        }
    }
}
