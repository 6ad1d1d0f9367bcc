package io.t4j.tokenizers.convert;

import com.fasterxml.jackson.databind.JsonNode;
import io.t4j.tokenizers.TokenizerException;

/**
 * HF's {@code tokenizers.AddedToken}: a token matched in the raw text before the model runs. {@code normalized}
 * means it is matched against the normalized text; {@code lstrip}/{@code rstrip} absorb the whitespace beside it
 * (RoBERTa's {@code <mask>} takes the space before it).
 */
record AddedToken(String content, boolean singleWord, boolean lstrip, boolean rstrip, boolean normalized, boolean special) {

    /** {@code AddedToken(content, special=special)}: the Python default for normalized is {@code not special}. */
    static AddedToken of(String content, boolean special) {
        return new AddedToken(content, false, false, false, !special, special);
    }

    AddedToken withSpecial(boolean special) {
        return new AddedToken(content, singleWord, lstrip, rstrip, normalized, special);
    }

    /**
     * A token as tokenizer_config.json writes one: a string, or an object with {@code content} and the flags
     * (HF's {@code AddedToken.__getstate__}; missing flags take the Python defaults).
     */
    static AddedToken fromJson(JsonNode node, boolean defaultSpecial, String where) {
        if (node.isTextual()) {
            return of(node.asText(), defaultSpecial);
        }
        if (!node.isObject() || !node.path("content").isTextual()) {
            throw new TokenizerException(where + ": expected a string or an AddedToken object {\"content\": ...}, found " + node);
        }
        boolean special = flag(node, "special", defaultSpecial, where);
        return new AddedToken(node.get("content").asText(), flag(node, "single_word", false, where),
                flag(node, "lstrip", false, where), flag(node, "rstrip", false, where),
                flag(node, "normalized", !special, where), special);
    }

    private static boolean flag(JsonNode node, String name, boolean fallback, String where) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw new TokenizerException(where + "." + name + ": expected true or false, found " + value);
        }
        return value.asBoolean();
    }
}
