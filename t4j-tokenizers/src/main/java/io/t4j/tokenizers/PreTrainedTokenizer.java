package io.t4j.tokenizers;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

/**
 * HF's {@code PreTrainedTokenizerFast}: HF's Rust tokenizer (through DJL) plus what tokenizer_config.json says
 * about special tokens, lengths and sides. Made by {@link AutoTokenizer#fromPretrained(Path)}.
 *
 * <p>The Rust side tokenizes and truncates (HF's truncation strategies and sides, overflowing windows with a stride;
 * in parallel for a batch); this class pads in Java with the tokenizer's pad id on its padding side, so padding
 * follows tokenizer_config.json exactly. Thread-safe: each truncation setting gets its own immutable native
 * tokenizer.
 *
 * <p>DJL's batch calls abort the JVM when the Rust side fails or panics (a truncation that cannot be done, a stride
 * not smaller than the window), so such cases are checked here first and reported as a {@link TokenizerException}
 * naming the row and the numbers.
 */
public final class PreTrainedTokenizer implements AutoCloseable {
    /** {@link #modelMaxLength()} when the tokenizer sets no limit (HF's {@code VERY_LARGE_INTEGER}). */
    public static final int NO_MAX_LENGTH = Integer.MAX_VALUE;
    private static final String HF_VERY_LARGE_INTEGER = "1000000000000000019884624838656";
    private static final TokenizersLibrary LIB = TokenizersLibrary.LIB;
    /** Pre-tokenized batches at least this long are encoded on all cores. */
    private static final int PARALLEL_ROWS = 64;

    private final Path source;
    private final String tokenizerJson;
    private final JsonNode parsedJson;
    private final TokenizerConfig config;
    private final Vocab vocab;
    private final Map<Truncation, HuggingFaceTokenizer> rustByTruncation = new ConcurrentHashMap<>();
    /** {@link #numSpecialTokensToAdd} for a single text and for a pair, computed on first use (-1 before). */
    private volatile int addedSingle = -1;
    private volatile int addedPair = -1;
    /** Whether the pre-tokenizer splits at whitespace, so a text cut before a whitespace run tokenizes as a prefix. */
    private final boolean splitsAtWhitespace;
    /** Off only in tests, to compare with whole-text truncation. */
    boolean truncateLongTextsByPrefix = true;

    PreTrainedTokenizer(Path source, String tokenizerJson, JsonNode parsedJson, TokenizerConfig config) {
        this.source = source;
        this.tokenizerJson = tokenizerJson;
        this.parsedJson = parsedJson;
        this.config = config;
        this.splitsAtWhitespace = splitsAtWhitespace(parsedJson.get("pre_tokenizer"));
        this.vocab = Vocab.read(parsedJson, source.resolve("tokenizer.json").toString());
        checkSpecialTokensExist();
        rust(Truncation.NONE); // fail now, naming the file, if the Rust side rejects tokenizer.json
    }

    /** HF's {@code tokenizer(texts, **options)}. */
    public BatchEncoding encode(List<String> texts, EncodeOptions options) {
        return encodeBatch(checkTexts(texts, "texts"), null, options);
    }

    /**
     * HF's {@code tokenizer(first, second, **options)}: sentence pairs, truncated by
     * {@link EncodeOptions#truncationStrategy()} (HF's default {@code longest_first}; question answering encodes
     * question and context with {@code only_second} and overflowing windows).
     */
    public BatchEncoding encodePairs(List<String> first, List<String> second, EncodeOptions options) {
        if (first.size() != second.size()) {
            throw new TokenizerException("pairs need as many second texts as first texts: " + first.size() + " vs " + second.size());
        }
        return encodeBatch(checkTexts(first, "first"), checkTexts(second, "second"), options);
    }

