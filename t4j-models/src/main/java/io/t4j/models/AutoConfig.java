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
 * (see {@link ModelRegistry}). Field names are HF's snake_case; absent fields take HF's defaults.
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

    /** The config in {@code dir}, as the record of its model_type (see {@link ModelRegistry}). */
    public static PretrainedConfig fromPretrained(Path dir) {
        Path file = dir.resolve(CONFIG_NAME);
        JsonNode tree = readTree(file);
        String type = modelType(file, tree);
        ModelFamily<?> family = ModelRegistry.family(type).orElseThrow(() -> new CheckpointException(file
                + ": unknown model_type '" + type + "' (supported: " + String.join(", ", ModelRegistry.modelTypes()) + ")"));
        return bind(file, tree, family.configClass());
    }

    /** The config in {@code dir}, which must be of {@code type}'s model_type (read without the registry). */
    public static <C extends PretrainedConfig> C fromPretrained(Path dir, Class<C> type) {
        Path file = dir.resolve(CONFIG_NAME);
        JsonNode tree = readTree(file);
        String modelType = modelType(file, tree);
        C config = bind(file, tree, type);
        if (!config.modelType().equals(modelType)) {
            throw new CheckpointException(file + ": model_type '" + modelType + "' cannot be loaded as "
                    + type.getSimpleName() + " (model_type '" + config.modelType() + "')");
        }
        return config;
    }

    private static String modelType(Path file, JsonNode tree) {
        JsonNode type = tree.get("model_type");
        if (type == null || !type.isTextual()) {
            throw new CheckpointException(file + ": no \"model_type\" field (supported: "
                    + String.join(", ", ModelRegistry.modelTypes()) + ")");
        }
        return type.asText();
    }

    private static <C extends PretrainedConfig> C bind(Path file, JsonNode tree, Class<C> type) {
        checkFields(file, tree);
        try {
            return JSON.treeToValue(tree, type);
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
        save(config, dir, null);
    }

    /** As {@link #save(PretrainedConfig, Path)}, with the checkpoint's {@code quantization_config} when not null. */
    static void save(PretrainedConfig config, Path dir, QuantizationConfig quantization) {
        Path file = dir.resolve(CONFIG_NAME);
        Path tmp = dir.resolve(CONFIG_NAME + ".tmp");
        try {
            Files.createDirectories(dir);
            com.fasterxml.jackson.databind.node.ObjectNode tree = JSON.valueToTree(config);
            if (quantization != null) {
                tree.set("quantization_config", JSON.valueToTree(quantization));
            }
            JSON.writeValue(tmp.toFile(), tree);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot write config: " + e.getMessage(), e);
        }
    }
}
