package io.t4j.data;

import io.t4j.tokenizers.Padding;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.tokenizers.Side;
import java.util.Arrays;
import java.util.Map;

/**
 * HF's {@code DataCollatorForTokenClassification(tokenizer, label_pad_token_id=-100)} ({@code data/data_collator.py}):
 * pads the inputs like {@link DataCollatorWithPadding} and the per-token {@code labels} (a ragged int column, one
 * label per token, -100 where no label is predicted) to the batch length with {@code labelPadTokenId}, on the
 * tokenizer's padding side, into int64 [B,T]. Works with dynamic padding and length grouping, as any collator.
 */
public final class DataCollatorForTokenClassification implements DataCollator {
    /** HF's {@code label_pad_token_id} default: the index cross-entropy ignores. */
    public static final int LABEL_PAD_TOKEN_ID = -100;

    private final DataCollatorWithPadding padding;
    private final int labelPadTokenId;

    public DataCollatorForTokenClassification(PreTrainedTokenizer tokenizer, Padding padding, Integer maxLength,
                                              Integer padToMultipleOf, int labelPadTokenId) {
        this.padding = new DataCollatorWithPadding(tokenizer, padding, maxLength, padToMultipleOf);
        this.labelPadTokenId = labelPadTokenId;
    }

    /** HF's default: pad to the longest row, labels padded with -100. */
    public DataCollatorForTokenClassification(PreTrainedTokenizer tokenizer) {
        this(tokenizer, Padding.LONGEST, null, null, LABEL_PAD_TOKEN_ID);
    }

    @Override
    public void check(Dataset dataset) {
        padding.check(dataset);
        String column = tokenLabelColumn(dataset);
        if (column == null) {
            return; // prediction data: no labels
        }
        TokenColumn labels = dataset.tokens(column);
        TokenColumn ids = dataset.tokens("input_ids");
        for (int r = 0; r < dataset.numRows(); r++) {
            if (labels.length(r) != ids.length(r)) {
                throw new DataException("row " + r + ": '" + column + "' has " + labels.length(r) + " labels but "
                        + ids.length(r) + " tokens; align labels to tokens first (one per token, -100 where ignored)");
            }
        }
    }

    @Override
    public PaddedBatch pad(Dataset dataset, int[] rows) {
        String column = tokenLabelColumn(dataset);
        PaddedBatch batch = padding.padInputs(dataset, rows);
        Map<String, NdArray> all = DataCollatorWithPadding.labelArrays(dataset, rows, column);
        if (column == null) {
            return new PaddedBatch(batch.batchSize(), batch.length(), batch.inputIds(), batch.attentionMask(),
                    batch.tokenTypeIds(), batch.realTokens(), all);
        }
        TokenColumn labels = dataset.tokens(column);
        int t = batch.length();
        int[] out = new int[rows.length * t];
        Arrays.fill(out, labelPadTokenId);
        boolean right = padding.tokenizer().paddingSide() == Side.RIGHT;
        for (int i = 0; i < rows.length; i++) {
            int n = labels.length(rows[i]);
            labels.copyRow(rows[i], out, i * t + (right ? 0 : t - n));
        }
        all.put("labels", NdArray.ofInts(out, rows.length, t));
        return new PaddedBatch(batch.batchSize(), t, batch.inputIds(), batch.attentionMask(), batch.tokenTypeIds(),
                batch.realTokens(), all);
    }

    /** The ragged label column ({@code labels} or {@code label}), or null when the data has none. */
    private static String tokenLabelColumn(Dataset dataset) {
        for (String name : new String[] {"labels", "label"}) {
            if (dataset.formatColumns().contains(name) && dataset.column(name) instanceof TokenColumn) {
                return name;
            }
        }
        return null;
    }
}
