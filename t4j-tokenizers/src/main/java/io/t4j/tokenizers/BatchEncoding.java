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

    /** HF's {@code return_tensors="pt"}: int64 {@code [B, T]} tensors. The batch must be padded to one length. */
    public ModelInputs toTensors() {
        if (!isRectangular()) {
            throw new TokenizerException("the batch has rows of different lengths; encode with padding LONGEST or "
                    + "MAX_LENGTH before making tensors");
        }
        int b = inputIds.length;
        int t = b == 0 ? 0 : inputIds[0].length;
        return ModelInputs.fromArrays(b, t, flatten(inputIds, t), flatten(attentionMask, t),
                tokenTypeIds == null ? null : flatten(tokenTypeIds, t), null);
    }

    private static int[] flatten(int[][] rows, int length) {
        int[] flat = new int[rows.length * length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * length, length);
        }
        return flat;
    }
}
