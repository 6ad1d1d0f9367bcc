package io.t4j.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/**
 * Token/id lookup read from tokenizer.json ({@code model.vocab} plus {@code added_tokens}), which DJL's binding
 * does not expose. WordPiece, BPE and WordLevel store {@code {token: id}}; Unigram stores {@code [[token, score]]}
 * where the id is the index.
 */
final class Vocab {
    private final Map<String, Integer> tokenToId = new HashMap<>();
    private final String[] idToToken;
    private final int baseSize;

    private Vocab(Map<String, Integer> ids, int baseSize) {
        this.baseSize = baseSize;
        int maxId = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        this.idToToken = new String[maxId + 1];
        ids.forEach((token, id) -> {
            tokenToId.put(token, id);
            idToToken[id] = token;
        });
    }

    static Vocab read(JsonNode tokenizerJson, String file) {
        JsonNode model = tokenizerJson.path("model");
        JsonNode vocab = model.path("vocab");
        Map<String, Integer> ids = new HashMap<>();
        if (vocab.isObject()) {
            vocab.properties().forEach(e -> ids.put(e.getKey(), e.getValue().asInt()));
        } else if (vocab.isArray()) {
            for (int i = 0; i < vocab.size(); i++) {
                ids.put(vocab.get(i).get(0).asText(), i);
            }
        } else {
            throw new TokenizerException(file + ": model.vocab is missing (model type '" + model.path("type").asText() + "')");
        }
        int baseSize = ids.size();
        for (JsonNode added : tokenizerJson.path("added_tokens")) {
            ids.put(added.path("content").asText(), added.path("id").asInt());
        }
        return new Vocab(ids, baseSize);
    }

    /** HF's {@code vocab_size}: the base model's vocabulary, without added tokens. */
    int baseSize() {
        return baseSize;
    }

    /** HF's {@code len(tokenizer)}: the largest id plus one, added tokens included. */
    int fullSize() {
        return idToToken.length;
    }

    Integer id(String token) {
        return token == null ? null : tokenToId.get(token);
    }

    String token(int id) {
        return id >= 0 && id < idToToken.length ? idToToken[id] : null;
    }
}
