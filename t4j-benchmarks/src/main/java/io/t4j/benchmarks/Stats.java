package io.t4j.benchmarks;

import java.util.Arrays;
import java.util.List;

/** Order statistics of timings: benchmarks on a shared machine report medians, not means. */
public final class Stats {
    private Stats() {}

    /** The median (the mean of the two middle values for an even count); NaN when empty. */
    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int mid = s.length / 2;
        return s.length % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    }

    public static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    public static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    public static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    /** Milliseconds since {@code startNanos}. */
    public static double msSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    /** Rounds to {@code digits} significant decimals, for readable JSON. */
    public static double round(double value, int digits) {
        if (!Double.isFinite(value)) {
            return value;
        }
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
