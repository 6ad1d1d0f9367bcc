package io.t4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.t4j.engine.CheckpointException;
import io.t4j.pipelines.Pooling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a sentence-transformers model folder says about embedding, as TEI reads it: the prompts of
 * {@code config_sentence_transformers.json} ({@code {"prompts": {"query": "query: ", ...}}}, with its
 * {@code default_prompt_name}) and the pooling of {@code 1_Pooling/config.json} ({@code pooling_mode_cls_token},
 * {@code pooling_mode_mean_tokens}). A folder without them (a plain HF checkpoint) has no prompts and no pooling.
 *
 * @param prompts           prompt name → text prepended to the input (empty when none)
 * @param defaultPromptName the prompt applied when a request names none, or null
 * @param pooling           the folder's pooling, or null when it has no {@code 1_Pooling/config.json}
 */
public record SentenceTransformersConfig(Map<String, String> prompts, String defaultPromptName, Pooling pooling) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public SentenceTransformersConfig {
        prompts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(prompts)); // the file's order
    }

    public static SentenceTransformersConfig none() {
        return new SentenceTransformersConfig(Map.of(), null, null);
    }

    /** The folder's sentence-transformers files, strictly: a malformed one fails naming the file and key. */
    public static SentenceTransformersConfig read(Path dir) {
        Map<String, String> prompts = new LinkedHashMap<>();
        String defaultPrompt = null;
        Path st = dir.resolve("config_sentence_transformers.json");
        if (Files.isRegularFile(st)) {
            JsonNode root = readJson(st);
            JsonNode p = root.path("prompts");
            if (!p.isMissingNode() && !p.isNull()) {
                if (!p.isObject()) {
                    throw new CheckpointException(st + ": prompts must be an object of name to prompt text, got " + p);
                }
                p.properties().forEach(e -> {
                    if (!e.getValue().isTextual()) {
                        throw new CheckpointException(st + ": prompts." + e.getKey() + " must be a string, got " + e.getValue());
                    }
                    prompts.put(e.getKey(), e.getValue().asText());
                });
            }
            JsonNode d = root.path("default_prompt_name");
            if (d.isTextual()) {
                defaultPrompt = d.asText();
                if (!prompts.containsKey(defaultPrompt)) {
                    throw new CheckpointException(st + ": default_prompt_name '" + defaultPrompt + "' is not one of the prompts "
                            + prompts.keySet());
                }
            }
        }
        return new SentenceTransformersConfig(prompts, defaultPrompt, pooling(dir.resolve("1_Pooling").resolve("config.json")));
    }

    /** TEI's choice: CLS when {@code pooling_mode_cls_token}, else mean when {@code pooling_mode_mean_tokens}. */
    private static Pooling pooling(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode c = readJson(file);
        if (c.path("pooling_mode_cls_token").asBoolean(false)) {
            return Pooling.CLS;
        }
        if (c.path("pooling_mode_mean_tokens").asBoolean(false)) {
            return Pooling.MEAN;
        }
        throw new CheckpointException(file + ": only pooling_mode_cls_token and pooling_mode_mean_tokens are supported, got " + c);
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new CheckpointException(file + ": invalid JSON: " + e.getMessage(), e);
        }
    }
}
