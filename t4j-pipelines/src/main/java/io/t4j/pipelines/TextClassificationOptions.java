package io.t4j.pipelines;

/**
 * The call options of HF's text-classification pipeline.
 *
 * @param topK            how many labels per text, best first; {@link #ALL_LABELS} for every label (HF's top_k=None)
 * @param functionToApply softmax/sigmoid/none, or null for HF's default by problem type
 * @param batchSize       texts per forward
 * @param truncation      truncate to the model's max length (else an over-long text is an error)
 * @param maxLength       truncate to this many tokens instead of the model's max length (HF's tokenizer kwarg
 *                        {@code max_length}), or null
 */
public record TextClassificationOptions(int topK, FunctionToApply functionToApply, int batchSize, boolean truncation,
                                        Integer maxLength) {
    public static final int ALL_LABELS = -1;

    /** The options without a max length of their own (the model's applies). */
    public TextClassificationOptions(int topK, FunctionToApply functionToApply, int batchSize, boolean truncation) {
        this(topK, functionToApply, batchSize, truncation, null);
    }

    public TextClassificationOptions {
        if (topK == 0 || topK < ALL_LABELS) {
            throw new IllegalArgumentException("top_k must be at least 1 (or ALL_LABELS), got " + topK);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be at least 1, got " + batchSize);
        }
        if (maxLength != null && maxLength < 1) {
            throw new IllegalArgumentException("max_length must be at least 1, got " + maxLength);
        }
    }

    /** HF's defaults: the best label only, default function, batch size 1... here 32 for throughput, truncation on. */
    public static TextClassificationOptions defaults() {
        return new TextClassificationOptions(1, null, 32, true, null);
    }

    public TextClassificationOptions withTopK(int k) {
        return new TextClassificationOptions(k, functionToApply, batchSize, truncation, maxLength);
    }

    public TextClassificationOptions withFunctionToApply(FunctionToApply f) {
        return new TextClassificationOptions(topK, f, batchSize, truncation, maxLength);
    }

    public TextClassificationOptions withBatchSize(int b) {
        return new TextClassificationOptions(topK, functionToApply, b, truncation, maxLength);
    }

    public TextClassificationOptions withTruncation(boolean t) {
        return new TextClassificationOptions(topK, functionToApply, batchSize, t, maxLength);
    }

    /** HF's {@code tokenizer_kwargs={"max_length": n}}: truncate to {@code n} tokens (null: the model's max length). */
    public TextClassificationOptions withMaxLength(Integer n) {
        return new TextClassificationOptions(topK, functionToApply, batchSize, truncation, n);
    }
}
