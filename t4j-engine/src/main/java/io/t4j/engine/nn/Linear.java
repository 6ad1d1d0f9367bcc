package io.t4j.engine.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** {@code torch.nn.Linear}: y = x W^T + b, weight [out, in]. Default init as PyTorch (kaiming-uniform, a=sqrt(5)). */
public final class Linear extends Module {
    public final Parameter weight;
    public final Parameter bias;
    private final boolean tied;

    public Linear(long inFeatures, long outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    public Linear(long inFeatures, long outFeatures, boolean bias) {
        this(Parameter.empty(outFeatures, inFeatures), bias ? Parameter.empty(outFeatures) : null, false);
        if (!Init.skipping()) {
            double bound = 1.0 / Math.sqrt(inFeatures);
            Init.uniform(this.weight, -bound, bound);
            if (this.bias != null) {
                Init.uniform(this.bias, -bound, bound);
            }
        }
    }

    private Linear(Parameter weight, Parameter bias, boolean tied) {
        this.weight = register("weight", weight);
        this.bias = bias == null ? null : register("bias", bias);
        this.tied = tied;
    }

    /**
     * A linear layer over existing parameters, e.g. an LM head whose weight is the word embeddings ([V, C]) and
     * whose bias is the head's own {@code bias} (HF: {@code self.decoder.bias = self.bias}). Nothing is initialised.
     */
    public static Linear tied(Parameter weight, Parameter biasOrNull) {
        return new Linear(weight, biasOrNull, true);
    }

    /** Whether this layer was made by {@link #tied} over parameters another module owns (weight initialisers skip it). */
    public boolean isTied() {
        return tied;
    }

    public long inFeatures() { return weight.shape()[1]; }
    public long outFeatures() { return weight.shape()[0]; }

    /** [..., in] → [..., out] */
    public Tensor forward(Tensor x) {
        return bias == null ? torch.linear(x, weight.data()) : torch.linear(x, weight.data(), bias.data());
    }
}
