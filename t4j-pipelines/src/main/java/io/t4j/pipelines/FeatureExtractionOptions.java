package io.t4j.pipelines;

/**
 * The call options of the feature-extraction pipeline.
 *
 * @param pooling   how a text's token vectors become one vector, or null for the token vectors themselves (HF's
 *                  feature-extraction output)
 * @param normalize L2-normalise pooled vectors
 * @param batchSize texts per forward
 * @param truncation truncate to the model's max length
 * @param maxLength truncate to this many tokens instead of the model's max length (null: the model's)
 */
public record FeatureExtractionOptions(Pooling pooling, boolean normalize, int batchSize, boolean truncation,
                                       Integer maxLength) {
    /** The options without a max length of their own (the model's applies). */
    public FeatureExtractionOptions(Pooling pooling, boolean normalize, int batchSize, boolean truncation) {
        this(pooling, normalize, batchSize, truncation, null);
    }

    public FeatureExtractionOptions {
        if (maxLength != null && maxLength < 1) {
            throw new IllegalArgumentException("max_length must be at least 1, got " + maxLength);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be at least 1, got " + batchSize);
        }
        if (normalize && pooling == null) {
            throw new IllegalArgumentException("normalize applies to pooled vectors: choose a pooling");
        }
    }

    /** Token vectors per text, 32 texts per forward. */
    public static FeatureExtractionOptions tokens() {
        return new FeatureExtractionOptions(null, false, 32, true);
    }

    /** One vector per text, pooled as asked. */
    public static FeatureExtractionOptions pooled(Pooling pooling, boolean normalize, int batchSize) {
        return new FeatureExtractionOptions(pooling, normalize, batchSize, true);
    }

    /** Truncate to {@code n} tokens (null: the model's max length). */
    public FeatureExtractionOptions withMaxLength(Integer n) {
        return new FeatureExtractionOptions(pooling, normalize, batchSize, truncation, n);
    }
}
