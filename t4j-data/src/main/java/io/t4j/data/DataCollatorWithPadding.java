package io.t4j.data;

import io.t4j.tokenizers.Padding;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.tokenizers.Side;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HF's {@code DataCollatorWithPadding} ({@code data/data_collator.py}): pads tokenized rows with the tokenizer's
 * pad id on its padding side, builds {@code attention_mask}, keeps {@code token_type_ids} only when the tokenizer
 * returns them, and turns {@code label}/{@code labels} into {@code labels} (int64; float32 for regression; float32
 * [B,L] for multi-label 0/1 vectors); QA positions and
 * next-sentence labels pass through under their names.
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

    /** The padded rows of {@code dataset} at {@code rows} with their labels, as arrays. Safe to call on any thread. */
    @Override
    public PaddedBatch pad(Dataset dataset, int[] rows) {
        PaddedBatch batch = padInputs(dataset, rows);
        return new PaddedBatch(batch.batchSize(), batch.length(), batch.inputIds(), batch.attentionMask(),
                batch.tokenTypeIds(), batch.realTokens(), labelArrays(dataset, rows, null));
    }

    /** The padded inputs of {@code rows}, without labels. */
    PaddedBatch padInputs(Dataset dataset, int[] rows) {
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
        return new PaddedBatch(b, length, inputIds, mask, typeIds, real);
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

    /**
     * The label columns the batch carries, by HF name: {@code label}, {@code labels} or {@code label_ids} become
     * {@code labels} (HF's renaming); {@code start_positions}, {@code end_positions} and {@code next_sentence_label}
     * keep theirs. An int column gives int64 [B], a float column float32 [B], a multi-label column of 0/1 vectors
     * ({@link FloatListColumn}) float32 [B,L]. Token labels (a ragged column) need
     * {@link DataCollatorForTokenClassification}, which pads them.
     */
    static Map<String, NdArray> labelArrays(Dataset dataset, int[] rows, String skip) {
        Map<String, NdArray> out = new LinkedHashMap<>();
        for (String column : dataset.formatColumns()) {
            String name = LABEL_COLUMNS.get(column);
            if (name == null || column.equals(skip)) {
                continue;
            }
            if (out.containsKey(name)) {
                throw new DataException("the dataset has two label columns for '" + name + "' (" + String.join(", ",
                        dataset.formatColumns()) + "); remove or rename one");
            }
            out.put(name, switch (dataset.column(column)) {
                case LongColumn c -> NdArray.ofLongs(gather(rows, c::get), rows.length);
                case DoubleColumn c -> NdArray.ofFloats(gatherFloats(rows, c::get), rows.length);
                case FloatListColumn c -> multiLabel(column, c, rows);
                case TokenColumn c -> throw new DataException("label column '" + column + "' holds one label per token; "
                        + "batch it with DataCollatorForTokenClassification, which pads labels with -100");
                default -> throw new DataException("label column '" + column + "' is " + dataset.features().get(column)
                        + "; labels must be integers (classes, positions), floats (regression) or 0/1 vectors (multi-label)");
            });
        }
        return out;
    }

    /** Dataset column names that are labels, and the name each goes by in the batch. */
    static final Map<String, String> LABEL_COLUMNS = Map.of("label", "labels", "labels", "labels", "label_ids", "labels",
            "start_positions", "start_positions", "end_positions", "end_positions",
            "next_sentence_label", "next_sentence_label");

    /** Multi-label targets of {@code rows}: float32 [B,L]; every row must have the same L. */
    private static NdArray multiLabel(String column, FloatListColumn c, int[] rows) {
        int width = rows.length == 0 ? 0 : c.length(rows[0]);
        float[] out = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            if (c.length(rows[i]) != width) {
                throw new DataException("label column '" + column + "': row " + rows[i] + " has " + c.length(rows[i])
                        + " multi-label targets but row " + rows[0] + " has " + width + "; every row needs one per label");
            }
            c.copyRow(rows[i], out, i * width);
        }
        return NdArray.ofFloats(out, rows.length, width);
    }

    private static long[] gather(int[] rows, java.util.function.IntToLongFunction get) {
        long[] out = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = get.applyAsLong(rows[i]);
        }
        return out;
    }

    private static float[] gatherFloats(int[] rows, java.util.function.IntToDoubleFunction get) {
        float[] out = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = (float) get.applyAsDouble(rows[i]);
        }
        return out;
    }
}
