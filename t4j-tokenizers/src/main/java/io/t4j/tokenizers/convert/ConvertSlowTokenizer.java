package io.t4j.tokenizers.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.tokenizers.TokenizerException;
import io.t4j.tokenizers.convert.SlowTokenizer.TokenizerClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HF's {@code convert_slow_tokenizer}, for a folder without tokenizer.json: picks the slow tokenizer class
 * (tokenizer_config.json {@code tokenizer_class}, else config.json {@code model_type}), runs its converter, then adds
 * the tokens the fast class adds ({@code added_tokens_decoder} or added_tokens.json, then every special token), as
 * {@code PreTrainedTokenizerFast.__init__} does after conversion. The result is the tokenizer.json HF would build.
 *
 * <p>Anything it cannot convert faithfully is an error naming the file and field: a tokenizer class without a
 * converter here, a SentencePiece model type other than UNIGRAM and BPE, normalization rules without a compiled
 * charsmap, an added token whose id differs from the one tokenizer_config.json declares.
 */
public final class ConvertSlowTokenizer {
    private static final Logger LOG = LoggerFactory.getLogger(ConvertSlowTokenizer.class);

    /** The result: tokenizer.json's text, and tokenizer_config.json as the fast tokenizer should read it. */
    public record Converted(String tokenizerJson, ObjectNode tokenizerConfig, String tokenizerClass, String converter,
                            List<Path> files) {}

    private record Entry(TokenizerClass tokenizerClass, Function<SlowTokenizer, Converter> converter) {}

    /** HF's {@code SLOW_TO_FAST_CONVERTERS}, for the classes t4j converts. */
    private static final Map<String, Entry> SLOW_TO_FAST_CONVERTERS = converters();

    /** config.json {@code model_type} to the slow tokenizer class, as HF's {@code TOKENIZER_MAPPING_NAMES}. */
    private static final Map<String, String> MODEL_TYPE_TO_CLASS = Map.ofEntries(
            Map.entry("bert", "BertTokenizer"), Map.entry("distilbert", "DistilBertTokenizer"),
            Map.entry("electra", "ElectraTokenizer"), Map.entry("convbert", "ConvBertTokenizer"),
            Map.entry("layoutlm", "LayoutLMTokenizer"), Map.entry("mobilebert", "MobileBertTokenizer"),
            Map.entry("squeezebert", "SqueezeBertTokenizer"), Map.entry("lxmert", "LxmertTokenizer"),
            Map.entry("roberta", "RobertaTokenizer"), Map.entry("bart", "BartTokenizer"),
            Map.entry("longformer", "LongformerTokenizer"), Map.entry("gpt2", "GPT2Tokenizer"),
            Map.entry("xlm-roberta", "XLMRobertaTokenizer"), Map.entry("deberta-v2", "DebertaV2Tokenizer"),
            Map.entry("llama", "LlamaTokenizer"), Map.entry("mistral", "LlamaTokenizer"));

    private ConvertSlowTokenizer() {}

    private static Map<String, Entry> converters() {
        Map<String, Entry> map = new LinkedHashMap<>();
        BertConverter.CLASSES.forEach(c -> map.put(c, new Entry(BertConverter.tokenizerClass(c), BertConverter::new)));
        RobertaConverter.CLASSES.forEach(c -> map.put(c, new Entry(RobertaConverter.tokenizerClass(c), RobertaConverter::new)));
        GPT2Converter.CLASSES.forEach(c -> map.put(c, new Entry(GPT2Converter.tokenizerClass(c), GPT2Converter::new)));
        map.put("XLMRobertaTokenizer", new Entry(XLMRobertaConverter.tokenizerClass("XLMRobertaTokenizer"), XLMRobertaConverter::new));
        map.put("DebertaV2Tokenizer", new Entry(DebertaV2Converter.tokenizerClass("DebertaV2Tokenizer"), DebertaV2Converter::new));
        map.put("LlamaTokenizer", new Entry(LlamaConverter.tokenizerClass("LlamaTokenizer"), LlamaConverter::new));
        return Map.copyOf(map);
    }

