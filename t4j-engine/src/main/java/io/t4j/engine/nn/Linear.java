package io.t4j.engine.nn;

import io.t4j.engine.gemm.Gemm;
import io.t4j.engine.gemm.Int8Weights;
import io.t4j.engine.gemm.LinearKernels;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * {@code torch.nn.Linear}: y = x W^T + b, weight [out, in]. Default init as PyTorch (kaiming-uniform, a=sqrt(5)).
 *
 * <p>Which library computes it (OpenBLAS, oneDNN per call or with the weight packed once, int8) is decided per call
 * by {@link Gemm}; see there. A layer converted by {@link #quantizeInt8()} (PyTorch's dynamic quantization,
 * {@code torch.ao.nn.quantized.dynamic.Linear}) holds its weight as int8 [out, in] plus a per-row
 * {@code weight_scale} [out] (float32), both saved and loaded under those names; its bias stays float.
 */
public final class Linear extends Module {
    public final Parameter weight;
    public final Parameter bias;
    private final boolean tied;
    private Parameter weightScale;
    private final LinearKernels kernels = new LinearKernels();
    private FusedLinears group;

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

    /**
     * An int8 layer over existing frozen parameters: int8 values [out, in], their per-row scale [out] and a float bias
     * (a fused group's concatenation, {@link FusedLinears}).
     */
    static Linear tiedInt8(Parameter values, Parameter scale, Parameter biasOrNull) {
        Linear l = new Linear(values, biasOrNull, true);
        scale.requiresGrad(false);
        l.weightScale = l.register("weight_scale", scale);
        return l;
    }

    /** Whether this layer was made by {@link #tied} over parameters another module owns (weight initialisers skip it). */
    public boolean isTied() {
        return tied;
    }

    public long inFeatures() { return weight.shape()[1]; }
    public long outFeatures() { return weight.shape()[0]; }

    /** [..., in] → [..., out] */
    public Tensor forward(Tensor x) {
        return forward(x, null);
    }

    /**
     * {@code act(x W^T + b)}: [..., in] → [..., out]. Where the kernel path allows (a frozen layer on a packed oneDNN
     * path and an activation oneDNN has, {@link io.t4j.engine.gemm.OnednnPostOp}, as {@link Activations} gives), the activation runs inside the
     * GEMM instead of as a pass of its own; the result is the same function either way.
     */
    public Tensor forward(Tensor x, UnaryOperator<Tensor> act) {
        return Gemm.linear(x, weight.data(), bias == null ? null : bias.data(),
                weightScale == null ? null : weightScale.data(), kernels, act);
    }

    /**
     * This layer and {@code others}, all reading x: {@code [x W^T + b, x W_1^T + b_1, ...]}, each [..., out_i]. When all
     * are frozen (inference) they run as one GEMM over their concatenated weights and the results are views of its
     * output (see {@link FusedLinears}); otherwise each layer runs alone, as {@link #forward} does. {@code others} must
     * be the same layers on every call.
     */
    public Tensor[] forwardWith(Tensor x, Linear... others) {
        Linear[] members = new Linear[others.length + 1];
        members[0] = this;
        System.arraycopy(others, 0, members, 1, others.length);
        FusedLinears g;
        synchronized (this) {
            if (group == null) {
                group = new FusedLinears(members);
            } else if (!group.hasMembers(members)) {
                throw new IllegalStateException("forwardWith was called with other layers than before");
            }
            g = group;
        }
        return g.forward(x);
    }

    /** Whether the weight is int8 with a per-row {@code weight_scale} (see {@link #quantizeInt8()}). */
    public boolean isInt8() {
        return weightScale != null;
    }

    /** The per-row scale of an int8 layer, or null. */
    public Parameter weightScale() {
        return weightScale;
    }

    /**
     * Converts this layer to int8 weights in place, as {@code torch.ao.quantization.quantize_dynamic} does for
     * {@code nn.Linear}: per-output-channel symmetric scales, activations quantized per call. The weight becomes
     * frozen int8 values and a {@code weight_scale} parameter is registered; the bias is kept (frozen, float32).
     * Inference only. A tied layer cannot be converted (its weight belongs to another module).
     */
    public void quantizeInt8() {
        if (tied) {
            throw new IllegalStateException("a tied Linear shares its weight with another module and cannot be quantized");
        }
        if (isInt8()) {
            return;
        }
        Int8Weights.Quantized q = Int8Weights.quantize(weight.data());
        weight.set(q.values());
        registerScale(q.scale());
        if (bias != null) {
            bias.set(bias.data().detach().to(ScalarType.Float));
        }
        kernels.release();
    }

    /**
     * Makes this layer an int8 layer to be filled by loading a quantized checkpoint: the weight becomes an empty int8
     * [out, in] tensor and {@code weight_scale} an empty float32 [out] (on the meta device while {@link Init#skip()} is
     * active), so strict loading expects and checks both keys.
     */
    public void int8Placeholder() {
        if (tied) {
            throw new IllegalStateException("a tied Linear shares its weight with another module and cannot be quantized");
        }
        if (isInt8()) {
            return;
        }
        long[] shape = weight.shape();
        boolean meta = weight.isMeta();
        weight.set(placeholder(shape, ScalarType.Char, meta));
        registerScale(placeholder(new long[] {shape[0]}, ScalarType.Float, meta));
        kernels.release();
    }

    private static Tensor placeholder(long[] shape, ScalarType type, boolean meta) {
        TensorOptions options = new TensorOptions(type);
        if (meta) {
            options = options.device(new DeviceOptional(new Device("meta")));
        }
        return torch.zeros(shape, options);
    }

    private void registerScale(Tensor scale) {
        scale.requires_grad_(false);
        weightScale = register("weight_scale", Parameter.of(scale));
        weightScale.requiresGrad(false);
    }

    /** Frees this layer's packed weight copies and fused weights (they are re-made on the next call that needs them). */
    public void releasePacked() {
        kernels.release();
        FusedLinears g;
        synchronized (this) {
            g = group;
        }
        if (g != null) {
            g.release();
        }
    }
}
