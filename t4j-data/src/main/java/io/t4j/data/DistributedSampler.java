package io.t4j.data;

import java.util.Arrays;

/**
 * PyTorch's {@code DistributedSampler} (torch/utils/data/distributed.py), the sampler HF's Trainer gives each rank:
 * every epoch the rows are permuted from {@code seed + epoch} (its {@code set_epoch}: the same permutation on every
 * rank), padded by repeating rows from the start until the length divides by {@code numReplicas} (or cut down to
 * a multiple with {@code dropLast}), and rank {@code r} takes positions {@code r, r + numReplicas, ...}. So the
 * ranks' first batches of size {@code b} together hold exactly the first {@code numReplicas * b} rows of the
 * permutation, which is what one process with a batch of {@code numReplicas * b} would take.
 *
 * <p>The permutation is {@link Seeded#permutation} (as {@link Sampler#random}), not torch's {@code randperm}.
 *
 * @param numRows     rows in the dataset
 * @param numReplicas ranks ({@code world_size})
 * @param rank        this rank, in {@code [0, numReplicas)}
 * @param shuffle     permute every epoch (else rows in order)
 * @param seed        the data seed; epoch {@code e} uses {@code seed + e}
 * @param dropLast    drop the tail rows that do not divide among the ranks instead of repeating rows
 */
public record DistributedSampler(int numRows, int numReplicas, int rank, boolean shuffle, long seed, boolean dropLast)
        implements Sampler {

    public DistributedSampler {
        if (numReplicas < 1) {
            throw new IllegalArgumentException("num_replicas must be at least 1, got " + numReplicas);
        }
        if (rank < 0 || rank >= numReplicas) {
            throw new IllegalArgumentException("Invalid rank " + rank + ", rank should be in the interval [0, "
                    + (numReplicas - 1) + "]");
        }
        if (numRows < 0) {
            throw new IllegalArgumentException("numRows must be >= 0, got " + numRows);
        }
    }

    /** Rows this rank sees per epoch: {@code ceil(n / replicas)}, or {@code floor} with {@code dropLast}. */
    public int numSamples() {
        return dropLast ? numRows / numReplicas : Math.ceilDiv(numRows, numReplicas);
    }

    /** This rank's rows for {@code epoch}. */
    @Override
    public int[] order(int epoch) {
        int[] all = shuffle ? Seeded.permutation(numRows, seed + epoch) : java.util.stream.IntStream.range(0, numRows).toArray();
        int total = numSamples() * numReplicas;
        int[] padded = total <= all.length ? Arrays.copyOf(all, total) : new int[total];
        if (total > all.length) {
            if (all.length == 0) {
                throw new IllegalArgumentException("cannot pad an empty dataset to " + total + " rows");
            }
            for (int i = 0; i < total; i++) {
                padded[i] = all[i % all.length]; // torch: indices += (indices * ceil(pad / len))[:pad]
            }
        }
        int[] mine = new int[numSamples()];
        for (int i = 0; i < mine.length; i++) {
            mine[i] = padded[rank + i * numReplicas];
        }
        return mine;
    }

    /**
     * The same contract over data that is already split across the ranks (a Spark partition per rank): this rank's
     * {@code localRows} rows are permuted from {@code seed + epoch}, then repeated from the start up to
     * {@code length} rows, or cut to {@code length}, where {@code length} is the size every rank agreed on (the
     * largest shard, or the smallest with drop_last), so every rank takes the same number of steps.
     */
    public static Sampler ofShard(int localRows, int length, boolean shuffle, long seed) {
        if (localRows == 0 && length > 0) {
            throw new IllegalArgumentException("this rank's shard is empty but the others hold " + length
                    + " rows each: repartition the data so every rank gets rows");
        }
        return epoch -> {
            int[] all = shuffle ? Seeded.permutation(localRows, seed + epoch) : java.util.stream.IntStream.range(0, localRows).toArray();
            int[] out = new int[length];
            for (int i = 0; i < length; i++) {
                out[i] = all[i % all.length];
            }
            return out;
        };
    }
}
