package io.t4j.engine.nn;

import org.bytedeco.pytorch.CrossEntropyLossOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code torch.nn.CrossEntropyLoss}: mean cross-entropy of logits [N, C] against class ids [N], ignoring
 * {@code ignore_index} (-100) targets, with optional label smoothing.
 */
public final class CrossEntropyLoss {
    private final double labelSmoothing;

    public CrossEntropyLoss() {
        this(0.0);
    }

    public CrossEntropyLoss(double labelSmoothing) {
        if (labelSmoothing < 0 || labelSmoothing > 1) {
            throw new IllegalArgumentException("label_smoothing must be in [0, 1], got " + labelSmoothing);
        }
        this.labelSmoothing = labelSmoothing;
    }

    /** logits [N, C] (any float dtype; computed in float32), targets [N] (int64) → scalar loss */
    public Tensor forward(Tensor logits, Tensor targets) {
        Tensor x = logits.to(org.bytedeco.pytorch.global.torch.ScalarType.Float);
        if (labelSmoothing == 0) {
            return torch.cross_entropy(x, targets);
        }
        CrossEntropyLossOptions options = new CrossEntropyLossOptions();
        options.label_smoothing().put(labelSmoothing);
        return torch.cross_entropy(x, targets, options);
    }
}
