package io.t4j.data;

import java.util.Arrays;

/**
 * HF's {@code LengthGroupedSampler} / {@code get_length_grouped_indices} ({@code trainer_pt_utils.py}, what
 * {@code group_by_length=True} uses): a random permutation cut into mega-batches of {@code megaBatchMult * batchSize}
 * rows, each sorted by length (longest first), with the longest row of all swapped to the very first position so
 * the largest batch comes first (an out-of-memory error shows at once). Batches then hold rows of similar length,
 * which cuts padding.
 *
 * <p>{@code megaBatchMult} is HF's default: {@code min(n / (batchSize * 4), 50)}, at least 1. The permutation
 * comes from {@link Seeded} with {@code seed + epoch}.
 */
public final class LengthGroupedSampler implements Sampler {
    private final int[] lengths;
    private final int batchSize;
    private final long seed;
    private final int megaBatchMult;

    public LengthGroupedSampler(int[] lengths, int batchSize, long seed) {
        this.lengths = lengths.clone();
        this.batchSize = batchSize;
        this.seed = seed;
        this.megaBatchMult = Math.max(1, Math.min(lengths.length / (batchSize * 4), 50));
    }

    /** The sampler for a tokenized dataset, by the lengths of its {@code input_ids}. */
    public static LengthGroupedSampler of(Dataset dataset, int batchSize, long seed) {
        return new LengthGroupedSampler(dataset.tokens("input_ids").lengths(), batchSize, seed);
    }

    public int megaBatchSize() {
        return megaBatchMult * batchSize;
    }

    @Override
    public int[] order(int epoch) {
        int[] indices = Seeded.permutation(lengths.length, seed + epoch);
        int size = megaBatchSize();
        int longestStart = 0;
        for (int start = 0; start < indices.length; start += size) {
            int end = Math.min(indices.length, start + size);
            sortByLengthDescending(indices, start, end);
            if (lengths[indices[start]] > lengths[indices[longestStart]]) {
                longestStart = start;
            }
        }
        int t = indices[0];
        indices[0] = indices[longestStart];
        indices[longestStart] = t;
        return indices;
    }

    /** Stable sort of {@code indices[from, to)} by descending length (as Python's sorted(reverse=True)). */
    private void sortByLengthDescending(int[] indices, int from, int to) {
        long[] keyed = new long[to - from];
        for (int i = from; i < to; i++) {
            // negative length in the high bits, position in the low bits: ascending order = descending length, stable
            keyed[i - from] = ((long) -lengths[indices[i]] << 32) | (i - from);
        }
        Arrays.sort(keyed);
        int[] copy = Arrays.copyOfRange(indices, from, to);
        for (int i = 0; i < keyed.length; i++) {
            indices[from + i] = copy[(int) (keyed[i] & 0xFFFFFFFFL)];
        }
    }
}
