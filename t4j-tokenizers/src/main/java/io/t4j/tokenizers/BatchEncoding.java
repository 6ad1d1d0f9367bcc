package io.t4j.tokenizers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * HF's {@code BatchEncoding}: what {@code tokenizer(texts, ...)} returns, as Java int arrays (one row per text, or
 * per window with {@link EncodeOptions#returnOverflowingTokens()}). Rows are ragged when the batch was not padded.
 *
 * <p>Arrays other than {@code inputIds} and {@code attentionMask} are null unless the tokenizer returns them
 * ({@code tokenTypeIds}) or the {@link EncodeOptions} asked for them:
 * <ul>
 *   <li>{@code specialTokensMask}: HF's {@code special_tokens_mask}, 1 for special tokens and padding;</li>
 *   <li>{@code wordIds}, {@code sequenceIds}: HF's {@code word_ids()} and {@code sequence_ids()} with
 *       {@link #NONE} (-1) where HF has None (special tokens, padding); {@link #wordIds(int)} and
 *       {@link #sequenceIds(int)} give HF's lists with nulls;</li>
 *   <li>{@code offsetStarts}, {@code offsetEnds}: HF's {@code offset_mapping} as two arrays: token {@code t} of row
 *       {@code r} covers {@code text.substring(offsetStarts[r][t], offsetEnds[r][t])} of its own text (the second
 *       text of a pair, or its word for pre-tokenized input, as in HF), in Java {@code char} indices; (0, 0) for
 *       special tokens and padding. {@link #offsetMapping(int)} gives HF's pairs;</li>
 *   <li>{@code overflowToSampleMapping}: HF's {@code overflow_to_sample_mapping}, the input each row came from.</li>
 * </ul>
 */
public record BatchEncoding(int[][] inputIds, int[][] attentionMask, int[][] tokenTypeIds, int[][] specialTokensMask,
                            int[][] wordIds, int[][] sequenceIds, int[][] offsetStarts, int[][] offsetEnds,
                            int[] overflowToSampleMapping) {
    /** HF's None in {@link #wordIds()} and {@link #sequenceIds()}. */
    public static final int NONE = -1;

    public BatchEncoding {
        int n = inputIds.length;
        if (attentionMask.length != n || (tokenTypeIds != null && tokenTypeIds.length != n)) {
            throw new IllegalArgumentException("input_ids, attention_mask and token_type_ids must have one row per text");
        }
        for (int[][] extra : new int[][][] {specialTokensMask, wordIds, sequenceIds, offsetStarts, offsetEnds}) {
            if (extra != null && extra.length != n) {
                throw new IllegalArgumentException("every returned array must have one row per input_ids row (" + n + ")");
            }
        }
        if ((offsetStarts == null) != (offsetEnds == null)) {
            throw new IllegalArgumentException("offset starts and ends come together");
        }
        if (overflowToSampleMapping != null && overflowToSampleMapping.length != n) {
            throw new IllegalArgumentException("overflow_to_sample_mapping must have one entry per row (" + n + ")");
        }
    }

    /** Ids, mask and token types only (what {@link EncodeOptions#defaults()} returns). */
    public BatchEncoding(int[][] inputIds, int[][] attentionMask, int[][] tokenTypeIds) {
        this(inputIds, attentionMask, tokenTypeIds, null, null, null, null, null, null);
    }

    /** Number of rows (texts, or windows with overflowing tokens). */
    public int size() {
        return inputIds.length;
    }

    /** HF's {@code word_ids(batch_index)}: the word of each token, null for special tokens and padding. */
    public List<Integer> wordIds(int batchIndex) {
        return boxed(require(wordIds, "word ids", "withReturnWordIds(true)")[batchIndex]);
    }

    /** HF's {@code sequence_ids(batch_index)}: 0 or 1 (second text of a pair) per token, null for special tokens. */
    public List<Integer> sequenceIds(int batchIndex) {
        return boxed(require(sequenceIds, "sequence ids", "withReturnSequenceIds(true)")[batchIndex]);
    }

    /** HF's {@code offset_mapping[batch_index]}: one {@code {start, end}} pair per token. */
    public int[][] offsetMapping(int batchIndex) {
        int[] starts = require(offsetStarts, "offsets", "withReturnOffsetsMapping(true)")[batchIndex];
        int[] ends = offsetEnds[batchIndex];
        int[][] pairs = new int[starts.length][];
        for (int t = 0; t < starts.length; t++) {
            pairs[t] = new int[] {starts[t], ends[t]};
        }
        return pairs;
    }

    /** True when every row has the same length (the batch can become tensors). */
    public boolean isRectangular() {
        for (int[] row : inputIds) {
            if (row.length != inputIds[0].length) {
                return false;
            }
        }
        return true;
    }

    private static int[][] require(int[][] array, String what, String option) {
        if (array == null) {
            throw new TokenizerException("this BatchEncoding has no " + what + ": encode with EncodeOptions." + option);
        }
        return array;
    }

    private static List<Integer> boxed(int[] row) {
        List<Integer> out = new ArrayList<>(row.length);
        for (int v : row) {
            out.add(v == NONE ? null : v);
        }
        return Collections.unmodifiableList(out);
    }
}
