package io.t4j.pipelines;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One result of the token-classification pipeline, HF's dict: with {@link AggregationStrategy#NONE} a token
 * ({@code entity} its label, {@code index} its position in the model's input), otherwise an entity
 * ({@code entity_group} its type, no index).
 *
 * @param entity      the token's label (NONE), else null
 * @param entityGroup the entity's type, the label without its B-/I- prefix (other strategies), else null
 * @param score       the token's probability of its label, or the mean over the entity's tokens (or words)
 * @param word        the token as the vocabulary writes it (NONE: {@code ##soft}, {@code ĠYork}), or the entity's
 *                    tokens decoded ({@code new york}); an unknown token is the text it stands for
 * @param start       the first character of the token or entity in the text (a Java {@code char} index)
 * @param end         one past its last character: {@code text.substring(start, end)} is the entity as written
 * @param index       the token's position in the model's input (NONE), else null
 */
public record TokenClassificationResult(String entity, String entityGroup, double score, String word, int start, int end,
                                        Integer index) {
    /** HF's dict, keys in HF's order: entity, score, index, word, start, end (or entity_group, score, word, start, end). */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (entityGroup != null) {
            out.put("entity_group", entityGroup);
            out.put("score", score);
        } else {
            out.put("entity", entity);
            out.put("score", score);
            out.put("index", index);
        }
        out.put("word", word);
        out.put("start", start);
        out.put("end", end);
        return out;
    }

    /** The label of the token (NONE) or the type of the entity. */
    public String label() {
        return entityGroup != null ? entityGroup : entity;
    }
}
