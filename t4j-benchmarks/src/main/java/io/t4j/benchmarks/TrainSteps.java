package io.t4j.benchmarks;

import java.util.ArrayList;
import java.util.List;

/** Pairs a Trainer run's step times ({@link StepTimer}) with its batches ({@link TokenCountingDataset}). */
public final class TrainSteps {
    private TrainSteps() {}

    /**
     * One optimizer step (one batch: gradient accumulation 1).
     *
     * @param nanos        on_step_begin to on_step_end
     * @param rows         examples
     * @param realTokens   non-pad tokens
     * @param paddedTokens positions including pads
     * @param batchReady   the batch was padded before the step began (the prefetch queue was not empty)
     */
    public record Step(long nanos, int rows, long realTokens, long paddedTokens, boolean batchReady) {}

    /**
     * Throughput over the timed steps.
     *
     * @param steps                 timed steps
     * @param medianStepMs          median step time
     * @param samplesPerSecond      examples / total step time
     * @param realTokensPerSecond   real tokens / total step time
     * @param paddedTokensPerSecond padded positions / total step time
     * @param meanRealLength        real tokens per example
     * @param meanPaddedLength      padded length per example
     * @param batchesNotReady       timed steps whose batch was not padded when the step began
     */
    public record Throughput(int steps, double medianStepMs, double samplesPerSecond, double realTokensPerSecond,
                             double paddedTokensPerSecond, double meanRealLength, double meanPaddedLength,
                             int batchesNotReady) {}

    /** Step i = begins[i]..ends[i] with batch i; steps without a recorded batch are an error. */
    public static List<Step> combine(List<Long> begins, List<Long> ends, List<TokenCountingDataset.Batch> batches) {
        if (begins.size() != ends.size() || batches.size() < ends.size()) {
            throw new IllegalStateException("step records do not line up: " + begins.size() + " step begins, "
                    + ends.size() + " step ends, " + batches.size() + " padded batches (gradient accumulation must be 1)");
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < ends.size(); i++) {
            TokenCountingDataset.Batch b = batches.get(i);
            steps.add(new Step(ends.get(i) - begins.get(i), b.rows(), b.realTokens(), b.paddedTokens(),
                    b.doneNanos() <= begins.get(i)));
        }
        return steps;
    }

    /** Throughput of the steps after the first {@code warmup}. */
    public static Throughput summarize(List<Step> all, int warmup) {
        if (all.size() <= warmup) {
            throw new IllegalArgumentException("no timed steps: " + all.size() + " steps with " + warmup + " warm-up steps");
        }
        List<Step> timed = all.subList(warmup, all.size());
        double seconds = timed.stream().mapToLong(Step::nanos).sum() / 1e9;
        long rows = timed.stream().mapToLong(Step::rows).sum();
        long real = timed.stream().mapToLong(Step::realTokens).sum();
        long padded = timed.stream().mapToLong(Step::paddedTokens).sum();
        int notReady = (int) timed.stream().filter(s -> !s.batchReady()).count();
        double median = Stats.median(timed.stream().mapToDouble(s -> s.nanos() / 1e6).toArray());
        return new Throughput(timed.size(), median, rows / seconds, real / seconds, padded / seconds,
                (double) real / rows, (double) padded / rows, notReady);
    }
}
