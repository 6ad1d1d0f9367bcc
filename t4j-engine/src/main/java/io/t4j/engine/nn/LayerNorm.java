package io.t4j.engine.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** {@code torch.nn.LayerNorm} over the last dimension, with weight (gamma) and bias (beta). */
public final class LayerNorm extends Module {
    public final Parameter weight;
    public final Parameter bias;
    private final long[] normalizedShape;
    private final double eps;

    public LayerNorm(long size, double eps) {
        this.normalizedShape = new long[] {size};
        this.eps = eps;
        this.weight = register("weight", Parameter.empty(size));
        this.bias = register("bias", Parameter.empty(size));
        if (!Init.skipping()) {
            Init.ones(weight);
            Init.zeros(bias);
        }
    }

    public double eps() {
        return eps;
    }

    public Tensor forward(Tensor x) {
        return torch.layer_norm(x, normalizedShape, new TensorOptional(weight.data()), new TensorOptional(bias.data()),
                eps, false);
    }
}
