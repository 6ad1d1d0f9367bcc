package io.t4j.pipelines;

import java.util.List;

/**
 * The call options of HF's token-classification pipeline.
 *
 * @param aggregationStrategy how tokens become entities (HF's default {@link AggregationStrategy#NONE})
 * @param ignoreLabels        labels (or, when grouping, entity types) left out of the results (HF's default
 *                            {@code ["O"]})
 * @param stride              null: a text is truncated to the model's maximum length (HF's default; a warning names
 *                            how many texts were cut). A number: the whole text runs in overlapping windows of the
 *                            maximum length sharing {@code stride} tokens, each token scored by the window where it has
 *                            the most context and the windows' tokens aggregated as one text, so an entity across a
 *                            window edge comes out whole (needs an aggregation strategy other than none, as in HF)
 * @param batchSize           texts per forward (every window of a text goes into its batch)
 */
public record TokenClassificationOptions(AggregationStrategy aggregationStrategy, List<String> ignoreLabels,
                                         Integer stride, int batchSize) {
    public TokenClassificationOptions {
        if (aggregationStrategy == null) {
            throw new IllegalArgumentException("aggregation_strategy must be one of none, simple, first, average, max");
        }
        ignoreLabels = ignoreLabels == null ? List.of("O") : List.copyOf(ignoreLabels);
        if (stride != null && stride < 0) {
            throw new IllegalArgumentException("stride must be >= 0, got " + stride);
        }
        if (stride != null && aggregationStrategy == AggregationStrategy.NONE) {
            throw new IllegalArgumentException("stride was given to process the whole text but aggregation_strategy is "
                    + "\"none\": overlapping windows can only be merged as entities; choose simple, first, average or max");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be at least 1, got " + batchSize);
        }
    }

    /** HF's defaults (no aggregation, ignore "O", truncation), 32 texts per forward. */
    public static TokenClassificationOptions defaults() {
        return new TokenClassificationOptions(AggregationStrategy.NONE, List.of("O"), null, 32);
    }

    public TokenClassificationOptions withAggregationStrategy(AggregationStrategy value) {
        return new TokenClassificationOptions(value, ignoreLabels, stride, batchSize);
    }

    public TokenClassificationOptions withIgnoreLabels(List<String> value) {
        return new TokenClassificationOptions(aggregationStrategy, value, stride, batchSize);
    }

    public TokenClassificationOptions withStride(Integer value) {
        return new TokenClassificationOptions(aggregationStrategy, ignoreLabels, value, batchSize);
    }

    public TokenClassificationOptions withBatchSize(int value) {
        return new TokenClassificationOptions(aggregationStrategy, ignoreLabels, stride, value);
    }
}
