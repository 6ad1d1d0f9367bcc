package io.t4j.tokenizers;

/**
 * The keyword arguments of HF's {@code tokenizer(texts, padding=..., truncation=..., max_length=...,
 * pad_to_multiple_of=..., add_special_tokens=...)}.
 *
 * <p>{@code maxLength} null means the tokenizer's {@code model_max_length} (for truncation and for
 * {@link Padding#MAX_LENGTH}). Truncation of pairs is HF's {@code "longest_first"}. {@code padToMultipleOf} only
 * applies when padding.
 */
public record EncodeOptions(Padding padding, boolean truncation, Integer maxLength, Integer padToMultipleOf,
                            boolean addSpecialTokens) {
    public EncodeOptions {
        if (padding == null) {
            throw new TokenizerException("padding must be one of " + java.util.Arrays.toString(Padding.values()) + ", got null");
        }
        if (maxLength != null && maxLength <= 0) {
            throw new TokenizerException("max_length must be positive, got " + maxLength);
        }
        if (padToMultipleOf != null && padToMultipleOf <= 0) {
            throw new TokenizerException("pad_to_multiple_of must be positive, got " + padToMultipleOf);
        }
    }

    /** HF's defaults: no padding, truncation to {@code model_max_length}, special tokens added. */
    public static EncodeOptions defaults() {
        return new EncodeOptions(Padding.DO_NOT_PAD, true, null, null, true);
    }

    /** {@code padding="longest", truncation=True}: what a classification batch usually wants. */
    public static EncodeOptions padLongest() {
        return defaults().withPadding(Padding.LONGEST);
    }

    /** {@code padding="max_length", truncation=True, max_length=maxLength}. */
    public static EncodeOptions padToMaxLength(int maxLength) {
        return defaults().withPadding(Padding.MAX_LENGTH).withMaxLength(maxLength);
    }

    /** {@code truncation=False}: keep whole sequences, even past {@code model_max_length}. */
    public static EncodeOptions noTruncation() {
        return defaults().withTruncation(false);
    }

    public EncodeOptions withPadding(Padding value) {
        return new EncodeOptions(value, truncation, maxLength, padToMultipleOf, addSpecialTokens);
    }

    public EncodeOptions withTruncation(boolean value) {
        return new EncodeOptions(padding, value, maxLength, padToMultipleOf, addSpecialTokens);
    }

    public EncodeOptions withMaxLength(Integer value) {
        return new EncodeOptions(padding, truncation, value, padToMultipleOf, addSpecialTokens);
    }

    public EncodeOptions withPadToMultipleOf(Integer value) {
        return new EncodeOptions(padding, truncation, maxLength, value, addSpecialTokens);
    }

    public EncodeOptions withAddSpecialTokens(boolean value) {
        return new EncodeOptions(padding, truncation, maxLength, padToMultipleOf, value);
    }
}
