package io.t4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/** Row assignments for {@link Dataset#trainTestSplit}, from {@link Seeded}. Returns {@code {train, test}}. */
final class Splits {
    private Splits() {}

    /** As HF: a permutation; its first {@code nTest} rows are the test split, the rest the train split. */
    static int[][] random(int n, int nTest, long seed) {
        int[] p = Seeded.permutation(n, seed);
        return new int[][] {Arrays.copyOfRange(p, nTest, n), Arrays.copyOfRange(p, 0, nTest)};
    }

    /**
     * Each class gives {@code nTest * classCount / n} test rows, rounded by largest remainder so the total is
     * {@code nTest} (as sklearn's StratifiedShuffleSplit, which HF calls); rows are drawn per class from a seeded
     * permutation, and both splits are shuffled again.
     */
    static int[][] stratified(long[] labels, int nTest, long seed) {
        TreeMap<Long, List<Integer>> byClass = new TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            byClass.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
        }
        int[] quota = quotas(byClass.values().stream().mapToInt(List::size).toArray(), nTest, labels.length);
        Seeded rng = new Seeded(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        int c = 0;
        for (List<Integer> rows : byClass.values()) {
            int[] order = rows.stream().mapToInt(Integer::intValue).toArray();
            rng.shuffle(order);
            for (int i = 0; i < order.length; i++) {
                (i < quota[c] ? test : train).add(order[i]);
            }
            c++;
        }
        int[] trainRows = train.stream().mapToInt(Integer::intValue).toArray();
        int[] testRows = test.stream().mapToInt(Integer::intValue).toArray();
        rng.shuffle(trainRows);
        rng.shuffle(testRows);
        return new int[][] {trainRows, testRows};
    }

    private static int[] quotas(int[] counts, int nTest, int n) {
        int[] quota = new int[counts.length];
        double[] remainder = new double[counts.length];
        int given = 0;
        for (int c = 0; c < counts.length; c++) {
            double exact = (double) nTest * counts[c] / n;
            quota[c] = (int) Math.floor(exact);
            remainder[c] = exact - quota[c];
            given += quota[c];
        }
        while (given < nTest) {
            int best = -1;
            for (int c = 0; c < counts.length; c++) {
                if (quota[c] < counts[c] && (best < 0 || remainder[c] > remainder[best])) {
                    best = c;
                }
            }
            quota[best]++;
            remainder[best] = -1;
            given++;
        }
        return quota;
    }
}
