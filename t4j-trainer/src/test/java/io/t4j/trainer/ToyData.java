package io.t4j.trainer;

import io.t4j.data.NdArray;
import io.t4j.data.PaddedBatch;
import io.t4j.models.bert.BertConfig;
import java.util.Arrays;
import java.util.Random;

/**
 * A synthetic classification set for tests: random token ids 5..vocab-1 of random lengths after [CLS]=2, label 1
 * when token 7 occurs. Batches are right-padded with 0 to their longest example, as DataCollatorWithPadding does.
 */
final class ToyData implements TrainerDataset {
    static final int VOCAB = 40;
    private final int[][] ids;
    private final long[] labels;

    ToyData(int n, long seed, int minLen, int maxLen, int numLabels) {
        Random r = new Random(seed);
        ids = new int[n][];
        labels = new long[n];
        for (int i = 0; i < n; i++) {
            int len = minLen + r.nextInt(maxLen - minLen + 1);
            ids[i] = new int[len];
            ids[i][0] = 2;
            for (int t = 1; t < len; t++) {
                ids[i][t] = 5 + r.nextInt(VOCAB - 5);
            }
            boolean has7 = Arrays.stream(ids[i]).anyMatch(v -> v == 7);
            labels[i] = numLabels == 2 ? (has7 ? 1 : 0) : r.nextInt(numLabels);
        }
    }

    ToyData(int n, long seed) {
        this(n, seed, 4, 12, 2);
    }

    /** A tiny BERT; {@code dropout} for hidden and attention probabilities. */
    static BertConfig config(double dropout) {
        return new BertConfig(null, null, VOCAB, 16, 1, 2, 32, null, dropout, dropout, 32, null, null, null, null, null,
                null, null, null, null, null);
    }

    @Override
    public int size() {
        return ids.length;
    }

    @Override
    public int[] lengths() {
        return Arrays.stream(ids).mapToInt(r -> r.length).toArray();
    }

    @Override
    public PaddedBatch pad(int[] rows) {
        int t = Arrays.stream(rows).map(i -> ids[i].length).max().orElse(0);
        int[] input = new int[rows.length * t];
        int[] mask = new int[rows.length * t];
        long[] y = new long[rows.length];
        long real = 0;
        for (int b = 0; b < rows.length; b++) {
            int[] row = ids[rows[b]];
            System.arraycopy(row, 0, input, b * t, row.length);
            Arrays.fill(mask, b * t, b * t + row.length, 1);
            y[b] = labels[rows[b]];
            real += row.length;
        }
        return new PaddedBatch(rows.length, t, input, mask, null, real, java.util.Map.of("labels", NdArray.ofLongs(y, rows.length)));
    }
}
