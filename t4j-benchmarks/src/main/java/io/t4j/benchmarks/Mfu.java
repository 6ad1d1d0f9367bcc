package io.t4j.benchmarks;

import io.t4j.engine.nn.Embedding;
import io.t4j.engine.nn.Module;

/**
 * Model FLOPs utilisation, as issue 6 defines it: {@code 6 x non-embedding parameters x tokens/s / peak FLOP/s}
 * (2 FLOPs per parameter and token forward, 4 backward; attention's own FLOPs are not counted, as in HF's
 * {@code floating_point_ops}). The peak is the measured 2048^3 matmul of the same dtype in the same run.
 */
public final class Mfu {
    private Mfu() {}

    /** Training FLOPs per token: {@code 6 * nonEmbeddingParameters}. */
    public static double trainingFlopsPerToken(long nonEmbeddingParameters) {
        return 6.0 * nonEmbeddingParameters;
    }

    /** The MFU fraction (0..1) for {@code tokensPerSecond}, or null when there is no peak to compare with. */
    public static Double of(long nonEmbeddingParameters, double tokensPerSecond, Double peakFlops) {
        if (peakFlops == null || !(peakFlops > 0) || !Double.isFinite(tokensPerSecond)) {
            return null;
        }
        return trainingFlopsPerToken(nonEmbeddingParameters) * tokensPerSecond / peakFlops;
    }

    /** HF's {@code num_parameters(exclude_embeddings=True)}: every parameter outside {@link Embedding} modules. */
    public static long nonEmbeddingParameters(Module model) {
        long embeddings = model.namedModules().values().stream().filter(m -> m instanceof Embedding)
                .mapToLong(m -> ((Embedding) m).weight.numel()).sum();
        return model.numParameters() - embeddings;
    }
}
