package io.t4j.trainer.optim;

import io.t4j.engine.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/** {@code torch.nn.utils.clip_grad_norm_} (torch/nn/utils/clip_grad.py), run by libtorch's C++ implementation. */
public final class ClipGrad {
    private ClipGrad() {}

    /**
     * Scales the gradients of {@code params} in place so their joint L2 norm is at most {@code maxNorm}
     * (coefficient {@code maxNorm / (norm + 1e-6)}, clamped to 1) and returns the norm before clipping, as torch
     * does. Parameters without a gradient are ignored; with none at all the norm is 0.
     */
    public static double clipGradNorm(List<Parameter> params, double maxNorm) {
        List<Tensor> withGrad = new ArrayList<>();
        for (Parameter p : params) {
            if (p.grad().defined()) {
                withGrad.add(p.data());
            }
        }
        if (withGrad.isEmpty()) {
            return 0.0;
        }
        try (PointerScope scope = new PointerScope(); TensorVector v = new TensorVector(withGrad.toArray(new Tensor[0]))) {
            return torch.clip_grad_norm_(v, maxNorm, 2.0, false);
        }
    }
}
