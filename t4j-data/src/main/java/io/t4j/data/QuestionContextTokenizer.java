package io.t4j.data;

import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.List;

/**
 * The tokenizer calls {@link QaFeatures} makes, as run_qa.py makes them on an HF tokenizer. {@link #of} implements
 * it over HF's fast tokenizer (offsets mapping, sequence ids, overflowing windows with a stride); tests write small
 * ones by hand.
 */
public interface QuestionContextTokenizer {
    /** The calls over {@code tokenizer} (HF's fast tokenizer), padding with its pad id on its padding side. */
    static QuestionContextTokenizer of(PreTrainedTokenizer tokenizer) {
        return new PreTrainedQuestionContextTokenizer(tokenizer);
    }

    /** HF's {@code num_special_tokens_to_add(pair=True)}: 3 for BERT ({@code [CLS] q [SEP] c [SEP]}), 4 for RoBERTa. */
    int numSpecialTokensToAdd();

    /** The number of tokens of each text without special tokens ({@code len(tokenizer(t, add_special_tokens=False).input_ids)}). */
    int[] tokenCounts(List<String> texts);

    /**
     * HF's {@code tokenizer(text, textPair, truncation="only_second" if truncateSecond else "only_first",
     * max_length=maxLength, stride=stride, return_overflowing_tokens=True, return_offsets_mapping=True,
     * padding="max_length" if padToMaxLength else False)}.
     */
    QaWindows encodeWithOverflow(List<String> text, List<String> textPair, boolean truncateSecond, int maxLength,
                                 int stride, boolean padToMaxLength);

    /** HF's {@code tokenizer.padding_side == "right"}: the question goes first and the context second. */
    boolean padOnRight();

    /** The CLS token's id, or null when the tokenizer has none. */
    Integer clsTokenId();

    /** The BOS token's id, or null when the tokenizer has none. */
    Integer bosTokenId();
}
