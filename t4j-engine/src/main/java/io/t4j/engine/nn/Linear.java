package io.t4j.engine.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/** {@code torch.nn.Linear}: y = x W^T + b, weight [out, in]. Default init as PyTorch (kaiming-uniform, a=sqrt(5)). */
public final class Linear extends Module {
    public final Parameter weight;
    public final Parameter bias;

    public Linear(long inFeatures, long outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    public Linear(long inFeatures, long outFeatures, boolean bias) {
        this(Parameter.empty(outFeatures, inFeatures), bias ? Parameter.empty(outFeatures) : null);
        if (!Init.skipping()) {
            double bound = 1.0 / Math.sqrt(inFeatures);
            Init.uniform(this.weight, -bound, bound);
            if (this.bias != null) {
                Init.uniform(this.bias, -bound, bound);
            }
        }
    }

    private Linear(Parameter weight, Parameter bias) {
        this.weight = register("weight", weight);
        this.bias = bias == null ? null : register("bias", bias);
    }

    /**
     * A linear layer over existing parameters, e.g. an LM head whose weight is the word embeddings ([V, C]) and
     * whose bias is the head's own {@code bias} (HF: {@code self.decoder.bias = self.bias}). Nothing is initialised.
     */
    public static Linear tied(Parameter weight, Parameter biasOrNull) {
        return new Linear(weight, biasOrNull);
    }

    public long inFeatures() { return weight.shape()[1]; }
    public long outFeatures() { return weight.shape()[0]; }

    /** [..., in] → [..., out] */
    public Tensor forward(Tensor x) {
        return bias == null ? torch.linear(x, weight.data()) : torch.linear(x, weight.data(), bias.data());
    }

    /**
     * Linear layers that read the same input, computed as one GEMM: [..., in] → [..., sum of out], the layers' outputs
     * side by side in argument order. The weights are concatenated on each call (with autograd, so gradients reach
     * each layer's own parameters), so parameters keep their checkpoint names and nothing goes stale after an
     * optimizer step. One [3C, C] GEMM is cheaper than three [C, C] ones at encoder shapes (BENCHMARKS.md, fused QKV).
     */
    public static Tensor fusedForward(Tensor x, Linear... layers) {
        TensorVector weights = new TensorVector();
        TensorVector biases = new TensorVector();
        for (Linear l : layers) {
            if (l.bias == null) {
                throw new IllegalArgumentException("fusedForward needs every layer to have a bias");
            }
            weights.push_back(l.weight.data());
            biases.push_back(l.bias.data());
        }
        return torch.linear(x, torch.cat(weights, 0), torch.cat(biases, 0)); // W [sum out, in], b [sum out]
    }
}
