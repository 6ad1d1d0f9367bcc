package io.t4j.tokenizers.convert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.tokenizers.SpecialTokens;
import io.t4j.tokenizers.TokenizerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What HF's {@code convert_slow_tokenizer} calls the {@code original_tokenizer}: a slow tokenizer class and the
 * init kwargs that {@code from_pretrained} gives it, read from the folder (tokenizer_config.json, with
 * special_tokens_map.json winning for special tokens, and added_tokens.json for the legacy added tokens), with the
 * class's defaults where the files are silent.
 */
final class SlowTokenizer {
    /** A special-token attribute the class defines, with the flags its fast class wraps a string value in. */
    record SpecialDefault(String attribute, AddedToken token) {}

    /** A slow tokenizer class: its vocabulary files ({@code VOCAB_FILES_NAMES}) and special-token defaults. */
    record TokenizerClass(String name, List<String> vocabFiles, List<SpecialDefault> specialDefaults) {}

    private final Path dir;
    private final TokenizerClass tokenizerClass;
    private final ObjectNode config;
    private final ObjectNode specialMap;

    SlowTokenizer(Path dir, TokenizerClass tokenizerClass, ObjectNode config, ObjectNode specialMap) {
        this.dir = dir;
        this.tokenizerClass = tokenizerClass;
        this.config = config;
        this.specialMap = specialMap;
    }

    Path dir() {
        return dir;
    }

    String className() {
        return tokenizerClass.name();
    }