    /**
     * HF's {@code tokenizer(words, is_split_into_words=True, **options)}: each row is a list of words (CoNLL tokens)
     * tokenized word by word, so {@link BatchEncoding#wordIds(int)} indexes the row's words and offsets are within
     * each word, as in HF. Byte-level BPE tokenizers (GPT-2, RoBERTa) must be loaded with {@code add_prefix_space=True}
     * ({@link TokenizerOptions#withAddPrefixSpace}), as HF requires; otherwise this fails saying so.
     */
    public BatchEncoding encodeWords(List<List<String>> words, EncodeOptions options) {
        if (Boolean.FALSE.equals(ByteLevelJson.byteLevelAddsPrefixSpace(parsedJson))) {
            throw new TokenizerException(source.resolve("tokenizer.json") + ": pre-tokenized input (is_split_into_words) "
                    + "needs add_prefix_space=True with this byte-level BPE tokenizer, as in HF (\"You need to instantiate "
                    + fastClassName() + " with add_prefix_space=True "
                    + "to use it with pretokenized inputs.\"); load it with AutoTokenizer.fromPretrained(dir, "
                    + "TokenizerOptions.defaults().withAddPrefixSpace(true))");
        }
        String[][] rows = new String[words.size()][];
        for (int i = 0; i < rows.length; i++) {
            List<String> row = words.get(i);
            if (row == null) {
                throw new TokenizerException("words[" + i + "] is null");
            }
            rows[i] = checkTexts(row, "words[" + i + "]");
        }
        Truncation truncation = truncation(options, false);
        long handle = rust(truncation).getHandle();
        // DJL binds no batch call for pre-tokenized input: one call per row, rows in parallel as Rust's batch does
        long[] encodings = new long[rows.length];
        AtomicInteger failedRow = new AtomicInteger(-1);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        IntStream range = IntStream.range(0, rows.length);
        (rows.length >= PARALLEL_ROWS ? range.parallel() : range).forEach(i -> {
            if (failure.get() != null) {
                return;
            }
            try {
                encodings[i] = LIB.encodeList(handle, rows[i], options.addSpecialTokens());
            } catch (RuntimeException e) {
                if (failure.compareAndSet(null, e)) {
                    failedRow.set(i);
                }
            }
        });
        if (failure.get() != null) {
            for (long encoding : encodings) {
                if (encoding != 0) {
                    LIB.deleteEncoding(encoding);
                }
            }
            int row = failedRow.get();
            throw new TokenizerException("words[" + row + "] " + List.of(rows[row]) + ": HF tokenizers failed: "
                    + failure.get().getMessage(), failure.get());
        }
        return collect(encodings, options, new Sources(null, null, rows));
    }

    /**
     * HF's {@code num_special_tokens_to_add(pair)}: the tokens the post-processor adds to one text (BERT: [CLS] and
     * [SEP], 2) or to a pair (BERT: 3).
     */
    public int numSpecialTokensToAdd(boolean pair) {
        int cached = pair ? addedPair : addedSingle;
        if (cached >= 0) {
            return cached;
        }
        long handle = rust(Truncation.NONE).getHandle();
        long with = pair ? LIB.encodeDual(handle, "", "", true) : LIB.encode(handle, "", true);
        try {
            long without = pair ? LIB.encodeDual(handle, "", "", false) : LIB.encode(handle, "", false);
            try {
                int added = LIB.getTokenIds(with).length - LIB.getTokenIds(without).length;
                if (pair) {
                    addedPair = added;
                } else {
                    addedSingle = added;
                }
                return added;
            } finally {
                LIB.deleteEncoding(without);
            }
        } finally {
            LIB.deleteEncoding(with);
        }
    }

