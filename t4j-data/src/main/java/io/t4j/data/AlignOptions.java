package io.t4j.data;

/**
 * The options of HF run_ner.py's {@code tokenize_and_align_labels} ({@code DataTrainingArguments}).
 *
 * @param textColumn HF's {@code text_column_name}: the words ({@code tokens})
 * @param labelColumn HF's {@code label_column_name}: the label ids ({@code ner_tags})
 * @param maxSeqLength HF's {@code max_seq_length}: null for the tokenizer's {@code model_max_length}
 * @param padToMaxLength HF's {@code pad_to_max_length}: pad every row to {@code maxSeqLength} now (otherwise the
 *     collator pads each batch)
 * @param labelAllTokens HF's {@code label_all_tokens}: every sub-token of a word gets its label (B- turned into I-
 *     after the first), instead of -100 after the first
 */
public record AlignOptions(String textColumn, String labelColumn, Integer maxSeqLength, boolean padToMaxLength,
                           boolean labelAllTokens) {
    public AlignOptions {
        if (maxSeqLength != null && maxSeqLength <= 0) {
            throw new DataException("max_seq_length must be positive, got " + maxSeqLength);
        }
    }

    /** run_ner's defaults: {@code tokens} and {@code ner_tags}, the model's maximum length, no padding, first sub-token labelled. */
    public static AlignOptions defaults() {
        return new AlignOptions(TokenClassificationData.TOKENS, TokenClassificationData.NER_TAGS, null, false, false);
    }

    public AlignOptions withColumns(String text, String label) {
        return new AlignOptions(text, label, maxSeqLength, padToMaxLength, labelAllTokens);
    }

    public AlignOptions withMaxSeqLength(Integer value) {
        return new AlignOptions(textColumn, labelColumn, value, padToMaxLength, labelAllTokens);
    }

    public AlignOptions withPadToMaxLength(boolean value) {
        return new AlignOptions(textColumn, labelColumn, maxSeqLength, value, labelAllTokens);
    }

    public AlignOptions withLabelAllTokens(boolean value) {
        return new AlignOptions(textColumn, labelColumn, maxSeqLength, padToMaxLength, value);
    }
}
