package io.t4j.engine.nn;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Root-mean-square layer norm (T5LayerNorm; HF's {@code LlamaRMSNorm}, {@code Qwen2RMSNorm}, {@code Phi3RMSNorm}):
 * {@code weight * (x / sqrt(mean(x^2) + eps))} over the last dimension, with no mean subtraction and no bias.
 *
 * <p>As HF does, the statistics are computed in float32 whatever the input dtype, the normalised value is cast
 * back to the input dtype, and only then multiplied by the weight (so bf16 inputs give bf16 outputs).
 */
public final class RMSNorm extends Module {
    public final Parameter weight;
    private final double eps;

    public RMSNorm(long size, double eps) {
        this.eps = eps;
        this.weight = register("weight", Parameter.empty(size));
        if (!Init.skipping()) {
            Init.ones(weight);
        }
    }

    public double eps() {
        return eps;
    }

    /** [..., C] → [..., C] */
    public Tensor forward(Tensor x) {
        ScalarType inputDtype = x.scalar_type().intern();
        Tensor h = x.to(ScalarType.Float);
        Tensor variance = h.pow(new Scalar(2.0)).mean(new long[] {-1}, true, new ScalarTypeOptional()); // [..., 1]
        h = h.mul(variance.add(new Scalar(eps)).rsqrt());
        return weight.data().mul(h.to(inputDtype));
    }
}