    /** HF's {@code decode(ids, skip_special_tokens=...)}. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            checkId(ids[i]);
            longs[i] = ids[i];
        }
        return rust(Truncation.NONE).decode(longs, skipSpecialTokens);
    }

    /** HF's {@code convert_tokens_to_ids}: unknown tokens map to the unk id (an error when there is no unk token). */
    public int[] convertTokensToIds(List<String> tokens) {
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = vocab.id(tokens.get(i));
            if (id == null) {
                id = unkTokenId();
                if (id == null) {
                    throw new TokenizerException("token '" + tokens.get(i) + "' is not in the vocabulary of " + source
                            + " and the tokenizer has no unk_token");
                }
            }
            ids[i] = id;
        }
        return ids;
    }

    /** HF's {@code convert_ids_to_tokens}. */
    public List<String> convertIdsToTokens(int[] ids) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            checkId(id);
            tokens.add(vocab.token(id));
        }
        return tokens;
    }

    /** HF's {@code vocab_size}: the base vocabulary without added tokens. */
    public int vocabSize() {
        return vocab.baseSize();
    }

    /** HF's {@code len(tokenizer)}: every id, added tokens included. */
    public int length() {
        return vocab.fullSize();
    }

    public SpecialTokens specialTokens() { return config.specialTokens(); }
    public String padToken() { return config.specialTokens().padToken(); }
    public Integer padTokenId() { return vocab.id(padToken()); }
    public String unkToken() { return config.specialTokens().unkToken(); }
    public Integer unkTokenId() { return vocab.id(unkToken()); }
    public String clsToken() { return config.specialTokens().clsToken(); }
    public Integer clsTokenId() { return vocab.id(clsToken()); }
    public String sepToken() { return config.specialTokens().sepToken(); }
    public Integer sepTokenId() { return vocab.id(sepToken()); }
    public String maskToken() { return config.specialTokens().maskToken(); }
    public Integer maskTokenId() { return vocab.id(maskToken()); }
    public String bosToken() { return config.specialTokens().bosToken(); }
    public Integer bosTokenId() { return vocab.id(bosToken()); }
    public String eosToken() { return config.specialTokens().eosToken(); }
    public Integer eosTokenId() { return vocab.id(eosToken()); }

    /** HF's {@code all_special_ids}, in {@code all_special_tokens} order. */
    public int[] allSpecialIds() {
        return config.specialTokens().all().stream().mapToInt(vocab::id).toArray();
    }

    /** HF's {@code model_max_length}; {@link #NO_MAX_LENGTH} when the tokenizer sets no limit. */
    public int modelMaxLength() {
        return config.modelMaxLength();
    }

    public Side paddingSide() {
        return config.paddingSide();
    }

    public Side truncationSide() {
        return config.truncationSide();
    }

    /**
     * HF's {@code tokenizer.truncation_side = side}, on a new tokenizer that shares nothing native with this one (a
     * server truncating per request, as TEI's {@code truncation_direction}, keeps one of each side). The caller
     * closes it.
     */
    public PreTrainedTokenizer withTruncationSide(Side side) {
        return new PreTrainedTokenizer(source, tokenizerJson, parsedJson, config.withTruncationSide(side));
    }

    /** Whether {@link #encode} returns token_type_ids (HF's {@code "token_type_ids" in model_input_names}). */
    public boolean returnsTokenTypeIds() {
        return config.returnsTokenTypeIds();
    }

    /**
     * HF's {@code add_prefix_space} as loaded (tokenizer_config.json or {@link TokenizerOptions}), or null when
     * neither sets it.
     */
    public Boolean addPrefixSpace() {
        return config.addPrefixSpace();
    }

    /** HF's {@code tokenizer_class} from tokenizer_config.json, or null. */
    public String tokenizerClass() {
        return config.tokenizerClass();
    }

    /** The raw Jinja chat template ({@code chat_template.jinja} or tokenizer_config.json), if any. */
    public Optional<String> chatTemplate() {
        return Optional.ofNullable(config.chatTemplates().get("default"));
    }

    /** Every named chat template (the unnamed one is {@code "default"}). */
    public Map<String, String> chatTemplates() {
        return config.chatTemplates();
    }

    /** The folder this tokenizer was read from. */
    public Path source() {
        return source;
    }

    /**
     * HF's {@code save_pretrained}: writes tokenizer.json (unchanged), tokenizer_config.json and
     * special_tokens_map.json (sorted keys, 2-space indent, as HF writes them), each to a temp file then moved.
     */
    public void savePretrained(Path dir) {
        try {
            Files.createDirectories(dir);
            writeAtomically(dir.resolve("tokenizer.json"), tokenizerJson);
            writeAtomically(dir.resolve("tokenizer_config.json"), prettySorted(savedConfig()));
            ObjectNode map = TokenizerConfig.JSON.createObjectNode();
            config.specialTokens().asMap().forEach(map::put);
            if (!config.specialTokens().additionalSpecialTokens().isEmpty()) {
                config.specialTokens().additionalSpecialTokens().forEach(map.putArray("additional_special_tokens")::add);
            }
            writeAtomically(dir.resolve("special_tokens_map.json"), prettySorted(map));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the tokenizer to " + dir, e);
        }
    }

    @Override
    public void close() {
        rustByTruncation.values().forEach(HuggingFaceTokenizer::close);
        rustByTruncation.clear();
    }

    /**
     * The Rust truncation for these options, checked so the Rust side cannot fail: {@link Truncation#NONE} when
     * truncation is off or there is no maximum; the stride only with overflowing tokens (it only shapes the windows).
     */
    private Truncation truncation(EncodeOptions options, boolean pair) {
        if (!options.truncation()) {
            return Truncation.NONE;
        }
        int max = options.maxLength() != null ? options.maxLength() : modelMaxLength();
        if (max == NO_MAX_LENGTH) {
            return Truncation.NONE; // HF: "no maximum length is provided ... Default to no truncation."
        }
        TruncationStrategy strategy = options.truncationStrategy();
        if (!pair && strategy == TruncationStrategy.ONLY_SECOND) {
            throw new TokenizerException("truncation only_second needs text pairs (encodePairs): a single text has no "
                    + "second sequence to shorten (HF: \"Truncation error: Second sequence not provided\"); use "
                    + "longest_first or only_first");
        }
        if (pair && strategy == TruncationStrategy.LONGEST_FIRST && options.returnOverflowingTokens()) {
            throw new TokenizerException("Not possible to return overflowing tokens for pair of sequences with the "
                    + "`longest_first`. Please select another truncation strategy than `longest_first`, for instance "
                    + "`only_second` or `only_first`.");
        }
        int added = options.addSpecialTokens() ? numSpecialTokensToAdd(pair) : 0;
        if (max <= added) {
            throw new TokenizerException("max_length " + max + " leaves no room for tokens: the tokenizer in " + source
                    + " adds " + added + " special tokens to " + (pair ? "a pair" : "a text"));
        }
        int stride = options.returnOverflowingTokens() ? options.stride() : 0;
        // Rust checks the stride against max_length less the special tokens of a single text (and DJL then silently
        // drops truncation), and asserts that it is smaller than each window: require both here.
        int room = max - Math.max(added, numSpecialTokensToAdd(false));
        if (stride >= room) {
            throw new TokenizerException("stride " + stride + " must be smaller than max_length " + max + " less the "
                    + (max - room) + " special tokens (" + room + "), so that consecutive windows advance");
        }
        return new Truncation(max, strategy, stride);
    }

    private HuggingFaceTokenizer rust(Truncation truncation) {
        return rustByTruncation.computeIfAbsent(truncation, this::newRust);
    }

    private HuggingFaceTokenizer newRust(Truncation truncation) {
        Map<String, String> options = new TreeMap<>();
        options.put("padding", "false");
        options.put("addSpecialTokens", "true");
        String json = tokenizerJson;
        if (truncation.equals(Truncation.NONE)) {
            options.put("truncation", "false");
        } else {
            options.put("truncation", truncation.strategy().name());
            options.put("maxLength", Integer.toString(truncation.maxLength()));
            options.put("modelMaxLength", Integer.toString(truncation.maxLength()));
            options.put("stride", Integer.toString(truncation.stride()));
            json = withTruncationSection(truncation);
        }
        try {
            return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), options);
        } catch (IOException | RuntimeException e) {
            throw new TokenizerException(source.resolve("tokenizer.json") + ": HF tokenizers rejected the file: " + e.getMessage(), e);
        }
    }

    /**
     * tokenizer.json with its {@code truncation} section on the tokenizer's truncation side: DJL's options set
     * length, strategy and stride but keep the file's direction, so the direction goes into the file (HF's
     * {@code set_truncation_and_padding} passes {@code direction=truncation_side}). The file is used as it is when it
     * has no truncation section and the side is right (Rust's default).
     */
    private String withTruncationSection(Truncation truncation) {
        JsonNode existing = parsedJson.get("truncation");
        boolean hasSection = existing != null && !existing.isNull();
        if (truncationSide() == Side.RIGHT && !hasSection) {
            return tokenizerJson;
        }
        ObjectNode copy = ((ObjectNode) parsedJson).deepCopy();
        ObjectNode section = copy.putObject("truncation");
        section.put("direction", truncationSide() == Side.LEFT ? "Left" : "Right");
        section.put("max_length", truncation.maxLength());
        section.put("strategy", switch (truncation.strategy()) {
            case LONGEST_FIRST -> "LongestFirst";
            case ONLY_FIRST -> "OnlyFirst";
            case ONLY_SECOND -> "OnlySecond";
        });
        section.put("stride", truncation.stride());
        try {
            return TokenizerConfig.JSON.writeValueAsString(copy);
        } catch (JsonProcessingException e) {
            throw new TokenizerException(source.resolve("tokenizer.json") + ": cannot write the tokenizer back: "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * Encodes through DJL's JNI binding directly. Without extra arrays only ids and type ids are read per encoding:
     * DJL's {@code Encoding} objects also copy tokens, word ids and character spans, which took half the time on
     * SST-2.
     */
    private BatchEncoding encodeBatch(String[] first, String[] second, EncodeOptions options) {
        Truncation truncation = truncation(options, second != null);
        if (second != null && !truncation.equals(Truncation.NONE) && truncation.strategy() != TruncationStrategy.LONGEST_FIRST) {
            checkRoomForPairs(first, second, truncation, options.addSpecialTokens());
        }
        if (!truncation.equals(Truncation.NONE) && !options.returnOverflowingTokens() && truncationSide() == Side.RIGHT
                && splitsAtWhitespace && truncateLongTextsByPrefix) { // overflow windows and left truncation need it all
            first = prefixes(first, truncation.maxLength());
            second = second == null ? null : prefixes(second, truncation.maxLength());
        }
        long handle = rust(truncation).getHandle();
        long[] encodings = second == null
                ? LIB.batchEncode(handle, first, options.addSpecialTokens())
                : LIB.batchEncodePair(handle, first, second, options.addSpecialTokens());
        if (options.returnsMoreThanIds()) {
            return collect(encodings, options, new Sources(first, second, null));
        }
        int n = encodings.length;
        int[][] ids = new int[n][];
        int[][] types = returnsTokenTypeIds() ? new int[n][] : null;
        try {
            for (int i = 0; i < n; i++) {
                ids[i] = toInts(LIB.getTokenIds(encodings[i]));
                if (types != null) {
                    types[i] = toInts(LIB.getTypeIds(encodings[i]));
                }
            }
        } finally {
            for (long encoding : encodings) {
                LIB.deleteEncoding(encoding);
            }
        }
        return pad(new Rows(ids, types, null, null, null, null, null, null), options);
    }

    /**
     * Truncating only one sequence of a pair fails in Rust when the other leaves it no room, and panics when the
     * stride is not smaller than that room: find those pairs first. Only the kept sequence is tokenized for this
     * (the question, in QA), and the shortened one only for pairs near the limit.
     */
    private void checkRoomForPairs(String[] first, String[] second, Truncation truncation, boolean addSpecialTokens) {
        boolean onlySecond = truncation.strategy() == TruncationStrategy.ONLY_SECOND;
        String[] kept = onlySecond ? first : second;
        String[] shortened = onlySecond ? second : first;
        int added = addSpecialTokens ? numSpecialTokensToAdd(true) : 0;
        int budget = truncation.maxLength() - added;
        int[] keptLengths = tokenCounts(kept);
        List<Integer> tight = new ArrayList<>();
        for (int i = 0; i < kept.length; i++) {
            if (budget - keptLengths[i] <= truncation.stride()) {
                tight.add(i);
            }
        }
        if (tight.isEmpty()) {
            return;
        }
        int[] shortenedLengths = tokenCounts(tight.stream().map(i -> shortened[i]).toArray(String[]::new));
        for (int k = 0; k < tight.size(); k++) {
            int i = tight.get(k);
            int room = budget - keptLengths[i];
            if (keptLengths[i] + shortenedLengths[k] <= budget) {
                continue; // it fits: nothing is truncated
            }
            String keptName = onlySecond ? "first" : "second";
            String shortName = onlySecond ? "second" : "first";
            if (room <= 0) {
                throw new TokenizerException("pair " + i + ": the " + keptName + " sequence has " + keptLengths[i]
                        + " tokens, which leaves no room for the " + shortName + " within max_length "
                        + truncation.maxLength() + " (" + added + " special tokens); truncation "
                        + truncation.strategy().hfName() + " cannot shorten it enough (HF: \"Sequence to truncate too "
                        + "short to respect the provided max_length\")");
            }
            throw new TokenizerException("pair " + i + ": stride " + truncation.stride() + " is not smaller than the "
                    + room + " tokens left for the " + shortName + " sequence (max_length " + truncation.maxLength()
                    + " less " + added + " special tokens less the " + keptLengths[i] + " tokens of the " + keptName
                    + "); use a smaller stride or a larger max_length");
        }
    }

    /** Tokens per text without special tokens, untruncated (a Rust batch call that cannot fail). */
    private int[] tokenCounts(String[] texts) {
        long[] encodings = LIB.batchEncode(rust(Truncation.NONE).getHandle(), texts, false);
        int[] counts = new int[encodings.length];
        try {
            for (int i = 0; i < encodings.length; i++) {
                counts[i] = LIB.getTokenIds(encodings[i]).length;
            }
        } finally {
            for (long encoding : encodings) {
                LIB.deleteEncoding(encoding);
            }
        }
        return counts;
    }

    /**
     * Reads the arrays the options ask for from each encoding and, with overflowing tokens, from each of its
     * windows (HF's fast {@code _batch_encode_plus}: {@code [encoding] + encoding.overflowing}), then frees them.
     */
    private BatchEncoding collect(long[] encodings, EncodeOptions options, Sources sources) {
        List<Long> owned = new ArrayList<>(encodings.length); // every native encoding, freed at the end
        for (long encoding : encodings) {
            owned.add(encoding);
        }
        List<Long> windows = new ArrayList<>(encodings.length);
        List<Integer> samples = new ArrayList<>(encodings.length);
        try {
            for (int i = 0; i < encodings.length; i++) {
                windows.add(encodings[i]);
                samples.add(i);
                if (options.returnOverflowingTokens() && LIB.getOverflowCount(encodings[i]) > 0) {
                    for (long overflow : LIB.getOverflowing(encodings[i])) {
                        owned.add(overflow);
                        windows.add(overflow);
                        samples.add(i);
                    }
                }
            }
            int n = windows.size();
            boolean offsets = options.returnOffsetsMapping();
            Rows rows = new Rows(new int[n][], returnsTokenTypeIds() ? new int[n][] : null,
                    options.returnSpecialTokensMask() ? new int[n][] : null, options.returnWordIds() ? new int[n][] : null,
                    options.returnSequenceIds() ? new int[n][] : null, offsets ? new int[n][] : null,
                    offsets ? new int[n][] : null,
                    options.returnOverflowingTokens() ? samples.stream().mapToInt(Integer::intValue).toArray() : null);
            for (int w = 0; w < n; w++) {
                long h = windows.get(w);
                rows.ids[w] = toInts(LIB.getTokenIds(h));
                if (rows.types != null) {
                    rows.types[w] = toInts(LIB.getTypeIds(h));
                }
                if (rows.special != null) {
                    rows.special[w] = toInts(LIB.getSpecialTokenMask(h));
                }
                int[] wordIds = rows.words != null || (offsets && sources.words != null) ? toInts(LIB.getWordIds(h)) : null;
                int[] seqIds = rows.sequences != null || (offsets && sources.second != null) ? toInts(LIB.getSequenceIds(h)) : null;
                if (rows.words != null) {
                    rows.words[w] = wordIds;
                }
                if (rows.sequences != null) {
                    rows.sequences[w] = seqIds;
                }
                if (offsets) {
                    readOffsets(LIB.getTokenCharSpans(h), samples.get(w), seqIds, wordIds, sources, rows, w);
                }
            }
            return pad(rows, options);
        } finally {
            for (long encoding : owned) {
                LIB.deleteEncoding(encoding);
            }
        }
    }

    /**
     * HF's offsets in Java {@code char} indices: Rust gives Unicode code points (Python's str indices), which differ
     * from UTF-16 indices after a character outside the Basic Multilingual Plane (an emoji). Special tokens have no
     * span: (0, 0), as in HF.
     */
    private static void readOffsets(CharSpan[] spans, int sample, int[] seqIds, int[] wordIds, Sources sources, Rows rows, int w) {
        int[] starts = new int[spans.length];
        int[] ends = new int[spans.length];
        String checked = null; // the text last looked at (tokens of one sequence or word come together)
        int[] charOf = null; // its code point to char map, null when it has no surrogate pairs
        for (int t = 0; t < spans.length; t++) {
            CharSpan span = spans[t];
            if (span == null) {
                continue;
            }
            String text = sources.text(sample, seqIds == null ? 0 : seqIds[t], wordIds == null ? 0 : wordIds[t]);
            if (text != checked) {
                checked = text;
                charOf = text != null && hasSurrogates(text) ? codePointToChar(text) : null;
            }
            if (charOf == null) {
                starts[t] = span.getStart();
                ends[t] = span.getEnd();
                continue;
            }
            starts[t] = charOf[Math.min(span.getStart(), charOf.length - 1)];
            ends[t] = charOf[Math.min(span.getEnd(), charOf.length - 1)];
        }
        rows.starts[w] = starts;
        rows.ends[w] = ends;
    }

    private static boolean hasSurrogates(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** {@code map[k]} is the char index of code point {@code k}; {@code map[count]} is the string's length. */
    private static int[] codePointToChar(String text) {
        int[] map = new int[text.codePointCount(0, text.length()) + 1];
        int k = 0;
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            map[k++] = i;
        }
        map[k] = text.length();
        return map;
    }

    /**
     * Each text as a prefix that truncates to the same tokens as the whole text, so the Rust side never tokenizes
     * (and holds) far more than {@code maxTokens} tokens of a long text: HF's Rust tokenizer truncates only after
     * encoding everything, and keeps the rest as overflowing encodings (a 5 MB line cost gigabytes). A text longer
     * than a few tokens' worth of characters is cut at the start of a whitespace run (the pre-tokenizer splits
     * there, so the prefix's tokens are the first tokens of the whole text) at a length that grows until the
     * prefix alone has at least {@code maxTokens} tokens; a text with no whitespace to cut at is kept whole.
     */
    private String[] prefixes(String[] texts, int maxTokens) {
        String[] out = texts;
        for (int i = 0; i < texts.length; i++) {
            String p = prefix(texts[i], maxTokens);
            if (p != texts[i]) {
                out = out == texts ? texts.clone() : out;
                out[i] = p;
            }
        }
        return out;
    }

    private String prefix(String text, int maxTokens) {
        long chars = Math.max(PREFIX_MIN_CHARS, (long) maxTokens * PREFIX_CHARS_PER_TOKEN);
        while (chars < text.length()) {
            int cut = startOfWhitespaceRunBefore(text, (int) chars);
            if (cut > 0) {
                String prefix = text.substring(0, cut);
                if (contentTokens(prefix) >= maxTokens) {
                    return prefix;
                }
            }
            chars *= 2;
        }
        return text;
    }

    /** Characters a prefix starts with per kept token (English averages 4 to 5 per WordPiece token). */
    private static final int PREFIX_CHARS_PER_TOKEN = 16;
    private static final int PREFIX_MIN_CHARS = 2048;

    /** The start of the last whitespace run that begins at or before {@code end}, or -1 when there is none. */
    private static int startOfWhitespaceRunBefore(String text, int end) {
        int i = Math.min(end, text.length() - 1);
        while (i > 0 && !Character.isWhitespace(text.charAt(i))) {
            i--;
        }
        while (i > 0 && Character.isWhitespace(text.charAt(i - 1))) {
            i--;
        }
        return i > 0 && Character.isWhitespace(text.charAt(i)) ? i : -1;
    }

    /** Tokens of {@code text} without special tokens or truncation. */
    private int contentTokens(String text) {
        long[] encodings = LIB.batchEncode(rust(Truncation.NONE).getHandle(), new String[] {text}, false);
        try {
            return LIB.getTokenIds(encodings[0]).length;
        } finally {
            for (long e : encodings) {
                LIB.deleteEncoding(e);
            }
        }
    }

    /**
     * Whether tokenizer.json's pre-tokenizer splits the text at whitespace (BERT's, Whitespace, ByteLevel with its
     * regex, Metaspace with splitting, or a sequence holding one): then tokens never span a whitespace run.
     */
    static boolean splitsAtWhitespace(JsonNode preTokenizer) {
        if (preTokenizer == null || preTokenizer.isNull()) {
            return false;
        }
        String type = preTokenizer.path("type").asText("");
        return switch (type) {
            case "BertPreTokenizer", "Whitespace", "WhitespaceSplit" -> true;
            case "ByteLevel" -> preTokenizer.path("use_regex").asBoolean(true);
            case "Metaspace" -> preTokenizer.path("split").asBoolean(true);
            case "Sequence" -> {
                for (JsonNode member : preTokenizer.path("pretokenizers")) {
                    if (splitsAtWhitespace(member)) {
                        yield true;
                    }
                }
                yield false;
            }
            default -> false;
        };
    }

    private BatchEncoding pad(Rows rows, EncodeOptions options) {
        int n = rows.ids.length;
        int target = paddedLength(rows.ids, options);
        int[][] mask = new int[n][];
        boolean right = paddingSide() == Side.RIGHT;
        for (int i = 0; i < n; i++) {
            int real = rows.ids[i].length;
            mask[i] = new int[Math.max(real, target)];
            Arrays.fill(mask[i], right ? 0 : mask[i].length - real, right ? real : mask[i].length, 1);
            rows.ids[i] = padRow(rows.ids[i], target, target > real ? requirePadId() : 0);
            padRows(rows.types, i, target, 0);
            padRows(rows.special, i, target, 1);
            padRows(rows.words, i, target, BatchEncoding.NONE);
            padRows(rows.sequences, i, target, BatchEncoding.NONE);
            padRows(rows.starts, i, target, 0);
            padRows(rows.ends, i, target, 0);
        }
        return new BatchEncoding(rows.ids, mask, rows.types, rows.special, rows.words, rows.sequences, rows.starts,
                rows.ends, rows.sampleMapping);
    }

    private void padRows(int[][] array, int row, int target, int value) {
        if (array != null) {
            array[row] = padRow(array[row], target, value);
        }
    }

    /** The length rows are padded to, or 0 for no padding (HF's {@code _get_padding_truncation_strategies}). */
    private int paddedLength(int[][] ids, EncodeOptions options) {
        int target = switch (options.padding()) {
            case DO_NOT_PAD -> 0;
            case LONGEST -> Arrays.stream(ids).mapToInt(r -> r.length).max().orElse(0);
            case MAX_LENGTH -> {
                int max = options.maxLength() != null ? options.maxLength() : modelMaxLength();
                if (max == NO_MAX_LENGTH) {
                    throw new TokenizerException("padding MAX_LENGTH needs a max_length: pass one, the tokenizer in "
                            + source + " has no model_max_length");
                }
                yield max;
            }
        };
        Integer multiple = options.padToMultipleOf();
        if (target > 0 && multiple != null && target % multiple != 0) {
            target = (target / multiple + 1) * multiple;
        }
        return target;
    }

    private int[] padRow(int[] row, int target, int value) {
        if (row.length >= target) {
            return row;
        }
        int[] padded = new int[target];
        int offset = paddingSide() == Side.RIGHT ? 0 : target - row.length;
        Arrays.fill(padded, value);
        System.arraycopy(row, 0, padded, offset, row.length);
        return padded;
    }

    private int requirePadId() {
        Integer id = padTokenId();
        if (id == null) {
            throw new TokenizerException("asked to pad but the tokenizer in " + source + " has no pad_token "
                    + "(set pad_token in tokenizer_config.json, e.g. to the eos_token)");
        }
        return id;
    }

    private void checkSpecialTokensExist() {
        config.specialTokens().asMap().forEach(this::checkInVocabulary);
        config.specialTokens().additionalSpecialTokens().forEach(t -> checkInVocabulary("additional_special_tokens", t));
    }

    private void checkInVocabulary(String attribute, String token) {
        if (vocab.id(token) == null) {
            throw new TokenizerException(source.resolve("tokenizer_config.json") + ": " + attribute + " '" + token
                    + "' is not in the vocabulary of " + source.resolve("tokenizer.json"));
        }
    }

    private void checkId(int id) {
        if (vocab.token(id) == null) {
            throw new TokenizerException("token id " + id + " is out of range for the tokenizer in " + source
                    + " (ids 0.." + (length() - 1) + ")");
        }
    }

    private String fastClassName() {
        String name = tokenizerClass();
        return name == null ? "the tokenizer" : name.endsWith("Fast") ? name : name + "Fast";
    }

    private static String[] checkTexts(List<String> texts, String what) {
        String[] array = texts.toArray(String[]::new);
        for (int i = 0; i < array.length; i++) {
            if (array[i] == null) {
                throw new TokenizerException(what + "[" + i + "] is null");
            }
        }
        return array;
    }

    private static int[] toInts(long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (int) values[i];
        }
        return out;
    }

    private ObjectNode savedConfig() {
        ObjectNode out = config.raw().deepCopy();
        config.specialTokens().asMap().forEach(out::put);
        if (modelMaxLength() == NO_MAX_LENGTH) {
            out.put("model_max_length", new BigInteger(HF_VERY_LARGE_INTEGER));
        } else {
            out.put("model_max_length", modelMaxLength());
        }
        out.put("padding_side", paddingSide().hfName());
        out.put("truncation_side", truncationSide().hfName());
        if (config.modelInputNames() != null) {
            config.modelInputNames().forEach(out.putArray("model_input_names")::add);
        }
        if (config.tokenizerClass() != null) {
            out.put("tokenizer_class", config.tokenizerClass());
        }
        if (config.addPrefixSpace() != null) {
            out.put("add_prefix_space", config.addPrefixSpace());
        }
        saveChatTemplates(out);
        return out;
    }

    private void saveChatTemplates(ObjectNode out) {
        Map<String, String> templates = config.chatTemplates();
        if (templates.size() == 1 && templates.containsKey("default")) {
            out.put("chat_template", templates.get("default"));
        } else if (!templates.isEmpty()) {
            var list = out.putArray("chat_template");
            templates.forEach((name, template) -> list.addObject().put("name", name).put("template", template));
        }
    }

    private static String prettySorted(ObjectNode node) throws JsonProcessingException {
        Object sorted = TokenizerConfig.JSON.treeToValue(node, Object.class);
        return TokenizerConfig.JSON.copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .writerWithDefaultPrettyPrinter().writeValueAsString(sorted) + "\n";
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** One truncation setting of the Rust tokenizer ({@link #NONE}: no truncation). */
    private record Truncation(int maxLength, TruncationStrategy strategy, int stride) {
        static final Truncation NONE = new Truncation(0, TruncationStrategy.LONGEST_FIRST, 0);
    }

    /** The texts a batch was encoded from, to map offsets: first (and second) texts, or each row's words. */
    private record Sources(String[] first, String[] second, String[][] words) {
        String text(int sample, int sequenceId, int wordId) {
            if (words != null) {
                return wordId >= 0 && wordId < words[sample].length ? words[sample][wordId] : null;
            }
            return second != null && sequenceId == 1 ? second[sample] : first[sample];
        }
    }

    /** The arrays of a batch being read (null: not asked for), one row per encoding or window. */
    private record Rows(int[][] ids, int[][] types, int[][] special, int[][] words, int[][] sequences, int[][] starts,
                        int[][] ends, int[] sampleMapping) {}
}
