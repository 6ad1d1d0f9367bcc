package io.t4j.pipelines;

/**
 * The call options of the feature-extraction pipeline.
 *
 * @param pooling   how a text's token vectors become one vector, or null for the token vectors themselves (HF's
 *                  feature-extraction output)
 * @param normalize L2-normalise pooled vectors
 * @param batchSize texts per forward
 * @param truncation truncate to the model's max length
 */
public record FeatureExtractionOptions(Pooling pooling, boolean normalize, int batchSize, boolean truncation) {
    public FeatureExtractionOptions {
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
}
