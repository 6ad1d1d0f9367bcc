package io.t4j.trainer;

import io.t4j.engine.Tensors;
import io.t4j.models.bert.BertConfig;
import io.t4j.tokenizers.ModelInputs;
import java.util.Random;

/**
 * A synthetic classification set for tests: random token ids 5..vocab-1 of random lengths after [CLS]=2, label 1
 * when token 7 occurs. Batches are right-padded with 0 to their longest example, as DataCollatorWithPadding does.
 */
final class ToyData implements TrainerDataset {
    static final int VOCAB = 40;
    private final int[][] ids;
    private final int[] labels;

    ToyData(int n, long seed, int minLen, int maxLen, int numLabels) {
        Random r = new Random(seed);
        ids = new int[n][];
        labels = new int[n];
        for (int i = 0; i < n; i++) {
            int len = minLen + r.nextInt(maxLen - minLen + 1);
            ids[i] = new int[len];
            ids[i][0] = 2;
            for (int t = 1; t < len; t++) {
                ids[i][t] = 5 + r.nextInt(VOCAB - 5);
            }
            boolean has7 = java.util.Arrays.stream(ids[i]).anyMatch(v -> v == 7);
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
    public int length(int index) {
        return ids[index].length;
    }

    @Override
    public ModelInputs collate(int[] indices) {
        int t = 0;
        for (int i : indices) {
            t = Math.max(t, ids[i].length);
        }
        long[] input = new long[indices.length * t];
        long[] mask = new long[indices.length * t];
        long[] y = new long[indices.length];
        for (int b = 0; b < indices.length; b++) {
            int[] row = ids[indices[b]];
            for (int j = 0; j < row.length; j++) {
                input[b * t + j] = row[j];
                mask[b * t + j] = 1;
            }
            y[b] = labels[indices[b]];
        }
        return new ModelInputs(Tensors.fromLongs(input, indices.length, t), Tensors.fromLongs(mask, indices.length, t), null,
                Tensors.fromLongs(y, indices.length));
    }
}