    /** The slow tokenizer classes t4j converts. */
    public static List<String> supportedClasses() {
        return SLOW_TO_FAST_CONVERTERS.keySet().stream().sorted().toList();
    }

    /** Converts the slow tokenizer files in {@code dir}; logs at info what it converted. */
    public static Converted convert(Path dir) {
        ObjectNode config = SlowTokenizer.readObject(dir.resolve("tokenizer_config.json"));
        ObjectNode specialMap = SlowTokenizer.readObject(dir.resolve("special_tokens_map.json"));
        String className = tokenizerClass(dir, config);
        Entry entry = SLOW_TO_FAST_CONVERTERS.get(className);
        SlowTokenizer original = new SlowTokenizer(dir, entry.tokenizerClass(), config, specialMap);
        Converter converter = entry.converter().apply(original);
        TokenizerJson tokenizer = converter.converted();
        addFastTokens(original, tokenizer);
        tokenizer.postProcessor = converter.postProcessor(tokenizer);
        List<Path> files = entry.tokenizerClass().vocabFiles().stream().map(dir::resolve).toList();
        String converterName = converter.getClass().getSimpleName();
        LOG.info("{} has no tokenizer.json: converted {} with {} ({}), as HF's convert_slow_tokenizer does",
                dir, files.stream().map(p -> p.getFileName().toString()).toList(), converterName, className);
        return new Converted(tokenizer.toJson(), original.effectiveConfig(), className, converterName, files);
    }

    /**
     * What {@code PreTrainedTokenizerFast.__init__} adds to the converted tokenizer: the {@code added_tokens_decoder}
     * tokens by id, then each special token not added yet. Each declared id must be the id the token gets.
     */
    private static void addFastTokens(SlowTokenizer original, TokenizerJson tokenizer) {
        TreeMap<Integer, AddedToken> declared = original.addedTokensDecoder();
        List<AddedToken> toAdd = new ArrayList<>(declared.values());
        toAdd.addAll(original.allSpecialTokens());
        tokenizer.addTokens(toAdd);
        declared.forEach((id, token) -> {
            Integer actual = tokenizer.tokenToId(token.content());
            if (actual == null || actual != id.intValue()) {
                throw new TokenizerException(original.dir() + ": added token '" + token.content() + "' is declared with id "
                        + id + " (" + (original.configHasDecoder() ? "tokenizer_config.json added_tokens_decoder"
                        : "added_tokens.json") + ") but the converted vocabulary gives it id " + actual);
            }
        });
    }

    /** tokenizer_class without "Fast", or the class HF maps config.json's model_type to. */
    private static String tokenizerClass(Path dir, ObjectNode config) {
        JsonNode declared = config.get("tokenizer_class");
        if (declared != null && declared.isTextual()) {
            String name = declared.asText();
            String slow = name.endsWith("Fast") ? name.substring(0, name.length() - 4) : name;
            if (!SLOW_TO_FAST_CONVERTERS.containsKey(slow)) {
                throw new TokenizerException(dir.resolve("tokenizer_config.json") + ": tokenizer_class '" + name
                        + "' has no tokenizer.json in " + dir + " and t4j has no converter for it (it converts "
                        + supportedClasses() + ")");
            }
            return slow;
        }
        Path configJson = dir.resolve("config.json");
        JsonNode modelType = SlowTokenizer.readObject(configJson).get("model_type");
        if (modelType == null || !modelType.isTextual()) {
            throw new TokenizerException("no tokenizer.json in " + dir.toAbsolutePath() + ", and neither tokenizer_class "
                    + "in tokenizer_config.json nor model_type in config.json says which slow tokenizer to convert "
                    + "(the folder holds " + listing(dir) + ")");
        }
        String slow = MODEL_TYPE_TO_CLASS.get(modelType.asText());
        if (slow == null) {
            throw new TokenizerException(configJson + ": model_type '" + modelType.asText() + "' has no tokenizer.json in "
                    + dir + " and t4j has no slow-tokenizer converter for it (it converts model types "
                    + MODEL_TYPE_TO_CLASS.keySet().stream().sorted().toList() + ")");
        }
        return slow;
    }

    /** Files in {@code dir}, for "the folder holds ..." hints. */
    static List<String> listing(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
