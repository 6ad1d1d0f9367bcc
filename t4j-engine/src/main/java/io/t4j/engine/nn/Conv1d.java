package io.t4j.engine.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code torch.nn.Conv1d} with stride 1, dilation 1 and zero padding: weight [out, in/groups, k], bias [out]. Default
 * init as PyTorch (kaiming-uniform, a=sqrt(5): U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias).
 */
public final class Conv1d extends Module {
    public final Parameter weight;
    public final Parameter bias;
    private final long padding;
    private final long groups;

    public Conv1d(long inChannels, long outChannels, long kernelSize, long padding, long groups) {
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("conv channels " + inChannels + " -> " + outChannels
                    + " are not multiples of groups " + groups);
        }
        this.padding = padding;
        this.groups = groups;
        this.weight = register("weight", Parameter.empty(outChannels, inChannels / groups, kernelSize));
        this.bias = register("bias", Parameter.empty(outChannels));
        if (!Init.skipping()) {
            resetParameters();
        }
    }

    /** PyTorch's {@code reset_parameters}: U(-b, b) with b = 1/sqrt(in/groups * k) for weight and bias. */
    public void resetParameters() {
        long[] s = weight.shape();
        double bound = 1.0 / Math.sqrt(s[1] * s[2]);
        Init.uniform(weight, -bound, bound);
        Init.uniform(bias, -bound, bound);
    }

    /** x [B, in, T] → [B, out, T + 2 * padding - k + 1] */
    public Tensor forward(Tensor x) {
        return torch.conv1d(x, weight.data(), new TensorOptional(bias.data()), new long[] {1}, new long[] {padding},
                new long[] {1}, groups);
    }
}
