package io.t4j.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code add_prefix_space} of byte-level BPE in tokenizer.json: ByteLevel pre-tokenizers (at the top or inside a
 * {@code Sequence}) and the post-processors that carry the field (ByteLevel, RobertaProcessing, or inside a
 * {@code Sequence}), as {@code RobertaTokenizerFast.__init__} / {@code GPT2TokenizerFast.__init__} rewrite them.
 */
final class ByteLevelJson {
    private ByteLevelJson() {}

    /** Sets {@code add_prefix_space} wherever tokenizer.json has one; true when something changed. */
    static boolean setAddPrefixSpace(ObjectNode tokenizerJson, boolean value) {
        boolean changed = set(tokenizerJson.get("pre_tokenizer"), "pretokenizers", value, true);
        return set(tokenizerJson.get("post_processor"), "processors", value, false) | changed;
    }

    /**
     * Whether pre-tokenized words get their leading space: null when there is no ByteLevel pre-tokenizer, false when
     * one has {@code add_prefix_space: false}.
     */
    static Boolean byteLevelAddsPrefixSpace(JsonNode tokenizerJson) {
        return find(tokenizerJson.get("pre_tokenizer"));
    }

    private static Boolean find(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        String type = node.path("type").asText();
        if ("ByteLevel".equals(type)) {
            return node.path("add_prefix_space").asBoolean(true); // the Rust default
        }
        if ("Sequence".equals(type)) {
            Boolean all = null;
            for (JsonNode child : node.path("pretokenizers")) {
                Boolean b = find(child);
                if (b != null) {
                    all = (all == null ? b : all && b);
                }
            }
            return all;
        }
        return null;
    }

    private static boolean set(JsonNode node, String listKey, boolean value, boolean preTokenizer) {
        if (node == null || !node.isObject()) {
            return false;
        }
        ObjectNode object = (ObjectNode) node;
        String type = object.path("type").asText();
        if ("Sequence".equals(type)) {
            boolean changed = false;
            for (JsonNode child : object.path(listKey)) {
                changed |= set(child, listKey, value, preTokenizer);
            }
            return changed;
        }
        boolean applies = preTokenizer ? "ByteLevel".equals(type) : object.has("add_prefix_space");
        if (!applies || (object.has("add_prefix_space") && object.get("add_prefix_space").asBoolean() == value)) {
            return false;
        }
        object.put("add_prefix_space", value);
        return true;
    }
}
