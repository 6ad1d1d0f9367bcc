package io.t4j.data;

/**
 * PyTorch's {@code Sampler}: the order in which a {@link DataLoader} visits rows in a given epoch. Implementations
 * are deterministic functions of (seed, epoch), so runs are reproducible.
 */
public interface Sampler {
    /** Row indices for {@code epoch}, each row once. */
    int[] order(int epoch);

    /** {@code SequentialSampler}: 0, 1, ..., n-1 every epoch. */
    static Sampler sequential(int numRows) {
        return epoch -> java.util.stream.IntStream.range(0, numRows).toArray();
    }

    /** {@code RandomSampler} with a seeded generator: a new permutation per epoch, from {@code seed + epoch}. */
    static Sampler random(int numRows, long seed) {
        return epoch -> Seeded.permutation(numRows, seed + epoch);
    }
}
