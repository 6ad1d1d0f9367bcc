package io.t4j.data;

import io.t4j.models.ModelInputs;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * PyTorch's {@code DataLoader} over a tokenized {@link Dataset}: batches in {@link Sampler} order, collated by a
 * {@link DataCollator} ({@link DataCollatorWithPadding}, {@link DataCollatorForLanguageModeling}), with
 * {@code drop_last}. A background thread pads the next batches into Java
 * arrays while the current step runs ({@code prefetch} of them); the tensors are created on the consumer's thread
 * in {@link Batches#next()}, so they belong to the consumer's {@code PointerScope} (JavaCPP scopes are
 * thread-local).
 *
 * <p>Each {@link #iterator()} call starts the next epoch (a new shuffle, as PyTorch reshuffles per iteration);
 * {@link #epoch(int)} picks one explicitly. Close the {@link Batches} when leaving a loop early.
 */
public final class DataLoader implements Iterable<ModelInputs> {
    private static final int PREFETCH = 2;
    private static final Object END = new Object();

    private final Dataset dataset;
    private final int batchSize;
    private final Sampler sampler;
    private final boolean dropLast;
    private final DataCollator collator;
    private final AtomicInteger nextEpoch = new AtomicInteger();

    /** {@code DataLoader(dataset, batch_size, shuffle, generator=seeded, drop_last, collate_fn)}. */
    public DataLoader(Dataset dataset, int batchSize, boolean shuffle, long seed, boolean dropLast, DataCollator collator) {
        this(dataset, batchSize, shuffle ? Sampler.random(dataset.numRows(), seed) : Sampler.sequential(dataset.numRows()),
                dropLast, collator);
    }

    /** A loader with any sampler (e.g. {@link LengthGroupedSampler}). */
    public DataLoader(Dataset dataset, int batchSize, Sampler sampler, boolean dropLast, DataCollator collator) {
        if (batchSize <= 0) {
            throw new DataException("batch_size must be positive, got " + batchSize);
        }
        collator.check(dataset);
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.sampler = sampler;
        this.dropLast = dropLast;
        this.collator = collator;
    }

    /** HF Trainer's {@code group_by_length=True}: a shuffling loader over a {@link LengthGroupedSampler}. */
    public static DataLoader groupedByLength(Dataset dataset, int batchSize, long seed, boolean dropLast, DataCollator collator) {
        return new DataLoader(dataset, batchSize, LengthGroupedSampler.of(dataset, batchSize, seed), dropLast, collator);
    }

    /** {@code len(dataloader)}. */
    public int numBatches() {
        int n = dataset.numRows();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    public Dataset dataset() {
        return dataset;
    }

    /** The next epoch's batches. */
    @Override
    public Batches iterator() {
        return epoch(nextEpoch.getAndIncrement());
    }

    /** The batches of {@code epoch}, prefetched on a background thread. */
    public Batches epoch(int epoch) {
        return new Batches(epoch);
    }

    /** The padded arrays of {@code epoch}'s batches, without tensors, on this thread (for statistics and tests). */
    public Iterable<PaddedBatch> paddedBatches(int epoch) {
        int[] order = sampler.order(epoch);
        return () -> new Iterator<>() {
            private int b;

            @Override
            public boolean hasNext() {
                return b < numBatches();
            }

            @Override
            public PaddedBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return collator.pad(dataset, rowsOf(order, b++));
            }
        };
    }

    private int[] rowsOf(int[] order, int batch) {
        return Arrays.copyOfRange(order, batch * batchSize, Math.min(order.length, (batch + 1) * batchSize));
    }

    /** One epoch's batches: an iterator over {@link ModelInputs} fed by a prefetch thread. */
    public final class Batches implements Iterator<ModelInputs>, AutoCloseable {
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(PREFETCH);
        private final Thread producer;
        private Object head;

        private Batches(int epoch) {
            int[] order = sampler.order(epoch);
            producer = Thread.ofPlatform().daemon().name("t4j-dataloader-epoch-" + epoch).start(() -> produce(order));
        }

        private void produce(int[] order) {
            try {
                for (int b = 0; b < numBatches(); b++) {
                    queue.put(collator.pad(dataset, rowsOf(order, b)));
                }
                queue.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                queue.clear();
                queue.offer(e);
            }
        }

        @Override
        public boolean hasNext() {
            if (head == null) {
                try {
                    head = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DataException("interrupted while waiting for the next batch", e);
                }
            }
            if (head instanceof RuntimeException e) {
                throw new DataException("the data loader failed preparing a batch: " + e.getMessage(), e);
            }
            return head != END;
        }

        /** The next batch; its tensors are created here, on the caller's thread. */
        @Override
        public ModelInputs next() {
            return nextPadded().toModelInputs();
        }

        /** The next batch as arrays (no tensors). */
        public PaddedBatch nextPadded() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            PaddedBatch batch = (PaddedBatch) head;
            head = null;
            return batch;
        }

        /** Stops the prefetch thread (needed only when leaving the loop before the end). */
        @Override
        public void close() {
            producer.interrupt();
        }
    }
}
