package io.t4j.tokenizers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What HF's {@code PreTrainedTokenizerBase.from_pretrained} reads besides tokenizer.json: tokenizer_config.json,
 * special_tokens_map.json (which wins over tokenizer_config.json, as in HF), chat_template.jinja, and the folder's
 * config.json {@code model_type}. Fields are HF's; derived values are methods.
 *
 * @param modelMaxLength {@link PreTrainedTokenizer#NO_MAX_LENGTH} when the config has none or HF's 1e30 sentinel
 * @param modelInputNames null when tokenizer_config.json does not list them
 * @param chatTemplates name to template; the unnamed template is under {@code "default"}
 * @param addPrefixSpace tokenizer_config.json's {@code add_prefix_space} (an init kwarg of HF's byte-level BPE
 *     tokenizers), or null when absent
 * @param raw tokenizer_config.json as read (empty when absent), kept so savePretrained preserves unknown keys
 */
record TokenizerConfig(SpecialTokens specialTokens, int modelMaxLength, Side paddingSide, Side truncationSide,
                       List<String> modelInputNames, String tokenizerClass, String modelType,
                       Map<String, String> chatTemplates, Boolean addPrefixSpace, ObjectNode raw) {
    static final ObjectMapper JSON = new ObjectMapper();
    /** HF's {@code VERY_LARGE_INTEGER} is int(1e30); anything this large means "no limit". */
    private static final double NO_LIMIT_THRESHOLD = 1e29;

    /** tokenizer_class values (without "Fast") whose HF class lists token_type_ids in model_input_names. */
    private static final Set<String> CLASSES_WITH_TOKEN_TYPES = Set.of("BertTokenizer", "AlbertTokenizer",
            "ElectraTokenizer", "DebertaTokenizer", "DebertaV2Tokenizer", "XLNetTokenizer", "FunnelTokenizer",
            "LayoutLMTokenizer", "MobileBertTokenizer", "SqueezeBertTokenizer", "ConvBertTokenizer",
            "RoFormerTokenizer", "RemBertTokenizer", "SplinterTokenizer", "PreTrainedTokenizer");
    /** config.json model_type values whose tokenizer returns token_type_ids. */
    private static final Set<String> MODEL_TYPES_WITH_TOKEN_TYPES = Set.of("bert", "albert", "electra", "deberta",
            "deberta-v2", "xlnet", "funnel", "layoutlm", "mobilebert", "squeezebert", "convbert", "roformer", "rembert");

    static TokenizerConfig read(Path dir, JsonNode tokenizerJson) {
        return read(dir, tokenizerJson, readObject(dir.resolve("tokenizer_config.json")));
    }

    /** With tokenizer_config.json given: a converted slow tokenizer's config, its class defaults filled in. */
    static TokenizerConfig read(Path dir, JsonNode tokenizerJson, ObjectNode config) {
        ObjectNode specialMap = readObject(dir.resolve("special_tokens_map.json"));
        ObjectNode modelConfig = readObject(dir.resolve("config.json"));
        String configFile = dir.resolve("tokenizer_config.json").toString();
        return new TokenizerConfig(
                specialTokens(config, specialMap, tokenizerJson, dir),
                modelMaxLength(config, tokenizerJson, configFile),
                side(config, "padding_side", tokenizerJson.path("padding").path("direction"), configFile),
                side(config, "truncation_side", tokenizerJson.path("truncation").path("direction"), configFile),
                stringList(config.get("model_input_names"), configFile + ": model_input_names"),
                textOrNull(config.get("tokenizer_class")),
                textOrNull(modelConfig.get("model_type")),
                chatTemplates(config, dir),
                bool(config.get("add_prefix_space"), configFile + ": add_prefix_space"),
                config);
    }

    /** This config with {@code add_prefix_space} set (HF's {@code from_pretrained(..., add_prefix_space=...)}). */
    TokenizerConfig withAddPrefixSpace(Boolean value) {
        return new TokenizerConfig(specialTokens, modelMaxLength, paddingSide, truncationSide, modelInputNames,
                tokenizerClass, modelType, chatTemplates, value, raw);
    }

    /** This config with {@code truncation_side} set (HF's {@code tokenizer.truncation_side = ...}). */
    TokenizerConfig withTruncationSide(Side value) {
        return new TokenizerConfig(specialTokens, modelMaxLength, paddingSide, value, modelInputNames,
                tokenizerClass, modelType, chatTemplates, addPrefixSpace, raw);
    }

    private static Boolean bool(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw new TokenizerException(where + ": expected true or false, found " + node);
        }
        return node.asBoolean();
    }

    /** HF: model_input_names if given, else by tokenizer class, else by the model's config.json model_type. */
    boolean returnsTokenTypeIds() {
        if (modelInputNames != null) {
            return modelInputNames.contains("token_type_ids");
        }
        if (tokenizerClass != null) {
            String base = tokenizerClass.endsWith("Fast") ? tokenizerClass.substring(0, tokenizerClass.length() - 4) : tokenizerClass;
            return CLASSES_WITH_TOKEN_TYPES.contains(base);
        }
        return modelType != null && MODEL_TYPES_WITH_TOKEN_TYPES.contains(modelType);
    }

    static ObjectNode readObject(Path file) {
        if (!Files.exists(file)) {
            return JSON.createObjectNode();
        }
        JsonNode node = readJson(file);
        if (!node.isObject()) {
            throw new TokenizerException(file + ": expected a JSON object, found " + node.getNodeType());
        }
        return (ObjectNode) node;
    }

    static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new TokenizerException(file + ":" + (loc == null ? "?" : loc.getLineNr() + ":" + loc.getColumnNr())
                    + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static SpecialTokens specialTokens(ObjectNode config, ObjectNode specialMap, JsonNode tokenizerJson, Path dir) {
        Map<String, String> tokens = new LinkedHashMap<>();
        for (String attribute : SpecialTokens.ATTRIBUTES) {
            String fromMap = tokenContent(specialMap.get(attribute), dir.resolve("special_tokens_map.json") + ": " + attribute);
            String fromConfig = tokenContent(config.get(attribute), dir.resolve("tokenizer_config.json") + ": " + attribute);
            String value = fromMap != null ? fromMap : fromConfig;
            if (value != null) {
                tokens.put(attribute, value);
            }
        }
        // PreTrainedTokenizerFast takes the pad token from tokenizer.json's padding section when none is configured.
        String padFromJson = textOrNull(tokenizerJson.path("padding").get("pad_token"));
        if (!tokens.containsKey("pad_token") && padFromJson != null) {
            tokens.put("pad_token", padFromJson);
        }
        JsonNode additional = specialMap.has("additional_special_tokens") ? specialMap.get("additional_special_tokens")
                : config.get("additional_special_tokens");
        List<String> extra = new ArrayList<>();
        if (additional != null && additional.isArray()) {
            for (JsonNode t : additional) {
                extra.add(tokenContent(t, dir + ": additional_special_tokens"));
            }
        }
        return SpecialTokens.of(tokens, extra);
    }

    /** A special token is a string or an AddedToken object {@code {"content": ..., ...}}. */
    private static String tokenContent(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isObject() && node.path("content").isTextual()) {
            return node.get("content").asText();
        }
        throw new TokenizerException(where + ": expected a string or {\"content\": ...}, found " + node);
    }

    private static int modelMaxLength(ObjectNode config, JsonNode tokenizerJson, String file) {
        JsonNode node = config.get("model_max_length");
        if (node == null || node.isNull()) {
            JsonNode fromJson = tokenizerJson.path("truncation").get("max_length");
            return fromJson != null && fromJson.canConvertToInt() ? fromJson.asInt() : PreTrainedTokenizer.NO_MAX_LENGTH;
        }
        if (!node.isNumber()) {
            throw new TokenizerException(file + ": model_max_length must be a number, found " + node);
        }
        double value = node.asDouble();
        if (value >= NO_LIMIT_THRESHOLD || value > Integer.MAX_VALUE) {
            return PreTrainedTokenizer.NO_MAX_LENGTH;
        }
        if (value <= 0) {
            throw new TokenizerException(file + ": model_max_length must be positive, found " + node);
        }
        return (int) value;
    }

    private static Side side(ObjectNode config, String key, JsonNode fromTokenizerJson, String file) {
        JsonNode node = config.get(key);
        if (node != null && !node.isNull()) {
            return Side.parse(node.asText(), file + ": " + key);
        }
        if (fromTokenizerJson.isTextual()) {
            return Side.parse(fromTokenizerJson.asText(), "tokenizer.json: " + key.replace("_side", "") + ".direction");
        }
        return Side.RIGHT;
    }

    private static Map<String, String> chatTemplates(ObjectNode config, Path dir) {
        Map<String, String> templates = new LinkedHashMap<>();
        JsonNode node = config.get("chat_template");
        if (node != null && node.isTextual()) {
            templates.put("default", node.asText());
        } else if (node != null && node.isArray()) {
            for (JsonNode t : node) {
                if (!t.path("name").isTextual() || !t.path("template").isTextual()) {
                    throw new TokenizerException(dir.resolve("tokenizer_config.json")
                            + ": chat_template list entries need \"name\" and \"template\" strings, found " + t);
                }
                templates.put(t.get("name").asText(), t.get("template").asText());
            }
        } else if (node != null && !node.isNull()) {
            throw new TokenizerException(dir.resolve("tokenizer_config.json")
                    + ": chat_template must be a string or a list of {name, template}, found " + node.getNodeType());
        }
        Path jinja = dir.resolve("chat_template.jinja");
        if (Files.exists(jinja)) {
            try {
                templates.put("default", Files.readString(jinja));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + jinja, e);
            }
        }
        return templates;
    }

    private static List<String> stringList(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw new TokenizerException(where + ": expected a list of strings, found " + node);
        }
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() || !node.isValueNode() ? null : node.asText();
    }
}
