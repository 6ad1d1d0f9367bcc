package io.t4j.engine.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code torch.nn.LayerNorm} over the last dimension, with weight (gamma) and, unless built with {@code bias=false}
 * (torch 2.1's {@code nn.LayerNorm(..., bias=False)}, as ModernBERT's {@code norm_bias: false}), bias (beta).
 */
public final class LayerNorm extends Module {
    public final Parameter weight;
    public final Parameter bias;
    private final long[] normalizedShape;
    private final double eps;

    public LayerNorm(long size, double eps) {
        this(size, eps, true);
    }

    /** With {@code bias=false} there is no {@code bias} parameter (null) and none is added. */
    public LayerNorm(long size, double eps, boolean bias) {
        this.normalizedShape = new long[] {size};
        this.eps = eps;
        this.weight = register("weight", Parameter.empty(size));
        this.bias = bias ? register("bias", Parameter.empty(size)) : null;
        if (!Init.skipping()) {
            Init.ones(weight);
            if (this.bias != null) {
                Init.zeros(this.bias);
            }
        }
    }

    public double eps() {
        return eps;
    }

    public Tensor forward(Tensor x) {
        return torch.layer_norm(x, normalizedShape, new TensorOptional(weight.data()),
                bias == null ? new TensorOptional() : new TensorOptional(bias.data()), eps, false);
    }
}
