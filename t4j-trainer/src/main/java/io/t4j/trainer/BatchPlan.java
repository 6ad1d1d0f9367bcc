package io.t4j.trainer;

import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * The order of one epoch's examples, cut into batches (the last one may be short: {@code drop_last=False}).
 * Training order is HF's through accelerate's seedable sampler: {@code torch.randperm(n)} from a generator seeded
 * with {@code data_seed + epoch}; with {@code group_by_length}, HF's {@code get_length_grouped_indices}
 * (trainer_pt_utils.py) over the same permutation. Evaluation order is sequential.
 */
public final class BatchPlan {
    private BatchPlan() {}

    /** Sequential batches 0..n-1. */
    public static List<int[]> sequential(int n, int batchSize) {
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        return cut(order, batchSize);
    }

    /** Shuffled batches for {@code epoch}; grouped by length when {@code lengths} is non-null. */
    public static List<int[]> shuffled(int n, int batchSize, long seed, int epoch, TrainerDataset lengths, int megaBatchOf) {
        int[] perm = randperm(n, seed + epoch);
        return cut(lengths == null ? perm : lengthGrouped(perm, lengths, megaBatchOf), batchSize);
    }

    /** {@code torch.randperm(n, generator=torch.Generator().manual_seed(seed))}. */
    static int[] randperm(int n, long seed) {
        Engine.init();
        try (PointerScope scope = new PointerScope()) {
            var generator = torch.createCPUGenerator(seed);
            return Tensors.toInts(torch.randperm(n, new GeneratorOptional(generator)));
        }
    }

    /**
     * HF's {@code get_length_grouped_indices}: mega-batches of {@code min(n / (4 * b), 50) * b} (at least b)
     * examples of the permutation, each sorted by length, longest first (stable), then the longest mega-batch head
     * swapped to the very front so an out-of-memory error shows at the first step. {@code b} is the batch size
     * times gradient accumulation, as HF passes it.
     */
    static int[] lengthGrouped(int[] perm, TrainerDataset data, int b) {
        int mult = Math.max(1, Math.min(perm.length / (b * 4), 50));
        int mega = mult * b;
        List<Integer[]> groups = new ArrayList<>();
        for (int i = 0; i < perm.length; i += mega) {
            Integer[] g = Arrays.stream(perm, i, Math.min(perm.length, i + mega)).boxed().toArray(Integer[]::new);
            Arrays.sort(g, Comparator.comparingInt((Integer k) -> data.length(k)).reversed());
            groups.add(g);
        }
        int maxIdx = 0;
        for (int i = 1; i < groups.size(); i++) {
            if (data.length(groups.get(i)[0]) > data.length(groups.get(maxIdx)[0])) {
                maxIdx = i;
            }
        }
        Integer first = groups.getFirst()[0];
        groups.getFirst()[0] = groups.get(maxIdx)[0];
        groups.get(maxIdx)[0] = first;
        return groups.stream().flatMap(Arrays::stream).mapToInt(Integer::intValue).toArray();
    }

    private static List<int[]> cut(int[] order, int batchSize) {
        List<int[]> batches = new ArrayList<>();
        for (int i = 0; i < order.length; i += batchSize) {
            batches.add(Arrays.copyOfRange(order, i, Math.min(order.length, i + batchSize)));
        }
        return batches;
    }
}
