package io.t4j.data;

import io.t4j.tokenizers.Padding;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.tokenizers.Side;
import java.util.Arrays;

/**
 * HF's {@code DataCollatorWithPadding} ({@code data/data_collator.py}): pads tokenized rows with the tokenizer's
 * pad id on its padding side, builds {@code attention_mask}, keeps {@code token_type_ids} only when the tokenizer
 * returns them, and turns {@code label}/{@code labels} into {@code labels} (int64; float32 for regression).
 *
 * <p>Like HF's {@code tokenizer.pad}, it does not truncate: with {@link Padding#MAX_LENGTH} a row longer than
 * {@code maxLength} is an error (tokenize with truncation first).
 */
public final class DataCollatorWithPadding implements DataCollator {
    private final PreTrainedTokenizer tokenizer;
    private final Padding padding;
    private final Integer maxLength;
    private final Integer padToMultipleOf;

    public DataCollatorWithPadding(PreTrainedTokenizer tokenizer, Padding padding, Integer maxLength, Integer padToMultipleOf) {
        if (padding == Padding.DO_NOT_PAD) {
            throw new DataException("DataCollatorWithPadding needs padding LONGEST or MAX_LENGTH, got DO_NOT_PAD");
        }
        if (padding == Padding.MAX_LENGTH && maxLength == null && tokenizer.modelMaxLength() == PreTrainedTokenizer.NO_MAX_LENGTH) {
            throw new DataException("padding MAX_LENGTH needs a max_length: the tokenizer in " + tokenizer.source()
                    + " has no model_max_length");
        }
        if (tokenizer.padTokenId() == null) {
            throw new DataException("the tokenizer in " + tokenizer.source() + " has no pad_token, so batches cannot be padded");
        }
        this.tokenizer = tokenizer;
        this.padding = padding;
        this.maxLength = maxLength;
        this.padToMultipleOf = padToMultipleOf;
    }

    /** HF's default: {@code DataCollatorWithPadding(tokenizer)}, padding to the longest row. */
    public DataCollatorWithPadding(PreTrainedTokenizer tokenizer) {
        this(tokenizer, Padding.LONGEST, null, null);
    }

    /** Checks that {@code dataset} has what this collator reads; the DataLoader calls it before the first batch. */
    @Override
    public void check(Dataset dataset) {
        if (!dataset.formatColumns().contains("input_ids") || !(dataset.column("input_ids") instanceof TokenColumn)) {
            throw new DataException("the dataset has no tokenized input_ids column to collate (columns: "
                    + String.join(", ", dataset.formatColumns()) + "); call tokenize(...) first");
        }
    }

    /** The padded rows of {@code dataset} at {@code rows}, as arrays. Safe to call on any thread. */
    @Override
    public PaddedBatch pad(Dataset dataset, int[] rows) {
        TokenColumn ids = dataset.tokens("input_ids");
        int length = targetLength(ids, rows);
        int b = rows.length;
        int[] inputIds = new int[b * length];
        int[] mask = new int[b * length];
        Arrays.fill(inputIds, tokenizer.padTokenId());
        TokenColumn types = tokenTypes(dataset);
        int[] typeIds = types == null ? null : new int[b * length];
        long real = 0;
        for (int i = 0; i < b; i++) {
            int n = ids.length(rows[i]);
            int at = i * length + (tokenizer.paddingSide() == Side.RIGHT ? 0 : length - n);
            ids.copyRow(rows[i], inputIds, at);
            Arrays.fill(mask, at, at + n, 1);
            if (typeIds != null) {
                types.copyRow(rows[i], typeIds, at);
            }
            real += n;
        }
        return new PaddedBatch(b, length, inputIds, mask, typeIds, longLabels(dataset, rows), floatLabels(dataset, rows), real,
                null, nextSentenceLabels(dataset, rows));
    }

    /** The tokenizer whose pad id and padding side this collator uses. */
    public PreTrainedTokenizer tokenizer() {
        return tokenizer;
    }

    private int targetLength(TokenColumn ids, int[] rows) {
        int longest = 0;
        for (int r : rows) {
            longest = Math.max(longest, ids.length(r));
        }
        int target = longest;
        if (padding == Padding.MAX_LENGTH) {
            target = maxLength != null ? maxLength : tokenizer.modelMaxLength();
            if (longest > target) {
                throw new DataException("a row has " + longest + " tokens, more than max_length " + target
                        + "; tokenize with truncation to at most " + target + " tokens");
            }
        }
        if (padToMultipleOf != null && target % padToMultipleOf != 0) {
            target = (target / padToMultipleOf + 1) * padToMultipleOf;
        }
        return target;
    }

    private TokenColumn tokenTypes(Dataset dataset) {
        boolean wanted = tokenizer.returnsTokenTypeIds() && dataset.formatColumns().contains("token_type_ids");
        return wanted ? dataset.tokens("token_type_ids") : null;
    }

    private static String labelColumn(Dataset dataset) {
        for (String name : new String[] {"labels", "label"}) {
            if (dataset.formatColumns().contains(name)) {
                return name;
            }
        }
        return null;
    }

    private static long[] longLabels(Dataset dataset, int[] rows) {
        String name = labelColumn(dataset);
        if (name == null || !(dataset.column(name) instanceof LongColumn column)) {
            return null;
        }
        long[] out = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = column.get(rows[i]);
        }
        return out;
    }

    private static long[] nextSentenceLabels(Dataset dataset, int[] rows) {
        if (!dataset.formatColumns().contains("next_sentence_label")) {
            return null;
        }
        LongColumn column = dataset.longs("next_sentence_label");
        long[] out = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = column.get(rows[i]);
        }
        return out;
    }

    private static float[] floatLabels(Dataset dataset, int[] rows) {
        String name = labelColumn(dataset);
        if (name == null || !(dataset.column(name) instanceof DoubleColumn column)) {
            return null;
        }
        float[] out = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = (float) column.get(rows[i]);
        }
        return out;
    }
}
