package io.t4j.engine.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** {@code torch.nn.CrossEntropyLoss()} with its defaults: mean reduction, ignore_index -100, no label smoothing. */
public final class CrossEntropyLoss {
    /** logits [B, C] (any float dtype; computed in float32), target [B] int64 class ids → scalar loss */
    public Tensor forward(Tensor logits, Tensor target) {
        return torch.cross_entropy(logits.to(org.bytedeco.pytorch.global.torch.ScalarType.Float), target);
    }
}
