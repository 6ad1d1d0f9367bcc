package io.t4j.tokenizers;

/**
 * The keyword arguments of HF's {@code tokenizer(texts, padding=..., truncation=..., max_length=..., stride=...,
 * pad_to_multiple_of=..., add_special_tokens=..., return_overflowing_tokens=..., return_offsets_mapping=...,
 * return_special_tokens_mask=...)}.
 *
 * <p>{@code maxLength} null means the tokenizer's {@code model_max_length} (for truncation and for
 * {@link Padding#MAX_LENGTH}). {@code truncationStrategy} says which sequence of a pair is shortened (HF's
 * {@code truncation="only_second"} is {@code withTruncation(TruncationStrategy.ONLY_SECOND)}). {@code padToMultipleOf}
 * only applies when padding.
 *
 * <p>The {@code return*} flags cost time, so {@link PreTrainedTokenizer} reads those arrays only when asked:
 * {@code returnWordIds} and {@code returnSequenceIds} stand for HF's {@code encoding.word_ids()} and
 * {@code sequence_ids()}, which HF's fast tokenizer always keeps. {@code stride} only matters with
 * {@code returnOverflowingTokens}: consecutive windows of a long text share {@code stride} tokens.
 */
public record EncodeOptions(Padding padding, boolean truncation, Integer maxLength, Integer padToMultipleOf,
                            boolean addSpecialTokens, TruncationStrategy truncationStrategy, int stride,
                            boolean returnOverflowingTokens, boolean returnOffsetsMapping,
                            boolean returnSpecialTokensMask, boolean returnWordIds, boolean returnSequenceIds) {
    public EncodeOptions {
        if (padding == null) {
            throw new TokenizerException("padding must be one of " + java.util.Arrays.toString(Padding.values()) + ", got null");
        }
        if (truncationStrategy == null) {
            throw new TokenizerException("truncation strategy must be one of "
                    + java.util.Arrays.toString(TruncationStrategy.values()) + ", got null");
        }
        if (maxLength != null && maxLength <= 0) {
            throw new TokenizerException("max_length must be positive, got " + maxLength);
        }
        if (padToMultipleOf != null && padToMultipleOf <= 0) {
            throw new TokenizerException("pad_to_multiple_of must be positive, got " + padToMultipleOf);
        }
        if (stride < 0) {
            throw new TokenizerException("stride must be >= 0, got " + stride);
        }
    }

    /** The options before overflow, offsets and word ids existed (longest_first, nothing extra returned). */
    public EncodeOptions(Padding padding, boolean truncation, Integer maxLength, Integer padToMultipleOf, boolean addSpecialTokens) {
        this(padding, truncation, maxLength, padToMultipleOf, addSpecialTokens, TruncationStrategy.LONGEST_FIRST, 0,
                false, false, false, false, false);
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

    /** True when any array besides ids, type ids and the attention mask is asked for. */
    public boolean returnsMoreThanIds() {
        return returnOverflowingTokens || returnOffsetsMapping || returnSpecialTokensMask || returnWordIds || returnSequenceIds;
    }

    public EncodeOptions withPadding(Padding value) {
        return new EncodeOptions(value, truncation, maxLength, padToMultipleOf, addSpecialTokens, truncationStrategy,
                stride, returnOverflowingTokens, returnOffsetsMapping, returnSpecialTokensMask, returnWordIds, returnSequenceIds);
    }

    public EncodeOptions withTruncation(boolean value) {
        return new EncodeOptions(padding, value, maxLength, padToMultipleOf, addSpecialTokens, truncationStrategy,
                stride, returnOverflowingTokens, returnOffsetsMapping, returnSpecialTokensMask, returnWordIds, returnSequenceIds);
    }

    /** HF's {@code truncation="longest_first"|"only_first"|"only_second"}: truncation on, with this strategy. */
    public EncodeOptions withTruncation(TruncationStrategy value) {
        return new EncodeOptions(padding, true, maxLength, padToMultipleOf, addSpecialTokens, value,
                stride, returnOverflowingTokens, returnOffsetsMapping, returnSpecialTokensMask, returnWordIds, returnSequenceIds);
    }

    public EncodeOptions withMaxLength(Integer value) {
        return new EncodeOptions(padding, truncation, value, padToMultipleOf, addSpecialTokens, truncationStrategy,
                stride, returnOverflowingTokens, returnOffsetsMapping, returnSpecialTokensMask, returnWordIds, returnSequenceIds);
    }

    public EncodeOptions withPadToMultipleOf(Integer value) {
        return new EncodeOptions(padding, truncation, maxLength, value, addSpecialTokens, truncationStrategy,
                stride, returnOverflowingTokens, returnOffsetsMapping, returnSpecialTokensMask, returnWordIds, returnSequenceIds);
    }

    public EncodeOptions withAddSpecialTokens(boolean value) {
        return new EncodeOptions(padding, truncation, maxLength, padToMultipleOf, value, truncationStrategy,
                stride, returnOverflowingTokens, returnOffsetsMapping, returnSpecialTokensMask, returnWordIds, returnSequenceIds);
    }

    /** HF's {@code stride}: tokens shared by consecutive overflowing windows. */
    public EncodeOptions withStride(int value) {
        return new EncodeOptions(padding, truncation, maxLength, padToMultipleOf, addSpecialTokens, truncationStrategy,
                value, returnOverflowingTokens, returnOffsetsMapping, returnSpecialTokensMask, returnWordIds, returnSequenceIds);
    }

    /**
     * HF's {@code return_overflowing_tokens=True}: a text longer than the maximum gives every window (each with its
     * special tokens), and {@link BatchEncoding#overflowToSampleMapping()} says which input each row came from.
     */
    public EncodeOptions withReturnOverflowingTokens(boolean value) {
        return new EncodeOptions(padding, truncation, maxLength, padToMultipleOf, addSpecialTokens, truncationStrategy,
                stride, value, returnOffsetsMapping, returnSpecialTokensMask, returnWordIds, returnSequenceIds);
    }

    /** HF's {@code return_offsets_mapping=True}: each token's character span in its text ((0, 0) for special tokens). */
    public EncodeOptions withReturnOffsetsMapping(boolean value) {
        return new EncodeOptions(padding, truncation, maxLength, padToMultipleOf, addSpecialTokens, truncationStrategy,
                stride, returnOverflowingTokens, value, returnSpecialTokensMask, returnWordIds, returnSequenceIds);
    }

    /** HF's {@code return_special_tokens_mask=True}: 1 for special tokens (and padding), 0 for the text's tokens. */
    public EncodeOptions withReturnSpecialTokensMask(boolean value) {
        return new EncodeOptions(padding, truncation, maxLength, padToMultipleOf, addSpecialTokens, truncationStrategy,
                stride, returnOverflowingTokens, returnOffsetsMapping, value, returnWordIds, returnSequenceIds);
    }

    /** Read HF's {@code encoding.word_ids()} for every row ({@link BatchEncoding#wordIds(int)}). */
    public EncodeOptions withReturnWordIds(boolean value) {
        return new EncodeOptions(padding, truncation, maxLength, padToMultipleOf, addSpecialTokens, truncationStrategy,
                stride, returnOverflowingTokens, returnOffsetsMapping, returnSpecialTokensMask, value, returnSequenceIds);
    }

    /** Read HF's {@code encoding.sequence_ids()} for every row ({@link BatchEncoding#sequenceIds(int)}). */
    public EncodeOptions withReturnSequenceIds(boolean value) {
        return new EncodeOptions(padding, truncation, maxLength, padToMultipleOf, addSpecialTokens, truncationStrategy,
                stride, returnOverflowingTokens, returnOffsetsMapping, returnSpecialTokensMask, returnWordIds, value);
    }
}
