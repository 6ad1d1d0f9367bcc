package io.t4j.models;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.t4j.engine.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code AutoConfig.from_pretrained}: reads {@code config.json} into the record of its {@code model_type}
 * (see {@link ModelTypes}). Field names are HF's snake_case; absent fields take HF's defaults.
 */
public final class AutoConfig {
    public static final String CONFIG_NAME = "config.json";

    /** The mapper for every config.json: snake_case, unknown fields ignored, nulls not written. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private AutoConfig() {}

    /** The config in {@code dir}, as the record of its model_type. */
    public static PretrainedConfig fromPretrained(Path dir) {
        Path file = dir.resolve(CONFIG_NAME);
        JsonNode tree = readTree(file);
        JsonNode type = tree.get("model_type");
        if (type == null || !type.isTextual()) {
            throw new CheckpointException(file + ": no \"model_type\" field (supported: " + ModelTypes.supported() + ")");
        }
        Class<? extends PretrainedConfig> cls = ModelTypes.configClass(type.asText());
        if (cls == null) {
            throw new CheckpointException(file + ": unknown model_type '" + type.asText() + "' (supported: "
                    + ModelTypes.supported() + ")");
        }
        try {
            return JSON.treeToValue(tree, cls);
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException(file + ": invalid config: " + e.getMessage(), e);
        }
    }

    /** The config in {@code dir}, which must be of {@code type}'s model_type. */
    public static <C extends PretrainedConfig> C fromPretrained(Path dir, Class<C> type) {
        PretrainedConfig config = fromPretrained(dir);
        if (!type.isInstance(config)) {
            throw new CheckpointException(dir.resolve(CONFIG_NAME) + ": model_type '" + config.modelType()
                    + "' cannot be loaded as " + type.getSimpleName());
        }
        return type.cast(config);
    }

    static JsonNode readTree(Path file) {
        try {
            JsonNode tree = JSON.readTree(file.toFile());
            if (tree == null || !tree.isObject()) {
                throw new CheckpointException(file + ": not a JSON object");
            }
            return tree;
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new CheckpointException(file + ": no such file (a model folder needs config.json)", e);
        } catch (IOException e) {
            if (!Files.exists(file)) {
                throw new CheckpointException(file + ": no such file (a model folder needs config.json)", e);
            }
            throw new CheckpointException(file + ": invalid JSON: " + e.getMessage(), e);
        }
    }

    /** Writes {@code config} to {@code dir/config.json} (temp file, then move). */
    public static void save(PretrainedConfig config, Path dir) {
        Path file = dir.resolve(CONFIG_NAME);
        Path tmp = dir.resolve(CONFIG_NAME + ".tmp");
        try {
            Files.createDirectories(dir);
            JSON.writeValue(tmp.toFile(), config);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot write config: " + e.getMessage(), e);
        }
    }
}
