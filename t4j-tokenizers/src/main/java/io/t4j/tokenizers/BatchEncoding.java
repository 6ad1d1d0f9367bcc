package io.t4j.tokenizers;

/**
 * HF's {@code BatchEncoding}: what {@code tokenizer(texts, ...)} returns, as Java int arrays (one row per text).
 * Rows are ragged when the batch was not padded. {@code tokenTypeIds} is null when the tokenizer returns none.
 */
public record BatchEncoding(int[][] inputIds, int[][] attentionMask, int[][] tokenTypeIds) {
    public BatchEncoding {
        if (attentionMask.length != inputIds.length || (tokenTypeIds != null && tokenTypeIds.length != inputIds.length)) {
            throw new IllegalArgumentException("input_ids, attention_mask and token_type_ids must have one row per text");
        }
    }

    /** Number of rows (texts). */
    public int size() {
        return inputIds.length;
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
}
