package io.t4j.trainer;

import io.t4j.data.LengthGroupedSampler;
import io.t4j.data.Sampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One epoch's examples cut into batches ({@code drop_last=False}), in the data module's sampler order: HF's
 * {@code _get_train_sampler} picks a seeded random sampler ({@code data_seed + epoch}), or with
 * {@code group_by_length} a {@link LengthGroupedSampler} over {@code batch_size * gradient_accumulation_steps};
 * evaluation is sequential.
 */
final class BatchPlan {
    private BatchPlan() {}

    static List<int[]> sequential(int n, int batchSize) {
        return cut(Sampler.sequential(n).order(0), batchSize);
    }

    static List<int[]> training(TrainerDataset data, int batchSize, int accumulation, long seed, boolean groupByLength,
                                int epoch) {
        Sampler sampler = groupByLength ? new LengthGroupedSampler(data.lengths(), batchSize * accumulation, seed)
                : Sampler.random(data.size(), seed);
        return cut(sampler.order(epoch), batchSize);
    }

    static List<int[]> cut(int[] order, int batchSize) {
        List<int[]> batches = new ArrayList<>();
        for (int i = 0; i < order.length; i += batchSize) {
            batches.add(Arrays.copyOfRange(order, i, Math.min(order.length, i + batchSize)));
        }
        return batches;
    }
}
