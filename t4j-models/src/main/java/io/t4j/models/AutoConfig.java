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
        checkFields(file, tree);
        try {
            return JSON.treeToValue(tree, cls);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new CheckpointException(file + ": invalid config: " + cause.getMessage(), e);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            String field = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("?");
            throw new CheckpointException(file + ": invalid config: field '" + field + "': " + e.getOriginalMessage(), e);
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException(file + ": invalid config: " + e.getMessage(), e);
        }
    }

    /** Sizes every family divides or allocates by: present ones must be positive integers. */
    private static final java.util.List<String> POSITIVE_SIZES = java.util.List.of("vocab_size", "hidden_size",
            "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "intermediate_size", "head_dim",
            "max_position_embeddings", "dim", "hidden_dim", "n_heads", "n_layers");
    /** Activation names (BERT family and decoders: hidden_act; DistilBERT: activation). */
    private static final java.util.List<String> ACTIVATIONS = java.util.List.of("hidden_act", "activation");

    /**
     * Fails on values that would otherwise surface later as "/ by zero" or an unnamed "unsupported activation",
     * naming the file and the field.
     */
    private static void checkFields(Path file, JsonNode tree) {
        for (String field : POSITIVE_SIZES) {
            JsonNode v = tree.get(field);
            if (v != null && !v.isNull() && !(v.isIntegralNumber() && v.asLong() >= 1 && v.canConvertToInt())) {
                throw new CheckpointException(file + ": " + field + " must be a positive integer, got " + v);
            }
        }
        for (String field : ACTIVATIONS) {
            JsonNode v = tree.get(field);
            if (v == null || v.isNull()) {
                continue;
            }
            if (!v.isTextual()) {
                throw new CheckpointException(file + ": " + field + " must be an activation name, got " + v);
            }
            try {
                io.t4j.engine.nn.Activations.get(v.asText());
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file + ": " + field + ": " + e.getMessage(), e);
            }
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
