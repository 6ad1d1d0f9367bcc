package io.t4j.models.decoder;

import io.t4j.engine.Engine;
import java.util.List;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * HF's {@code ROPE_INIT_FUNCTIONS} (transformers/modeling_rope_utils.py, v4.46.1) for the rope types t4j supports:
 * the inverse frequencies {@code inv_freq} [D/2] and the attention scaling applied to cos and sin. The arithmetic
 * is done in float32 with the same operations, in the same order, as HF, so positions in the thousands give the
 * same angles.
 */
public final class RopeUtils {
    /** The rope_scaling types of {@code LlamaRotaryEmbedding}/{@code Qwen2RotaryEmbedding} that t4j implements. */
    public static final List<String> LLAMA_ROPE_TYPES = List.of("default", "linear", "dynamic", "llama3");

    private RopeUtils() {}

    /** inv_freq and the cos/sin scaling ({@code attention_factor}; 1 for every type here). */
    public record RopeParameters(Tensor invFreq, double attentionScaling) {}

    /**
     * Checks {@code rope_scaling} at config time, so an unsupported or incomplete one fails when config.json is read,
     * naming the type and the supported ones.
     */
    public static void validate(RopeScaling scaling, List<String> supported, String owner) {
        if (scaling == null) {
            return;
        }
        String type = scaling.ropeTypeName();
        if (!supported.contains(type)) {
            throw new IllegalArgumentException("rope_scaling type '" + type + "' is not supported by " + owner
                    + " (supported: " + String.join(", ", supported) + ")");
        }
        switch (type) {
            case "linear", "dynamic" -> requireFactor(scaling, type);
            case "llama3" -> {
                requireFactor(scaling, type);
                if (scaling.lowFreqFactor() == null || scaling.highFreqFactor() == null
                        || scaling.originalMaxPositionEmbeddings() == null) {
                    throw new IllegalArgumentException("rope_scaling type 'llama3' needs low_freq_factor, "
                            + "high_freq_factor and original_max_position_embeddings, got " + scaling);
                }
                if (scaling.highFreqFactor() <= scaling.lowFreqFactor()) {
                    throw new IllegalArgumentException("rope_scaling: high_freq_factor (" + scaling.highFreqFactor()
                            + ") must be greater than low_freq_factor (" + scaling.lowFreqFactor() + ")");
                }
            }
            default -> { }
        }
    }

    private static void requireFactor(RopeScaling scaling, String type) {
        if (scaling.factor() == null || scaling.factor() < 1.0) {
            throw new IllegalArgumentException("rope_scaling type '" + type + "' needs a \"factor\" >= 1, got "
                    + scaling.factor());
        }
    }

    /**
     * The parameters for {@code config}; {@code seqLen} is the current sequence length for "dynamic" (0 when
     * unknown, i.e. at construction, which gives max_position_embeddings as HF).
     */
    public static RopeParameters compute(DecoderConfig config, long seqLen) {
        Engine.init();
        RopeScaling scaling = config.ropeScaling();
        String type = scaling == null ? "default" : scaling.ropeTypeName();
        int dim = config.headDim();
        double base = config.ropeTheta();
        return switch (type) {
            case "default" -> new RopeParameters(defaultInvFreq(base, dim), 1.0);
            case "linear" -> new RopeParameters(defaultInvFreq(base, dim).div(new Scalar(scaling.factor())), 1.0);
            case "dynamic" -> {
                // _compute_dynamic_ntk_parameters: base grows with the sequence beyond max_position_embeddings
                long maxPos = config.maxPositionEmbeddings();
                double factor = scaling.factor();
                long len = seqLen > maxPos ? seqLen : maxPos;
                double dynBase = base * Math.pow((factor * len / maxPos) - (factor - 1), (double) dim / (dim - 2));
                yield new RopeParameters(defaultInvFreq(dynBase, dim), 1.0);
            }
            case "llama3" -> new RopeParameters(llama3InvFreq(defaultInvFreq(base, dim), scaling), 1.0);
            default -> throw new IllegalArgumentException("rope_scaling type '" + type + "' is not supported (supported: "
                    + String.join(", ", LLAMA_ROPE_TYPES) + ")");
        };
    }

    /** {@code 1.0 / (base ** (arange(0, dim, 2).float() / dim))}, float32 [D/2]. */
    public static Tensor defaultInvFreq(double base, int dim) {
        return torch.pow(new Scalar(base), exponents(dim)).reciprocal();
    }

    /** {@code arange(0, dim, 2, dtype=int64).float() / dim}, float32 [D/2]. */
    public static Tensor exponents(int dim) {
        Tensor steps = torch.arange(new Scalar(0L), new Scalar((long) dim), new Scalar(2L), new TensorOptions(ScalarType.Long));
        return steps.to(ScalarType.Float).div(new Scalar((double) dim));
    }

    /** {@code _compute_llama3_parameters}: long wavelengths divided by factor, a smooth ramp between the bands. */
    private static Tensor llama3InvFreq(Tensor invFreq, RopeScaling s) {
        double factor = s.factor();
        double low = s.lowFreqFactor();
        double high = s.highFreqFactor();
        double oldContext = s.originalMaxPositionEmbeddings();
        double lowFreqWavelen = oldContext / low;
        double highFreqWavelen = oldContext / high;
        Tensor wavelen = invFreq.reciprocal().mul(new Scalar(2 * Math.PI));           // 2*pi / inv_freq
        Tensor scaled = invFreq.div(new Scalar(factor));
        Tensor invFreqLlama = torch.where(wavelen.gt(new Scalar(lowFreqWavelen)), scaled, invFreq);
        Tensor smooth = wavelen.reciprocal().mul(new Scalar(oldContext)).sub(new Scalar(low)).div(new Scalar(high - low));
        Tensor smoothed = torch.ones_like(smooth).sub(smooth).mul(invFreqLlama).div(new Scalar(factor))
                .add(smooth.mul(invFreqLlama));
        Tensor isMedium = wavelen.lt(new Scalar(highFreqWavelen)).logical_not()
                .logical_and(wavelen.gt(new Scalar(lowFreqWavelen)).logical_not());
        return torch.where(isMedium, smoothed, invFreqLlama);
    }
}
