package io.t4j.data;

import io.t4j.tokenizers.BatchEncoding;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.Padding;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.tokenizers.Side;
import io.t4j.tokenizers.TruncationStrategy;
import java.util.List;

/**
 * {@link QuestionContextTokenizer} over HF's fast tokenizer ({@link PreTrainedTokenizer}): the calls run_qa.py makes,
 * {@code tokenizer(q, c, truncation="only_second", max_length=..., stride=..., return_overflowing_tokens=True,
 * return_offsets_mapping=True, padding=...)}, with sequence ids read from each window ({@code sequence_ids(i)}).
 * Padding is the tokenizer's: its pad id on its padding side. Made by {@link QuestionContextTokenizer#of}.
 */
final class PreTrainedQuestionContextTokenizer implements QuestionContextTokenizer {
    private final PreTrainedTokenizer tokenizer;

    PreTrainedQuestionContextTokenizer(PreTrainedTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    @Override
    public int numSpecialTokensToAdd() {
        return tokenizer.numSpecialTokensToAdd(true);
    }

    @Override
    public int[] tokenCounts(List<String> texts) {
        BatchEncoding enc = tokenizer.encode(texts, EncodeOptions.noTruncation().withAddSpecialTokens(false));
        int[] counts = new int[enc.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = enc.inputIds()[i].length;
        }
        return counts;
    }

    @Override
    public QaWindows encodeWithOverflow(List<String> text, List<String> textPair, boolean truncateSecond, int maxLength,
                                       int stride, boolean padToMaxLength) {
        EncodeOptions options = EncodeOptions.defaults()
                .withTruncation(truncateSecond ? TruncationStrategy.ONLY_SECOND : TruncationStrategy.ONLY_FIRST)
                .withMaxLength(maxLength).withStride(stride).withReturnOverflowingTokens(true)
                .withReturnOffsetsMapping(true).withReturnSequenceIds(true)
                .withPadding(padToMaxLength ? Padding.MAX_LENGTH : Padding.DO_NOT_PAD);
        BatchEncoding enc = tokenizer.encodePairs(text, textPair, options);
        int n = enc.size();
        int[][] offsets = new int[n][];
        for (int w = 0; w < n; w++) {
            int[] starts = enc.offsetStarts()[w];
            int[] ends = enc.offsetEnds()[w];
            offsets[w] = new int[2 * starts.length];
            for (int t = 0; t < starts.length; t++) {
                offsets[w][2 * t] = starts[t];
                offsets[w][2 * t + 1] = ends[t];
            }
        }
        return new QaWindows(enc.inputIds(), enc.attentionMask(), enc.tokenTypeIds(), offsets, enc.sequenceIds(),
                enc.overflowToSampleMapping());
    }

    @Override
    public boolean padOnRight() {
        return tokenizer.paddingSide() == Side.RIGHT;
    }

    @Override
    public Integer clsTokenId() {
        return tokenizer.clsToken() == null ? null : tokenizer.clsTokenId();
    }

    @Override
    public Integer bosTokenId() {
        return tokenizer.bosToken() == null ? null : tokenizer.bosTokenId();
    }
}
