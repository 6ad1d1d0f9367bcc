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
        return training(data, batchSize, accumulation, seed, groupByLength, epoch, null, false);
    }

    /**
     * As above; {@code rankSampler} (a data-parallel rank's rows, see {@code DistributedContext.trainShard}) replaces
     * the random sampler when not null, and {@code dropLast} drops a last batch shorter than {@code batchSize}
     * ({@code dataloader_drop_last}).
     */
    static List<int[]> training(TrainerDataset data, int batchSize, int accumulation, long seed, boolean groupByLength,
                                int epoch, Sampler rankSampler, boolean dropLast) {
        if (rankSampler != null && groupByLength) {
            throw new IllegalArgumentException("group_by_length is not supported with more than one rank yet (HF's "
                    + "DistributedLengthGroupedSampler): turn it off for data-parallel training");
        }
        Sampler sampler = rankSampler != null ? rankSampler
                : groupByLength ? new LengthGroupedSampler(data.lengths(), batchSize * accumulation, seed)
                : Sampler.random(data.size(), seed);
        return cut(sampler.order(epoch), batchSize, dropLast);
    }

    static List<int[]> cut(int[] order, int batchSize) {
        return cut(order, batchSize, false);
    }

    static List<int[]> cut(int[] order, int batchSize, boolean dropLast) {
        List<int[]> batches = new ArrayList<>();
        int end = dropLast ? order.length - order.length % batchSize : order.length;
        for (int i = 0; i < end; i += batchSize) {
            batches.add(Arrays.copyOfRange(order, i, Math.min(end, i + batchSize)));
        }
        return batches;
    }
}