    /** A vocabulary file of the class ({@code vocab_file}, {@code merges_file}), which must exist. */
    Path vocabFile(String name) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new TokenizerException(dir.toAbsolutePath() + " has no tokenizer.json and no " + name + " for "
                    + className() + " to convert (the folder holds " + ConvertSlowTokenizer.listing(dir) + ")");
        }
        return file;
    }

    /** A boolean init kwarg of tokenizer_config.json, or {@code fallback} when absent or null. */
    boolean bool(String key, boolean fallback) {
        Boolean value = nullableBool(key);
        return value == null ? fallback : value;
    }

    /** A boolean init kwarg that may be null (BERT's {@code strip_accents}: null follows lowercase). */
    Boolean nullableBool(String key) {
        JsonNode node = config.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw new TokenizerException(configFile() + ": " + key + " must be true, false or null, found " + node);
        }
        return node.asBoolean();
    }

    /** The special token of an attribute ({@code "cls_token"}), or null when the tokenizer has none. */
    AddedToken specialToken(String attribute) {
        JsonNode node = specialMap.has(attribute) ? specialMap.get(attribute) : config.get(attribute);
        String where = (specialMap.has(attribute) ? specialMapFile() : configFile()) + ": " + attribute;
        SpecialDefault fallback = tokenizerClass.specialDefaults().stream()
                .filter(d -> d.attribute().equals(attribute)).findFirst().orElse(null);
        if (node == null) {
            if (!specialMap.has(attribute) && !config.has(attribute) && fallback != null) {
                return fallback.token();
            }
            return null;
        }
        if (node.isNull()) {
            return null;
        }
        if (node.isTextual() && fallback != null) {
            AddedToken t = fallback.token();
            return new AddedToken(node.asText(), t.singleWord(), t.lstrip(), t.rstrip(), t.normalized(), true);
        }
        return AddedToken.fromJson(node, true, where).withSpecial(true);
    }

    /** The content of {@link #specialToken}, or null. */
    String specialTokenContent(String attribute) {
        AddedToken t = specialToken(attribute);
        return t == null ? null : t.content();
    }

    /** {@code additional_special_tokens}, special_tokens_map.json winning. */
    List<AddedToken> additionalSpecialTokens() {
        boolean fromMap = specialMap.has("additional_special_tokens");
        JsonNode node = fromMap ? specialMap.get("additional_special_tokens") : config.get("additional_special_tokens");
        String where = (fromMap ? specialMapFile() : configFile()) + ": additional_special_tokens";
        List<AddedToken> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new TokenizerException(where + ": expected a list, found " + node);
        }
        for (int i = 0; i < node.size(); i++) {
            out.add(AddedToken.fromJson(node.get(i), true, where + "[" + i + "]").withSpecial(true));
        }
        return out;
    }

    /** Every special token in HF's {@code all_special_tokens_extended} order (attributes, then additional). */
    List<AddedToken> allSpecialTokens() {
        List<AddedToken> all = new ArrayList<>();
        for (String attribute : SpecialTokens.ATTRIBUTES) {
            AddedToken t = specialToken(attribute);
            if (t != null && all.stream().noneMatch(a -> a.content().equals(t.content()))) {
                all.add(t);
            }
        }
        for (AddedToken t : additionalSpecialTokens()) {
            if (all.stream().noneMatch(a -> a.content().equals(t.content()))) {
                all.add(t);
            }
        }
        return all;
    }

    /**
     * The tokens {@code added_tokens_decoder} of tokenizer_config.json declares, by id; without one, those of the
     * legacy added_tokens.json ({@code {token: id}}), normalized unless special, as HF's {@code from_pretrained}
     * reads it.
     */
    TreeMap<Integer, AddedToken> addedTokensDecoder() {
        TreeMap<Integer, AddedToken> decoder = new TreeMap<>();
        List<String> specials = allSpecialTokens().stream().map(AddedToken::content).toList();
        JsonNode node = config.get("added_tokens_decoder");
        if (node != null && !node.isNull()) {
            if (!node.isObject()) {
                throw new TokenizerException(configFile() + ": added_tokens_decoder must be an object {id: AddedToken}, found "
                        + node.getNodeType());
            }
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String where = configFile() + ": added_tokens_decoder." + e.getKey();
                AddedToken t = AddedToken.fromJson(e.getValue(), false, where);
                decoder.put(id(e.getKey(), where), t.special() || !specials.contains(t.content()) ? t : t.withSpecial(true));
            }
            return decoder;
        }
        Path legacy = dir.resolve("added_tokens.json");
        if (Files.isRegularFile(legacy)) {
            ObjectNode map = readObject(legacy);
            for (Map.Entry<String, JsonNode> e : map.properties()) {
                if (!e.getValue().canConvertToInt()) {
                    throw new TokenizerException(legacy + ": " + e.getKey() + " must map to an integer id, found " + e.getValue());
                }
                boolean special = specials.contains(e.getKey());
                decoder.put(e.getValue().asInt(), new AddedToken(e.getKey(), false, false, false, !special, special));
            }
        }
        return decoder;
    }

    /**
     * tokenizer_config.json as t4j's loader should read it after conversion: the file's keys, the tokenizer class,
     * and each special token the class defines by default that the files do not set.
     */
    ObjectNode effectiveConfig() {
        ObjectNode out = config.deepCopy();
        if (!out.hasNonNull("tokenizer_class")) {
            out.put("tokenizer_class", className());
        }
        for (SpecialDefault d : tokenizerClass.specialDefaults()) {
            if (!config.has(d.attribute()) && !specialMap.has(d.attribute())) {
                out.put(d.attribute(), d.token().content());
            }
        }
        return out;
    }

    boolean configHasDecoder() {
        return config.hasNonNull("added_tokens_decoder");
    }

    String configFile() {
        return dir.resolve("tokenizer_config.json").toString();
    }

    private String specialMapFile() {
        return dir.resolve("special_tokens_map.json").toString();
    }

    private static int id(String key, String where) {
        try {
            return Integer.parseInt(key);
        } catch (NumberFormatException e) {
            throw new TokenizerException(where + ": the key must be a token id, found '" + key + "'");
        }
    }

    static ObjectNode readObject(Path file) {
        if (!Files.exists(file)) {
            return Components.JSON.createObjectNode();
        }
        try {
            JsonNode node = Components.JSON.readTree(file.toFile());
            if (!node.isObject()) {
                throw new TokenizerException(file + ": expected a JSON object, found " + node.getNodeType());
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new TokenizerException(file + ":" + (loc == null ? "?" : loc.getLineNr() + ":" + loc.getColumnNr())
                    + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
