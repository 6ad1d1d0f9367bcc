package io.t4j.data;

/**
 * run_qa.py's {@code DataTrainingArguments} for features.
 *
 * @param maxSeqLength {@code max_seq_length}: tokens per window, question and special tokens included (384)
 * @param docStride {@code doc_stride}: tokens of context shared by consecutive windows (128)
 * @param padToMaxLength {@code pad_to_max_length}: pad every window to {@code maxSeqLength} (true in run_qa);
 *     false leaves padding to the collator
 */
public record QaFeatureOptions(int maxSeqLength, int docStride, boolean padToMaxLength) {
    public QaFeatureOptions {
        if (maxSeqLength < 1) {
            throw new DataException("max_seq_length must be positive, got " + maxSeqLength);
        }
        if (docStride < 0) {
            throw new DataException("doc_stride must not be negative, got " + docStride);
        }
    }

    /** run_qa.py's defaults: {@code max_seq_length=384, doc_stride=128, pad_to_max_length=True}. */
    public static QaFeatureOptions defaults() {
        return new QaFeatureOptions(384, 128, true);
    }
}
