package io.t4j.models;

import io.t4j.engine.Cpu;
import java.util.Map;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The keyword arguments of HF's {@code from_pretrained} that t4j supports: {@code num_labels}, {@code id2label},
 * {@code problem_type}, {@code torch_dtype}, and whether frozen weights may stay memory-mapped (zero copy).
 *
 * @param numLabels   a new head with this many classes (labels LABEL_0..), or null to keep the config's
 * @param id2label    label names for a new head (wins over numLabels), or null
 * @param problemType regression / single_label_classification / multi_label_classification, or null
 * @param dtype       parameter dtype (default float32; bf16 for inference speed); null is HF's
 *                    {@code torch_dtype="auto"}: config.json's torch_dtype, else each tensor as stored
 * @param zeroCopy    load weights as read-only views of the mapped file (inference only; they are frozen)
 * @param int8        after loading, quantize the base model's Linear layers to int8 (PyTorch's
 *                    {@code quantize_dynamic}; see {@link PreTrainedModel#quantizeInt8()}); inference only, the rest
 *                    of the model in float32. A checkpoint saved quantized loads as int8 whatever this says.
 */
public record PretrainedOptions(Integer numLabels, Map<Integer, String> id2label, String problemType,
                                ScalarType dtype, boolean zeroCopy, boolean int8) {
    public static PretrainedOptions defaults() {
        return new PretrainedOptions(null, null, null, ScalarType.Float, false, false);
    }

    public static PretrainedOptions numLabels(int n) {
        return defaults().withNumLabels(n);
    }

    public PretrainedOptions withNumLabels(int n) {
        return new PretrainedOptions(n, id2label, problemType, dtype, zeroCopy, int8);
    }

    public PretrainedOptions withId2label(Map<Integer, String> labels) {
        return new PretrainedOptions(numLabels, labels, problemType, dtype, zeroCopy, int8);
    }

    public PretrainedOptions withProblemType(String type) {
        return new PretrainedOptions(numLabels, id2label, type, dtype, zeroCopy, int8);
    }

    /** HF's {@code torch_dtype="auto"}: parameters in config.json's torch_dtype (or as stored when it names none). */
    public PretrainedOptions withAutoDtype() {
        return new PretrainedOptions(numLabels, id2label, problemType, null, zeroCopy, int8);
    }

    public PretrainedOptions withDtype(ScalarType type) {
        return new PretrainedOptions(numLabels, id2label, problemType, type, zeroCopy, int8);
    }

    /** Inference-only loading: frozen weights that stay memory-mapped when the dtype matches. */
    public PretrainedOptions withZeroCopy(boolean z) {
        return new PretrainedOptions(numLabels, id2label, problemType, dtype, z, int8);
    }

    /**
     * Inference in int8: float32 weights, frozen and memory-mapped where possible, then the base model's Linear layers
     * quantized to int8 per output channel (activations quantized per call).
     */
    public PretrainedOptions withInt8(boolean quantize) {
        return new PretrainedOptions(numLabels, id2label, problemType, quantize ? ScalarType.Float : dtype, zeroCopy, quantize);
    }

    /** The values {@link #forInference} accepts. */
    public static final String INFERENCE_DTYPES = "auto, float32, bfloat16 or int8";

    /**
     * Inference loading (frozen, memory-mapped weights) for a command line's {@code --dtype}: {@code auto} is
     * bfloat16 where the CPU computes bf16 natively (AVX512_BF16 or AMX: {@link Cpu#nativeBf16()}) and float32
     * elsewhere or for an int8 checkpoint; {@code float32}/{@code fp32}, {@code bfloat16}/{@code bf16}, or
     * {@code int8} (the base model's Linear layers quantized after loading, see {@link #withInt8}).
     *
     * @param dtype the option's value
     * @param dir   the model folder (read only to see whether it is an int8 checkpoint)
     * @throws IllegalArgumentException naming the value when it is none of these
     */
    public static PretrainedOptions forInference(String dtype, java.nio.file.Path dir) {
        PretrainedOptions frozen = defaults().withZeroCopy(true);
        return switch (dtype.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> frozen.withDtype(Cpu.current().nativeBf16() && !QuantizationConfig.isQuantized(dir)
                    ? ScalarType.BFloat16 : ScalarType.Float);
            case "float32", "fp32" -> frozen;
            case "bfloat16", "bf16" -> frozen.withDtype(ScalarType.BFloat16);
            case "int8" -> frozen.withInt8(true);
            default -> throw new IllegalArgumentException("--dtype must be " + INFERENCE_DTYPES + ", got '" + dtype + "'");
        };
    }

    /** The config's labels after applying these options. */
    public <C extends PretrainedConfig> C applyTo(C config) {
        Map<Integer, String> labels = id2label != null ? Labels.normalize(id2label)
                : numLabels != null && numLabels != config.numLabels() ? Labels.defaultId2label(numLabels) : config.id2label();
        String type = problemType != null ? problemType : config.problemType();
        if (type != null) {
            ProblemType.fromConfig(type);
        }
        @SuppressWarnings("unchecked")
        C updated = (C) config.withLabels(labels, type);
        return updated;
    }
}
