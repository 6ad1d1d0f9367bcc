package io.t4j.data;

import io.t4j.tokenizers.BatchEncoding;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HF's {@code TextDatasetForNextSentencePrediction} (data/datasets/language_modeling.py, from Google's
 * create_pretraining_data.py): sentence pairs for BERT's next-sentence prediction built from a document corpus, one
 * sentence or paragraph per line and a blank line between documents.
 *
 * <p>Each document is cut into chunks of lines filling {@code block_size - 3} tokens (a shorter random target with
 * probability {@code short_seq_probability}). A chunk of several lines is split at a random line into A and B; with
 * probability {@code nsp_probability} (and always for a one-line chunk) B is replaced by lines from a random other
 * document (label 1, "random"), else B is the chunk's own continuation (label 0, "is next"), and the lines not used
 * go back to the document. A pair over the budget is trimmed one token at a time from the longer side, at its front
 * or back at random ({@code truncate_seq_pair}). Examples are {@code [CLS] A [SEP] B [SEP]} with token_type_ids 0
 * on {@code [CLS] A [SEP]} and 1 on {@code B [SEP]}, and a {@code next_sentence_label} column.
 *
 * <p>Randomness comes from {@link Seeded} with the given seed (HF uses Python's global {@code random}): the same
 * corpus and seed give the same examples.
 */
public final class TextDatasetForNextSentencePrediction {
    private static final Logger LOG = LoggerFactory.getLogger(TextDatasetForNextSentencePrediction.class);
    /** {@code num_special_tokens_to_add(pair=True)} for BERT: [CLS], [SEP], [SEP]. */
    private static final int PAIR_SPECIAL_TOKENS = 3;

    private TextDatasetForNextSentencePrediction() {}

    /**
     * The pairs and what building them did.
     *
     * @param dataset        input_ids, token_type_ids, attention_mask and next_sentence_label
     * @param documents      non-empty documents in the corpus
     * @param isNext         examples whose B follows A (label 0)
     * @param randomNext     examples whose B comes from another document (label 1)
     * @param forcedRandom   of those, chunks of a single line, which HF always pairs with a random B (no coin flip)
     * @param truncatedPairs pairs trimmed to block_size
     * @param longLines      lines longer than block_size - 3 tokens on their own
     */
    public record Result(Dataset dataset, int documents, int isNext, int randomNext, int forcedRandom, int truncatedPairs,
                         int longLines) {}

    /**
     * Documents of {@code file}: lines (trimmed) grouped by blank lines, as HF reads them. Strict UTF-8; fewer than
     * two documents is an error, since a random B must come from another document.
     */
    public static List<List<String>> readDocuments(Path file) {
        List<List<String>> documents = new ArrayList<>();
        documents.add(new ArrayList<>());
        for (String line : TextFiles.readUtf8(file).split("\\r\\n|\\r|\\n", -1)) {
            String text = line.strip();
            if (text.isEmpty()) {
                if (!documents.getLast().isEmpty()) {
                    documents.add(new ArrayList<>());
                }
            } else {
                documents.getLast().add(text);
            }
        }
        if (documents.getLast().isEmpty()) {
            documents.removeLast();
        }
        requireTwoDocuments(documents.size(), file.toString());
        return documents;
    }

    /** HF's defaults: {@code short_seq_probability=0.1}, {@code nsp_probability=0.5}. */
    public static Result create(List<List<String>> documents, PreTrainedTokenizer tokenizer, int blockSize, long seed) {
        return create(documents, tokenizer, blockSize, 0.1, 0.5, seed);
    }

    public static Result create(List<List<String>> documents, PreTrainedTokenizer tokenizer, int blockSize,
                                double shortSeqProbability, double nspProbability, long seed) {
        if (tokenizer.clsTokenId() == null || tokenizer.sepTokenId() == null) {
            throw new DataException("next-sentence prediction needs a BERT-style tokenizer with cls_token and sep_token; "
                    + "the tokenizer in " + tokenizer.source() + " has cls_token " + tokenizer.clsToken()
                    + " and sep_token " + tokenizer.sepToken());
        }
        if (blockSize <= PAIR_SPECIAL_TOKENS + 1) {
            throw new DataException("block_size must be more than " + (PAIR_SPECIAL_TOKENS + 1) + " for sentence pairs, got " + blockSize);
        }
        if (!(nspProbability > 0 && nspProbability < 1)) {
            throw new DataException("nsp_probability must be in (0, 1), got " + nspProbability);
        }
        List<int[][]> docs = tokenize(documents, tokenizer);
        requireTwoDocuments(docs.size(), "the corpus");
        Builder builder = new Builder(docs, tokenizer.clsTokenId(), tokenizer.sepTokenId(), blockSize - PAIR_SPECIAL_TOKENS,
                shortSeqProbability, nspProbability, new Seeded(seed));
        for (int d = 0; d < docs.size(); d++) {
            builder.fromDocument(d);
        }
        int longLines = 0;
        for (int[][] doc : docs) {
            for (int[] line : doc) {
                longLines += line.length > blockSize - PAIR_SPECIAL_TOKENS ? 1 : 0;
            }
        }
        if (builder.truncated > 0 || longLines > 0) {
            LOG.warn("next-sentence pairs: {} of {} pairs were longer than block_size {} and were truncated; {} lines "
                    + "are longer than {} tokens on their own", builder.truncated, builder.labels.size(), blockSize,
                    longLines, blockSize - PAIR_SPECIAL_TOKENS);
        }
        return new Result(builder.dataset(), docs.size(), builder.isNext, builder.labels.size() - builder.isNext,
                builder.forcedRandom, builder.truncated, longLines);
    }

    private static void requireTwoDocuments(int n, String where) {
        if (n < 2) {
            throw new DataException(where + ": next-sentence prediction needs at least two documents (a random "
                    + "second sentence comes from another document) but found " + n
                    + "; separate documents with a blank line");
        }
    }

    /** Each document's lines as token ids without special tokens ({@code tokenizer.tokenize} then ids); empty ones dropped. */
    private static List<int[][]> tokenize(List<List<String>> documents, PreTrainedTokenizer tokenizer) {
        List<String> lines = new ArrayList<>();
        documents.forEach(lines::addAll);
        BatchEncoding enc = tokenizer.encode(lines, EncodeOptions.noTruncation().withAddSpecialTokens(false));
        List<int[][]> out = new ArrayList<>();
        int at = 0;
        for (List<String> doc : documents) {
            List<int[]> kept = new ArrayList<>();
            for (int i = 0; i < doc.size(); i++, at++) {
                if (enc.inputIds()[at].length > 0) {
                    kept.add(enc.inputIds()[at]);
                }
            }
            if (!kept.isEmpty()) {
                out.add(kept.toArray(int[][]::new));
            }
        }
        return out;
    }

    /** {@code create_examples_from_document} over all documents, collecting rows. */
    private static final class Builder {
        private final List<int[][]> docs;
        private final int cls;
        private final int sep;
        private final int maxNumTokens;
        private final double shortSeqProbability;
        private final double nspProbability;
        private final Seeded rng;
        private final List<int[]> ids = new ArrayList<>();
        private final List<int[]> types = new ArrayList<>();
        private final List<Long> labels = new ArrayList<>();
        private int isNext;
        private int forcedRandom;
        private int truncated;

        Builder(List<int[][]> docs, int cls, int sep, int maxNumTokens, double shortSeqProbability,
                double nspProbability, Seeded rng) {
            this.docs = docs;
            this.cls = cls;
            this.sep = sep;
            this.maxNumTokens = maxNumTokens;
            this.shortSeqProbability = shortSeqProbability;
            this.nspProbability = nspProbability;
            this.rng = rng;
        }

        /** Python's {@code random.randint(a, b)}: uniform in [a, b]. */
        private int randint(int a, int b) {
            return a + rng.nextInt(b - a + 1);
        }

        void fromDocument(int docIndex) {
            int[][] document = docs.get(docIndex);
            int target = maxNumTokens;
            if (rng.nextDouble() < shortSeqProbability) {
                target = randint(2, maxNumTokens);
            }
            List<int[]> chunk = new ArrayList<>();
            int length = 0;
            int i = 0;
            while (i < document.length) {
                chunk.add(document[i]);
                length += document[i].length;
                if (i == document.length - 1 || length >= target) {
                    int aEnd = chunk.size() >= 2 ? randint(1, chunk.size() - 1) : 1;
                    List<Integer> a = concat(chunk.subList(0, aEnd));
                    List<Integer> b = new ArrayList<>();
                    boolean randomNext = chunk.size() == 1 || rng.nextDouble() < nspProbability;
                    forcedRandom += chunk.size() == 1 ? 1 : 0;
                    if (randomNext) {
                        int targetB = target - a.size();
                        int other = docIndex;
                        for (int attempt = 0; attempt < 10 && other == docIndex; attempt++) {
                            other = randint(0, docs.size() - 1);
                        }
                        int[][] randomDocument = docs.get(other);
                        for (int j = randint(0, randomDocument.length - 1); j < randomDocument.length; j++) {
                            for (int t : randomDocument[j]) {
                                b.add(t);
                            }
                            if (b.size() >= targetB) {
                                break;
                            }
                        }
                        i -= chunk.size() - aEnd; // the unused lines are put back
                    } else {
                        b = concat(chunk.subList(aEnd, chunk.size()));
                    }
                    if (truncateSeqPair(a, b)) {
                        truncated++;
                    }
                    add(a, b, randomNext);
                    chunk = new ArrayList<>();
                    length = 0;
                }
                i++;
            }
        }

        private static List<Integer> concat(List<int[]> lines) {
            List<Integer> out = new ArrayList<>();
            for (int[] line : lines) {
                for (int t : line) {
                    out.add(t);
                }
            }
            return out;
        }

        /** HF's {@code truncate_seq_pair}: trims the longer of A and B, at its front or back at random; true if it trimmed. */
        private boolean truncateSeqPair(List<Integer> a, List<Integer> b) {
            boolean trimmed = false;
            while (a.size() + b.size() > maxNumTokens) {
                List<Integer> longer = a.size() > b.size() ? a : b;
                if (rng.nextDouble() < 0.5) {
                    longer.removeFirst();
                } else {
                    longer.removeLast();
                }
                trimmed = true;
            }
            return trimmed;
        }

        /** {@code build_inputs_with_special_tokens(A, B)} and {@code create_token_type_ids_from_sequences(A, B)}. */
        private void add(List<Integer> a, List<Integer> b, boolean randomNext) {
            int n = a.size() + b.size() + PAIR_SPECIAL_TOKENS;
            int[] row = new int[n];
            int[] type = new int[n];
            int at = 0;
            row[at++] = cls;
            for (int t : a) {
                row[at++] = t;
            }
            row[at++] = sep;
            int bStart = at;
            for (int t : b) {
                row[at++] = t;
            }
            row[at] = sep;
            java.util.Arrays.fill(type, bStart, n, 1);
            ids.add(row);
            types.add(type);
            labels.add(randomNext ? 1L : 0L);
            isNext += randomNext ? 0 : 1;
        }

        Dataset dataset() {
            Map<String, Column> columns = new LinkedHashMap<>();
            TokenColumn inputIds = TokenColumn.of(ids.toArray(int[][]::new));
            columns.put("input_ids", inputIds);
            columns.put("token_type_ids", TokenColumn.of(types.toArray(int[][]::new)));
            columns.put("attention_mask", TokenColumn.onesLike(inputIds));
            columns.put("next_sentence_label", new LongColumn(labels.stream().mapToLong(Long::longValue).toArray()));
            return Dataset.fromColumns(columns, Map.of());
        }
    }
}
