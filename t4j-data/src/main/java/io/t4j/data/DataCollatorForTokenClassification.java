package io.t4j.data;

import io.t4j.tokenizers.Padding;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.tokenizers.Side;
import java.util.Arrays;

/**
 * HF's {@code DataCollatorForTokenClassification(tokenizer, padding=True, max_length=None, pad_to_multiple_of=None,
 * label_pad_token_id=-100)} ({@code data/data_collator.py}): pads the inputs as {@link DataCollatorWithPadding}
 * does, and pads the token-level {@code labels} (or {@code label}) column to the same length with
 * {@code label_pad_token_id} on the tokenizer's padding side. Labels go into {@link PaddedBatch#tokenLabels()},
 * [B, T] int64 once tensors.
 */
public final class DataCollatorForTokenClassification implements DataCollator {
    private final DataCollatorWithPadding padding;
    private final int labelPadTokenId;

    public DataCollatorForTokenClassification(PreTrainedTokenizer tokenizer, Padding padding, Integer maxLength,
                                              Integer padToMultipleOf, int labelPadTokenId) {
        this.padding = new DataCollatorWithPadding(tokenizer, padding, maxLength, padToMultipleOf);
        this.labelPadTokenId = labelPadTokenId;
    }

    /** HF's default: pad each batch to its longest row, labels with -100. */
    public DataCollatorForTokenClassification(PreTrainedTokenizer tokenizer) {
        this(tokenizer, Padding.LONGEST, null, null, TokenClassificationData.IGNORE_INDEX);
    }

    @Override
    public void check(Dataset dataset) {
        padding.check(dataset);
        String name = labelColumn(dataset);
        if (name == null) {
            return; // unlabelled (prediction): HF returns the padded inputs only
        }
        if (!(dataset.column(name) instanceof TokenColumn labels)) {
            throw new DataException("column '" + name + "' is " + dataset.features().get(name) + ", not token-level "
                    + "labels; DataCollatorForTokenClassification pads one label per token (tokenize_and_align_labels)");
        }
        TokenColumn ids = dataset.tokens("input_ids");
        for (int r = 0; r < dataset.numRows(); r++) {
            if (labels.length(r) != ids.length(r)) {
                throw new DataException("row " + r + ": " + ids.length(r) + " input_ids but " + labels.length(r) + " "
                        + name + "; token labels need one label per token");
            }
        }
    }

    @Override
    public PaddedBatch pad(Dataset dataset, int[] rows) {
        PaddedBatch inputs = padding.pad(dataset, rows);
        String name = labelColumn(dataset);
        if (name == null) {
            return inputs;
        }
        TokenColumn labels = dataset.tokens(name);
        int length = inputs.length();
        int[] tokenLabels = new int[rows.length * length];
        Arrays.fill(tokenLabels, labelPadTokenId);
        boolean right = padding.tokenizer().paddingSide() == Side.RIGHT;
        for (int i = 0; i < rows.length; i++) {
            int n = labels.length(rows[i]);
            labels.copyRow(rows[i], tokenLabels, i * length + (right ? 0 : length - n));
        }
        return new PaddedBatch(inputs.batchSize(), length, inputs.inputIds(), inputs.attentionMask(), inputs.tokenTypeIds(),
                null, null, inputs.realTokens(), tokenLabels, null);
    }

    /** HF: {@code "label"} if the features have it, else {@code "labels"}; null when neither is formatted. */
    private static String labelColumn(Dataset dataset) {
        for (String name : new String[] {"label", "labels"}) {
            if (dataset.formatColumns().contains(name)) {
                return name;
            }
        }
        return null;
    }
}
