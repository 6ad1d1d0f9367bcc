package io.t4j.models.decoder;

import java.util.List;

/**
 * config.json's {@code rope_scaling} object, with the keys HF's modeling_rope_utils.py reads. Old configs name the
 * type {@code "type"}, newer ones {@code "rope_type"}; {@link #ropeTypeName()} resolves both as HF does.
 *
 * @param factor                        linear / dynamic / llama3 / yarn scaling factor
 * @param originalMaxPositionEmbeddings llama3's pre-extension context length
 * @param lowFreqFactor                 llama3
 * @param highFreqFactor                llama3
 * @param shortFactor                   longrope, one per rotary frequency (head_dim / 2)
 * @param longFactor                    longrope, one per rotary frequency
 */
public record RopeScaling(
        String ropeType,
        String type,
        Double factor,
        Integer originalMaxPositionEmbeddings,
        Double lowFreqFactor,
        Double highFreqFactor,
        List<Double> shortFactor,
        List<Double> longFactor,
        Double attentionFactor,
        Double betaFast,
        Double betaSlow) {

    /** {@code rope_type}, else the legacy {@code type}, else "default". */
    public String ropeTypeName() {
        return ropeType != null ? ropeType : type != null ? type : "default";
    }

    /** A rope_scaling of {@code type} with a factor (linear, dynamic), for tests and programmatic configs. */
    public static RopeScaling of(String type, double factor) {
        return new RopeScaling(type, null, factor, null, null, null, null, null, null, null, null);
    }

    /** Llama 3.1's rope_scaling. */
    public static RopeScaling llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings) {
        return new RopeScaling("llama3", null, factor, originalMaxPositionEmbeddings, lowFreqFactor, highFreqFactor,
                null, null, null, null, null);
    }

    /** Phi-3's LongRoPE rope_scaling. */
    public static RopeScaling longrope(List<Double> shortFactor, List<Double> longFactor) {
        return new RopeScaling(null, "longrope", null, null, null, null, shortFactor, longFactor, null, null, null);
    }
}
