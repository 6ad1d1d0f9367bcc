package io.t4j.tokenizers.convert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HF's {@code tokenizers.Tokenizer} being assembled by a converter: the model (with its vocabulary, which the added
 * tokens are resolved against), the four pipeline components and the added vocabulary; {@link #toJson()} writes
 * the tokenizer.json that {@code Tokenizer.to_str()} would.
 */
final class TokenizerJson {
    private final ObjectNode model;
    private final Map<String, Integer> modelVocab;
    private final int modelVocabSize;
    private final Map<String, Integer> addedIds = new LinkedHashMap<>();
    private final Map<Integer, AddedToken> addedById = new LinkedHashMap<>();
    ObjectNode normalizer;
    ObjectNode preTokenizer;
    ObjectNode postProcessor;
    ObjectNode decoder;

    /**
     * {@code modelVocab}: the model's token-to-id map; {@code modelVocabSize}: the model's {@code get_vocab_size()}
     * (the map's size for WordPiece and BPE, the list's length for Unigram).
     */
    TokenizerJson(ObjectNode model, Map<String, Integer> modelVocab, int modelVocabSize) {
        this.model = model;
        this.modelVocab = modelVocab;
        this.modelVocabSize = modelVocabSize;
    }

    /**
     * HF's {@code AddedVocabulary.add_tokens}: a token already added (same content) is skipped; otherwise it takes
     * its id in the model's vocabulary, or the next id after the model and the tokens added so far.
     */
    void addTokens(List<AddedToken> tokens) {
        for (AddedToken token : tokens) {
            if (token.content().isEmpty() || addedIds.containsKey(token.content())) {
                continue;
            }
            Integer id = modelVocab.get(token.content());
            if (id == null) {
                int size = modelVocabSize;
                int max = addedIds.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
                id = max < 0 ? size : (max >= size || size == 0 ? max + 1 : size);
            }
            addedIds.put(token.content(), id);
            addedById.put(id, token);
        }
    }

    /** The id of a token, added tokens first (HF's {@code token_to_id}); null when it has none. */
    Integer tokenToId(String token) {
        Integer id = addedIds.get(token);
        return id != null ? id : modelVocab.get(token);
    }

    String toJson() {
        ObjectNode root = Components.JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        List<Integer> ids = new ArrayList<>(addedById.keySet());
        ids.sort(null);
        for (int id : ids) {
            AddedToken t = addedById.get(id);
            added.addObject().put("id", id).put("content", t.content()).put("single_word", t.singleWord())
                    .put("lstrip", t.lstrip()).put("rstrip", t.rstrip()).put("normalized", t.normalized())
                    .put("special", t.special());
        }
        root.set("normalizer", normalizer);
        root.set("pre_tokenizer", preTokenizer);
        root.set("post_processor", postProcessor);
        root.set("decoder", decoder);
        root.set("model", model);
        try {
            return Components.JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
