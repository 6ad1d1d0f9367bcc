package io.t4j.models;

import com.fasterxml.jackson.databind.JsonNode;
import io.t4j.engine.CheckpointException;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code quantization_config} entry of a quantized checkpoint's config.json (HF keeps it beside the model's own
 * fields, whatever the model type). t4j writes and reads one method, PyTorch's dynamic int8 quantization of
 * {@code nn.Linear} ({@code torch.ao.quantization.quantize_dynamic}, per-channel weights): each converted layer
 * stores {@code weight} as I8 [out, in] and {@code weight_scale} as F32 [out] (weight = int8 x scale per output row,
 * zero point 0), its bias in float32; activations are quantized per call. Other methods (bitsandbytes, GPTQ, AWQ,
 * ...) are refused by name.
 *
 * @param quantMethod         {@value #INT8_DYNAMIC}
 * @param bits                8
 * @param modulesToNotConvert Linear layers kept in floating point (HF's name): the task head and tied layers
 */
public record QuantizationConfig(String quantMethod, Integer bits, List<String> modulesToNotConvert) {
    /** t4j's method name: dynamic int8 (weights per channel, activations per call). */
    public static final String INT8_DYNAMIC = "t4j_int8_dynamic";

    public QuantizationConfig {
        modulesToNotConvert = modulesToNotConvert == null ? List.of() : List.copyOf(modulesToNotConvert);
    }

    public static QuantizationConfig int8Dynamic(List<String> modulesToNotConvert) {
        return new QuantizationConfig(INT8_DYNAMIC, 8, modulesToNotConvert);
    }

    /** Whether {@code dir}'s config.json has a quantization_config (false when there is no readable config). */
    public static boolean isQuantized(Path dir) {
        Path file = dir.resolve(AutoConfig.CONFIG_NAME);
        if (!java.nio.file.Files.isRegularFile(file)) {
            return false;
        }
        JsonNode node = AutoConfig.readTree(file).get("quantization_config");
        return node != null && !node.isNull();
    }

    /** The folder's quantization_config, or null when config.json has none; an unsupported method is an error naming it. */
    static QuantizationConfig read(Path dir) {
        Path file = dir.resolve(AutoConfig.CONFIG_NAME);
        JsonNode node = AutoConfig.readTree(file).get("quantization_config");
        if (node == null || node.isNull()) {
            return null;
        }
        QuantizationConfig q;
        try {
            q = AutoConfig.JSON.treeToValue(node, QuantizationConfig.class);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new CheckpointException(file + ": invalid quantization_config: " + e.getMessage(), e);
        }
        if (!INT8_DYNAMIC.equals(q.quantMethod()) || (q.bits() != null && q.bits() != 8)) {
            throw new CheckpointException(file + ": quantization_config.quant_method '" + q.quantMethod() + "' (bits "
                    + q.bits() + ") is not supported (supported: " + INT8_DYNAMIC + ", 8 bits)");
        }
        return q;
    }
}
