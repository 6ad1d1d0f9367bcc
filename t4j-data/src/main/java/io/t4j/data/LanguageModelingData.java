package io.t4j.data;

import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How HF's examples/pytorch/language-modeling/run_mlm.py turns raw text into masked-LM examples, before the
 * {@link DataCollatorForLanguageModeling} masks them:
 * <ul>
 *   <li>{@link #groupTexts} (run_mlm's default): every line tokenized with its special tokens and no truncation,
 *       all of them concatenated, and the stream cut into blocks of {@code blockSize} tokens; the last partial block
 *       is dropped, as HF does. A line longer than a block is not truncated: it continues in the next block.</li>
 *   <li>{@link #lineByLine} ({@code --line_by_line}): one example per line, truncated to {@code maxSeqLength}
 *       tokens. How many lines were truncated is logged and returned.</li>
 * </ul>
 */
public final class LanguageModelingData {
    private static final Logger LOG = LoggerFactory.getLogger(LanguageModelingData.class);

    private LanguageModelingData() {}

    /**
     * The examples and what happened to the lines.
     *
     * @param dataset  tokenized examples (input_ids, attention_mask and, for BERT, token_type_ids)
     * @param lines    input lines
     * @param tokens   tokens of all lines (special tokens included) before grouping or truncation
     * @param longLines lines with more tokens than {@code maxSeqLength}/{@code blockSize}: truncated (line by line) or
     *                 spanning blocks (grouped)
     */
    public record Prepared(Dataset dataset, int lines, long tokens, int longLines) {}

    /** run_mlm {@code --line_by_line}: each line is one example of at most {@code maxSeqLength} tokens. */
    public static Prepared lineByLine(Dataset texts, String textColumn, PreTrainedTokenizer tokenizer, int maxSeqLength) {
        checkLength(maxSeqLength, tokenizer);
        Dataset full = texts.tokenize(tokenizer, textColumn, EncodeOptions.noTruncation());
        int[] lengths = full.tokens("input_ids").lengths();
        int longLines = 0;
        long tokens = 0;
        for (int n : lengths) {
            tokens += n;
            longLines += n > maxSeqLength ? 1 : 0;
        }
        Dataset out = full;
        if (longLines > 0) {
            LOG.warn("{} of {} lines are longer than max_seq_length {} tokens and were truncated to it",
                    longLines, lengths.length, maxSeqLength);
            out = texts.tokenize(tokenizer, textColumn, EncodeOptions.defaults().withMaxLength(maxSeqLength));
        }
        return new Prepared(out.selectColumns(tokenColumns(out)), lengths.length, tokens, longLines);
    }

    /** run_mlm's default: the tokenized lines concatenated and cut into blocks of {@code blockSize} tokens. */
    public static Prepared groupTexts(Dataset texts, String textColumn, PreTrainedTokenizer tokenizer, int blockSize) {
        checkLength(blockSize, tokenizer);
        Dataset tokenized = texts.tokenize(tokenizer, textColumn, EncodeOptions.noTruncation());
        int[] lengths = tokenized.tokens("input_ids").lengths();
        int longLines = 0;
        long tokens = 0;
        for (int n : lengths) {
            tokens += n;
            longLines += n > blockSize ? 1 : 0;
        }
        Dataset blocks = groupTexts(tokenized, blockSize);
        LOG.info("group_texts: {} lines, {} tokens -> {} blocks of {} tokens ({} tokens of the last partial block "
                + "dropped); {} lines longer than a block continue into the next one, none is truncated",
                lengths.length, tokens, blocks.numRows(), blockSize, tokens - (long) blocks.numRows() * blockSize, longLines);
        return new Prepared(blocks, lengths.length, tokens, longLines);
    }

    /**
     * run_mlm's {@code group_texts} on a tokenized dataset: concatenates {@code input_ids} (and
     * {@code token_type_ids}) of all rows and cuts them into blocks of {@code blockSize}; the remainder is dropped.
     * Every block's {@code attention_mask} is all ones.
     */
    public static Dataset groupTexts(Dataset tokenized, int blockSize) {
        if (blockSize <= 0) {
            throw new DataException("block_size must be positive, got " + blockSize);
        }
        TokenColumn ids = tokenized.tokens("input_ids");
        long total = 0;
        for (int n : ids.lengths()) {
            total += n;
        }
        long blocks = total / blockSize;
        if (blocks == 0) {
            throw new DataException("the text has " + total + " tokens, fewer than one block of " + blockSize
                    + " (block_size / max_seq_length): use more text or a smaller block size");
        }
        if (blocks * blockSize > Integer.MAX_VALUE - 8) {
            throw new DataException("the text has " + total + " tokens; group_texts holds at most " + (Integer.MAX_VALUE - 8));
        }
        Map<String, Column> out = new LinkedHashMap<>();
        out.put("input_ids", cut(ids, (int) blocks, blockSize));
        if (tokenized.hasColumn("token_type_ids")) {
            out.put("token_type_ids", cut(tokenized.tokens("token_type_ids"), (int) blocks, blockSize));
        }
        TokenColumn first = (TokenColumn) out.get("input_ids");
        out.put("attention_mask", TokenColumn.onesLike(first));
        return Dataset.fromColumns(out, Map.of());
    }

    /** The first {@code blocks * blockSize} values of {@code column}'s rows, concatenated, in rows of {@code blockSize}. */
    private static TokenColumn cut(TokenColumn column, int blocks, int blockSize) {
        int n = blocks * blockSize;
        int[] flat = new int[n];
        int at = 0;
        for (int r = 0; r < column.size() && at < n; r++) {
            int take = Math.min(column.length(r), n - at);
            int[] row = column.row(r);
            System.arraycopy(row, 0, flat, at, take);
            at += take;
        }
        int[] offsets = new int[blocks + 1];
        for (int b = 0; b <= blocks; b++) {
            offsets[b] = b * blockSize;
        }
        return new TokenColumn(flat, offsets);
    }

    private static String[] tokenColumns(Dataset ds) {
        return ds.hasColumn("token_type_ids") ? new String[] {"input_ids", "token_type_ids", "attention_mask"}
                : new String[] {"input_ids", "attention_mask"};
    }

    private static void checkLength(int length, PreTrainedTokenizer tokenizer) {
        if (length <= 2) {
            throw new DataException("max_seq_length must be more than 2 tokens (room for the special tokens), got " + length);
        }
        if (tokenizer.modelMaxLength() != PreTrainedTokenizer.NO_MAX_LENGTH && length > tokenizer.modelMaxLength()) {
            throw new DataException("max_seq_length " + length + " is longer than the model's maximum length "
                    + tokenizer.modelMaxLength() + " (model_max_length of the tokenizer in " + tokenizer.source() + ")");
        }
    }
}
