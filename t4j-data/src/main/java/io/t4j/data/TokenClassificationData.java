package io.t4j.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.t4j.tokenizers.BatchEncoding;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.Padding;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token-classification (NER) data as HF's {@code examples/pytorch/token-classification/run_ner.py} prepares it:
 * CoNLL and JSON Lines files of tagged sentences ({@link TaggedSentences}), the label list (from a file, or HF's
 * sorted unique tags of the training data), and {@link #tokenizeAndAlignLabels} (run_ner's
 * {@code tokenize_and_align_labels}: words to sub-tokens, the first sub-token of a word gets its label, the others
 * -100 or, with {@code label_all_tokens}, the label with B- turned into I-).
 */
public final class TokenClassificationData {
    /** HF's conll2003 words column. */
    public static final String TOKENS = "tokens";
    /** HF's conll2003 NER tags column. */
    public static final String NER_TAGS = "ner_tags";
    /** The label of positions the loss and the metrics skip (PyTorch's cross-entropy {@code ignore_index}). */
    public static final int IGNORE_INDEX = -100;
    /** Sentences per tokenizer call in {@link #tokenizeAndAlignLabels}. */
    static final int ENCODE_CHUNK = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(TokenClassificationData.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenClassificationData() {}

    /**
     * Reads a tagged file by extension: {@code .jsonl}/{@code .json}/{@code .ndjson} as JSON Lines
     * ({@code tokens} and the tag column named in {@code conll}), anything else ({@code .txt}, {@code .conll},
     * {@code .iob}, ...) as CoNLL columns.
     */
    public static TaggedSentences read(Path file, ConllOptions conll) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
            if (conll.tagColumn() == null) {
                throw new DataException(file + ": a JSON Lines file names its tag column; give the tag column by name, not index");
            }
            return readJsonl(file, TOKENS, conll.tagColumn());
        }
        return readConll(file, conll);
    }

    /**
     * Reads a CoNLL file: one token per line with whitespace-separated columns (any count, token first), a blank
     * line between sentences, {@code -DOCSTART-} lines skipped. Every line must have the column count of the first
     * token line; an empty file or one without sentences is an error.
     */
    public static TaggedSentences readConll(Path file, ConllOptions options) {
        String[] lines = TextFiles.readUtf8(file).split("\r\n|\r|\n", -1);
        List<String[]> tokens = new ArrayList<>();
        List<String[]> tags = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        List<String> sentenceTokens = new ArrayList<>();
        List<String> sentenceTags = new ArrayList<>();
        int columns = -1;
        int columnsLine = 0;
        int tagIndex = -1;
        String tagName = null;
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = strip(lines[i]);
            String[] fields = line.isEmpty() ? null : fields(line);
            if (fields == null || fields[0].equals("-DOCSTART-")) {
                if (!sentenceTokens.isEmpty()) {
                    tokens.add(sentenceTokens.toArray(String[]::new));
                    tags.add(sentenceTags.toArray(String[]::new));
                    starts.add(start);
                    sentenceTokens.clear();
                    sentenceTags.clear();
                }
                continue;
            }
            if (columns < 0) {
                columns = fields.length;
                columnsLine = i + 1;
                if (columns < 2) {
                    throw new DataException(file + " line " + (i + 1) + ": a CoNLL line needs a token and a tag column, "
                            + "found 1 field: '" + line + "'");
                }
                List<String> names = options.namesFor(columns);
                if (names.size() != columns) {
                    throw new DataException(file + " line " + (i + 1) + ": " + columns + " columns but " + names.size()
                            + " column names were given " + names);
                }
                tagIndex = options.tagColumnIndex() >= 0 ? options.tagColumnIndex() : names.indexOf(options.tagColumn());
                if (tagIndex < 0 || tagIndex >= columns) {
                    throw new DataException(file + ": no tag column " + (options.tagColumnIndex() >= 0
                            ? "at index " + options.tagColumnIndex() : "'" + options.tagColumn() + "'")
                            + " in a file of " + columns + " columns " + names);
                }
                if (tagIndex == 0) {
                    throw new DataException(file + ": column 0 ('" + names.getFirst() + "') holds the tokens, not tags");
                }
                tagName = names.get(tagIndex);
            }
            if (fields.length != columns) {
                throw new DataException(file + " line " + (i + 1) + ": expected " + columns + " columns (as on line "
                        + columnsLine + "), found " + fields.length + ": '" + line + "'");
            }
            if (sentenceTokens.isEmpty()) {
                start = i + 1;
            }
            sentenceTokens.add(fields[0]);
            sentenceTags.add(fields[tagIndex]);
        }
        if (!sentenceTokens.isEmpty()) {
            tokens.add(sentenceTokens.toArray(String[]::new));
            tags.add(sentenceTags.toArray(String[]::new));
            starts.add(start);
        }
        if (tokens.isEmpty()) {
            throw new DataException(file + ": no sentences (only -DOCSTART- and blank lines)");
        }
        return new TaggedSentences(file, tagName, tokens, tags, null, starts.stream().mapToInt(Integer::intValue).toArray(), true);
    }

    /**
     * Reads JSON Lines {@code {"tokens": [...], "<tagColumn>": [...]}} (other keys are ignored): the tags of a file
     * are all strings or all label ids; each list has one tag per token.
     */
    public static TaggedSentences readJsonl(Path file, String tokensColumn, String tagColumn) {
        String[] lines = TextFiles.readUtf8(file).split("\r\n|\r|\n", -1);
        List<String[]> tokens = new ArrayList<>();
        List<String[]> tags = new ArrayList<>();
        List<int[]> ids = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        Boolean numeric = null;
        int numericLine = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String where = file + " line " + (i + 1);
            JsonNode row = parseObject(lines[i], where);
            String[] words = strings(field(row, tokensColumn, where), tokensColumn, where);
            if (words.length == 0) {
                throw new DataException(where + ": '" + tokensColumn + "' is empty: a sentence needs at least one word");
            }
            JsonNode tagNode = field(row, tagColumn, where);
            if (tagNode.size() != words.length) {
                throw new DataException(where + ": " + words.length + " " + tokensColumn + " but " + tagNode.size() + " "
                        + tagColumn);
            }
            boolean rowNumeric = tagNode.size() > 0 && tagNode.get(0).isIntegralNumber();
            if (numeric == null) {
                numeric = rowNumeric;
                numericLine = i + 1;
            } else if (numeric != rowNumeric) {
                throw new DataException(where + ": " + tagColumn + " are " + (rowNumeric ? "label ids" : "strings")
                        + " but on line " + numericLine + " they are " + (numeric ? "label ids" : "strings"));
            }
            if (numeric) {
                int[] row2 = new int[tagNode.size()];
                for (int k = 0; k < row2.length; k++) {
                    JsonNode v = tagNode.get(k);
                    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                        throw new DataException(where + ": " + tagColumn + "[" + k + "] is " + v + ", expected a label id");
                    }
                    row2[k] = v.asInt();
                }
                ids.add(row2);
            } else {
                tags.add(strings(tagNode, tagColumn, where));
            }
            tokens.add(words);
            starts.add(i + 1);
        }
        int[] lineArray = starts.stream().mapToInt(Integer::intValue).toArray();
        return Boolean.TRUE.equals(numeric)
                ? new TaggedSentences(file, tagColumn, tokens, null, ids, lineArray, false)
                : new TaggedSentences(file, tagColumn, tokens, tags, null, lineArray, false);
    }

    /**
     * Label names from a list file (HF's {@code labels.txt}: one per line, in id order; blank lines are skipped).
     * A repeated label or a file without labels is an error naming the file.
     */
    public static Feature.ClassLabel readLabelList(Path file) {
        String[] lines = TextFiles.readUtf8(file).split("\r\n|\r|\n", -1);
        List<String> names = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < lines.length; i++) {
            String label = lines[i].strip();
            if (label.isEmpty()) {
                continue;
            }
            Integer before = seen.put(label, i + 1);
            if (before != null) {
                throw new DataException(file + " line " + (i + 1) + ": label '" + label + "' is already on line " + before);
            }
            names.add(label);
        }
        return new Feature.ClassLabel(names);
    }

    /**
     * HF run_ner's {@code get_label_list} when the labels are not a ClassLabel: the sorted unique tags of the
     * given files (the training data).
     */
    public static Feature.ClassLabel labelListFromData(TaggedSentences... files) {
        java.util.TreeSet<String> all = new java.util.TreeSet<>();
        for (TaggedSentences f : files) {
            all.addAll(f.distinctTags());
        }
        return new Feature.ClassLabel(List.copyOf(all));
    }

    /** The ClassLabel of a {@code Sequence(ClassLabel)} column such as {@code ner_tags}. */
    public static Feature.ClassLabel labelFeature(Dataset dataset, String column) {
        dataset.column(column);
        if (dataset.features().get(column) instanceof Feature.Sequence(Feature.ClassLabel labels)) {
            return labels;
        }
        throw new DataException("column '" + column + "' is " + dataset.features().get(column)
                + ", not a Sequence(ClassLabel) of tags");
    }

    /**
     * HF run_ner's {@code b_to_i_label}: for each label id, the id of its I- label when it is a B- label whose I-
     * counterpart exists, else itself.
     */
    public static int[] bToILabel(List<String> labelList) {
        int[] out = new int[labelList.size()];
        for (int i = 0; i < out.length; i++) {
            String label = labelList.get(i);
            int inside = label.startsWith("B-") ? labelList.indexOf(label.replace("B-", "I-")) : -1;
            out[i] = inside >= 0 ? inside : i;
        }
        return out;
    }

    /** As {@link #tokenizeAndAlignLabels(Dataset, PreTrainedTokenizer, AlignOptions, IntFunction)}, errors naming rows. */
    public static AlignedDataset tokenizeAndAlignLabels(Dataset dataset, PreTrainedTokenizer tokenizer, AlignOptions options) {
        return tokenizeAndAlignLabels(dataset, tokenizer, options, row -> "row " + row);
    }

    /**
     * HF run_ner's {@code tokenize_and_align_labels}: tokenizes each row's words ({@code is_split_into_words=True},
     * truncated to {@code max_seq_length}) and adds {@code input_ids}, {@code attention_mask}, {@code token_type_ids}
     * (when the tokenizer has them) and {@code labels}: the word's label on its first sub-token, -100 on special
     * tokens and on the other sub-tokens (or, with {@code label_all_tokens}, the label with B- turned into I-).
     *
     * <p>Unlike HF, nothing is lost silently: sentences cut by truncation and their lost words are counted in the
     * {@link AlignmentReport} and logged, and a sentence that gives no tokens at all is an error naming it
     * ({@code where} describes a row, e.g. {@link TaggedSentences#where(int)}).
     */
    public static AlignedDataset tokenizeAndAlignLabels(Dataset dataset, PreTrainedTokenizer tokenizer, AlignOptions options,
                                                        IntFunction<String> where) {
        StringListColumn words = dataset.stringLists(options.textColumn());
        TokenColumn labels = dataset.tokens(options.labelColumn());
        int[] bToI = bToILabel(labelFeature(dataset, options.labelColumn()).names());
        EncodeOptions encode = EncodeOptions.defaults().withMaxLength(options.maxSeqLength()).withReturnWordIds(true)
                .withReturnOverflowingTokens(true)
                .withPadding(options.padToMaxLength() ? Padding.MAX_LENGTH : Padding.DO_NOT_PAD);
        int n = dataset.numRows();
        int[][] ids = new int[n][];
        int[][] masks = new int[n][];
        int[][] types = tokenizer.returnsTokenTypeIds() ? new int[n][] : null;
        int[][] tokenLabels = new int[n][];
        long wordCount = 0;
        int truncatedSentences = 0;
        long truncatedWords = 0;
        long wordsWithoutTokens = 0;
        for (int from = 0; from < n; from += ENCODE_CHUNK) {
            int to = Math.min(n, from + ENCODE_CHUNK);
            List<List<String>> rows = new ArrayList<>(to - from);
            for (int r = from; r < to; r++) {
                if (words.length(r) != labels.length(r)) {
                    throw new DataException(where.apply(r) + ": " + words.length(r) + " words but " + labels.length(r)
                            + " labels in '" + options.labelColumn() + "'");
                }
                rows.add(words.row(r));
            }
            BatchEncoding enc = tokenizer.encodeWords(rows, encode);
            int[] sample = enc.overflowToSampleMapping();
            for (int w = 0; w < enc.size(); ) {
                int r = from + sample[w];
                int nWords = words.length(r);
                wordCount += nWords;
                boolean[] kept = new boolean[nWords];
                int[] wordIds = enc.wordIds()[w];
                int[] rowLabels = new int[wordIds.length];
                int previous = BatchEncoding.NONE;
                boolean anyToken = false;
                for (int t = 0; t < wordIds.length; t++) {
                    int word = wordIds[t];
                    if (word == BatchEncoding.NONE) {
                        rowLabels[t] = IGNORE_INDEX;
                    } else if (word != previous) {
                        rowLabels[t] = labels.get(r, word);
                        kept[word] = true;
                        anyToken = true;
                    } else {
                        rowLabels[t] = options.labelAllTokens() ? bToI[labels.get(r, word)] : IGNORE_INDEX;
                    }
                    previous = word;
                }
                ids[r] = enc.inputIds()[w];
                masks[r] = enc.attentionMask()[w];
                if (types != null) {
                    types[r] = enc.tokenTypeIds()[w];
                }
                tokenLabels[r] = rowLabels;
                // the other windows of this sentence hold what truncation cut
                boolean[] cut = new boolean[nWords];
                int next = w + 1;
                for (; next < enc.size() && sample[next] == sample[w]; next++) {
                    for (int word : enc.wordIds()[next]) {
                        if (word != BatchEncoding.NONE && !kept[word]) {
                            cut[word] = true;
                        }
                    }
                }
                if (next > w + 1) {
                    truncatedSentences++;
                }
                if (!anyToken && next == w + 1) {
                    throw new DataException(where.apply(r) + ": the sentence " + words.row(r) + " has no tokens for the "
                            + "tokenizer in " + tokenizer.source() + " (every word is empty or removed by its normalizer)");
                }
                for (int k = 0; k < nWords; k++) {
                    if (cut[k]) {
                        truncatedWords++;
                    } else if (!kept[k]) {
                        wordsWithoutTokens++;
                    }
                }
                w = next;
            }
        }
        Integer maxLength = options.maxSeqLength() != null ? options.maxSeqLength()
                : tokenizer.modelMaxLength() == PreTrainedTokenizer.NO_MAX_LENGTH ? null : tokenizer.modelMaxLength();
        AlignmentReport report = new AlignmentReport(n, wordCount, truncatedSentences, truncatedWords, wordsWithoutTokens, maxLength);
        if (truncatedSentences > 0 || wordsWithoutTokens > 0) {
            LOG.warn("tokenize_and_align_labels: {}", report.summary());
        } else {
            LOG.info("tokenize_and_align_labels: {}", report.summary());
        }
        Map<String, Column> added = new LinkedHashMap<>();
        TokenColumn inputIds = TokenColumn.of(ids);
        added.put("input_ids", inputIds);
        if (types != null) {
            added.put("token_type_ids", TokenColumn.of(types));
        }
        added.put("attention_mask", options.padToMaxLength() ? TokenColumn.of(masks) : TokenColumn.onesLike(inputIds));
        added.put("labels", TokenColumn.of(tokenLabels));
        return new AlignedDataset(dataset.withAddedColumns(added, "tokenize_and_align_labels "
                + tokenizer.source() + " " + options), report);
    }

    /** The space- or tab-separated fields of a stripped, non-empty line. */
    private static String[] fields(String line) {
        List<String> out = new ArrayList<>(4);
        int start = 0;
        for (int i = 0; i <= line.length(); i++) {
            if (i == line.length() || line.charAt(i) == ' ' || line.charAt(i) == '\t') {
                if (i > start) {
                    out.add(line.substring(start, i));
                }
                start = i + 1;
            }
        }
        return out.toArray(String[]::new);
    }

    private static String strip(String line) {
        int start = 0;
        int end = line.length();
        while (start < end && (line.charAt(start) == ' ' || line.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
            end--;
        }
        return line.substring(start, end);
    }

    private static JsonNode parseObject(String text, String where) {
        try {
            JsonNode node = JSON.readTree(text);
            if (!node.isObject()) {
                throw new DataException(where + ": expected a JSON object, found " + node.getNodeType());
            }
            return node;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new DataException(where + (loc == null ? "" : " column " + loc.getColumnNr()) + ": not valid JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode field(JsonNode row, String name, String where) {
        JsonNode node = row.get(name);
        if (node == null || !node.isArray()) {
            List<String> keys = new ArrayList<>();
            row.fieldNames().forEachRemaining(keys::add);
            throw new DataException(where + ": " + (node == null ? "no '" + name + "' list" : "'" + name + "' is not a list: " + node)
                    + " (keys: " + String.join(", ", keys) + ")");
        }
        return node;
    }

    private static String[] strings(JsonNode array, String name, String where) {
        String[] out = new String[array.size()];
        for (int k = 0; k < out.length; k++) {
            JsonNode v = array.get(k);
            if (!v.isTextual()) {
                throw new DataException(where + ": " + name + "[" + k + "] is " + v + ", expected a string");
            }
            out[k] = v.asText();
        }
        return out;
    }
}
