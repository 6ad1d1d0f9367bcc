package io.t4j.tokenizers;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
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

/**
 * HF's {@code PreTrainedTokenizerFast}: HF's Rust tokenizer (through DJL) plus what tokenizer_config.json says
 * about special tokens, lengths and sides. Made by {@link AutoTokenizer#fromPretrained(Path)}.
 *
 * <p>The Rust side tokenizes and truncates (HF's {@code "longest_first"} for pairs, in parallel for a batch); this
 * class pads in Java with the tokenizer's pad id on its padding side, so padding follows tokenizer_config.json
 * exactly. Thread-safe: each truncation length gets its own immutable native tokenizer.
 */
public final class PreTrainedTokenizer implements AutoCloseable {
    /** {@link #modelMaxLength()} when the tokenizer sets no limit (HF's {@code VERY_LARGE_INTEGER}). */
    public static final int NO_MAX_LENGTH = Integer.MAX_VALUE;
    private static final String HF_VERY_LARGE_INTEGER = "1000000000000000019884624838656";
    private static final int NO_TRUNCATION = 0;

    private final Path source;
    private final String tokenizerJson;
    private final TokenizerConfig config;
    private final Vocab vocab;
    private final Map<Integer, HuggingFaceTokenizer> rustByTruncation = new ConcurrentHashMap<>();
    /** Whether the pre-tokenizer splits at whitespace, so a text cut before a whitespace run tokenizes as a prefix. */
    private final boolean splitsAtWhitespace;
    /** Off only in tests, to compare with whole-text truncation. */
    boolean truncateLongTextsByPrefix = true;

    PreTrainedTokenizer(Path source, String tokenizerJson, JsonNode parsedJson, TokenizerConfig config) {
        this.source = source;
        this.tokenizerJson = tokenizerJson;
        this.config = config;
        this.splitsAtWhitespace = splitsAtWhitespace(parsedJson.get("pre_tokenizer"));
        this.vocab = Vocab.read(parsedJson, source.resolve("tokenizer.json").toString());
        checkSpecialTokensExist();
        rust(NO_TRUNCATION); // fail now, naming the file, if the Rust side rejects tokenizer.json
    }

    /** HF's {@code tokenizer(texts, **options)}. */
    public BatchEncoding encode(List<String> texts, EncodeOptions options) {
        return encodeBatch(checkTexts(texts, "texts"), null, options);
    }

    /** HF's {@code tokenizer(first, second, **options)}: sentence pairs, truncated longest-first. */
    public BatchEncoding encodePairs(List<String> first, List<String> second, EncodeOptions options) {
        if (first.size() != second.size()) {
            throw new TokenizerException("pairs need as many second texts as first texts: " + first.size() + " vs " + second.size());
        }
        return encodeBatch(checkTexts(first, "first"), checkTexts(second, "second"), options);
    }

    /** HF's {@code decode(ids, skip_special_tokens=...)}. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            checkId(ids[i]);
            longs[i] = ids[i];
        }
        return rust(NO_TRUNCATION).decode(longs, skipSpecialTokens);
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

    /** Whether {@link #encode} returns token_type_ids (HF's {@code "token_type_ids" in model_input_names}). */
    public boolean returnsTokenTypeIds() {
        return config.returnsTokenTypeIds();
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

    private int truncationLength(EncodeOptions options) {
        if (!options.truncation()) {
            return NO_TRUNCATION;
        }
        int max = options.maxLength() != null ? options.maxLength() : modelMaxLength();
        if (max == NO_MAX_LENGTH) {
            return NO_TRUNCATION; // HF: "no maximum length is provided ... Default to no truncation."
        }
        if (config.truncationSide() == Side.LEFT) {
            throw new TokenizerException(source.resolve("tokenizer_config.json")
                    + ": truncation_side 'left' is not supported by t4j's tokenizer binding yet; encode with "
                    + "EncodeOptions.noTruncation() or set truncation_side to 'right'");
        }
        return max;
    }

    private HuggingFaceTokenizer rust(int truncateTo) {
        return rustByTruncation.computeIfAbsent(truncateTo, this::newRust);
    }

    private HuggingFaceTokenizer newRust(int truncateTo) {
        Map<String, String> options = new TreeMap<>();
        options.put("padding", "false");
        options.put("addSpecialTokens", "true");
        if (truncateTo == NO_TRUNCATION) {
            options.put("truncation", "false");
        } else {
            options.put("truncation", "LONGEST_FIRST");
            options.put("maxLength", Integer.toString(truncateTo));
            options.put("modelMaxLength", Integer.toString(truncateTo));
        }
        try {
            return HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(tokenizerJson.getBytes(StandardCharsets.UTF_8)), options);
        } catch (IOException | RuntimeException e) {
            throw new TokenizerException(source.resolve("tokenizer.json") + ": HF tokenizers rejected the file: " + e.getMessage(), e);
        }
    }

    /**
     * Encodes through DJL's JNI binding directly, reading only ids and type ids per encoding: DJL's
     * {@code Encoding} objects also copy tokens, word ids and character spans, which took half the time on SST-2.
     */
    private BatchEncoding encodeBatch(String[] first, String[] second, EncodeOptions options) {
        int truncateTo = truncationLength(options);
        if (truncateTo != NO_TRUNCATION && splitsAtWhitespace && truncateLongTextsByPrefix) {
            first = prefixes(first, truncateTo);
            second = second == null ? null : prefixes(second, truncateTo);
        }
        long handle = rust(truncateTo).getHandle();
        long[] encodings = second == null
                ? TokenizersLibrary.LIB.batchEncode(handle, first, options.addSpecialTokens())
                : TokenizersLibrary.LIB.batchEncodePair(handle, first, second, options.addSpecialTokens());
        int n = encodings.length;
        int[][] ids = new int[n][];
        int[][] types = returnsTokenTypeIds() ? new int[n][] : null;
        try {
            for (int i = 0; i < n; i++) {
                ids[i] = toInts(TokenizersLibrary.LIB.getTokenIds(encodings[i]));
                if (types != null) {
                    types[i] = toInts(TokenizersLibrary.LIB.getTypeIds(encodings[i]));
                }
            }
        } finally {
            for (long encoding : encodings) {
                TokenizersLibrary.LIB.deleteEncoding(encoding);
            }
        }
        return pad(ids, types, options);
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
        long[] encodings = TokenizersLibrary.LIB.batchEncode(rust(NO_TRUNCATION).getHandle(), new String[] {text}, false);
        try {
            return TokenizersLibrary.LIB.getTokenIds(encodings[0]).length;
        } finally {
            for (long e : encodings) {
                TokenizersLibrary.LIB.deleteEncoding(e);
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

    private BatchEncoding pad(int[][] ids, int[][] types, EncodeOptions options) {
        int n = ids.length;
        int target = paddedLength(ids, options);
        int[][] mask = new int[n][];
        for (int i = 0; i < n; i++) {
            int real = ids[i].length;
            mask[i] = new int[Math.max(real, target)];
            Arrays.fill(mask[i], paddingSide() == Side.RIGHT ? 0 : mask[i].length - real, paddingSide() == Side.RIGHT ? real : mask[i].length, 1);
            ids[i] = padRow(ids[i], target, target > real ? requirePadId() : 0);
            if (types != null) {
                types[i] = padRow(types[i], target, 0);
            }
        }
        return new BatchEncoding(ids, mask, types);
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
}
