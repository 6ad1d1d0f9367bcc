package io.t4j.engine.nn;

import org.bytedeco.pytorch.CrossEntropyLossOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * {@code torch.nn.CrossEntropyLoss}: mean cross-entropy of logits [N, C] against class ids [N], ignoring
 * {@code ignore_index} targets (-100 by default), with optional label smoothing.
 */
public final class CrossEntropyLoss {
    /** torch's default {@code ignore_index}, HF's label for positions the loss skips. */
    public static final long IGNORE_INDEX = -100;

    private final double labelSmoothing;
    private final long ignoreIndex;

    public CrossEntropyLoss() {
        this(0.0);
    }

    public CrossEntropyLoss(double labelSmoothing) {
        this(labelSmoothing, IGNORE_INDEX);
    }

    public CrossEntropyLoss(double labelSmoothing, long ignoreIndex) {
        if (labelSmoothing < 0 || labelSmoothing > 1) {
            throw new IllegalArgumentException("label_smoothing must be in [0, 1], got " + labelSmoothing);
        }
        this.labelSmoothing = labelSmoothing;
        this.ignoreIndex = ignoreIndex;
    }

    /** logits [N, C] (any float dtype; computed in float32), targets [N] (int64) → scalar loss */
    public Tensor forward(Tensor logits, Tensor targets) {
        Tensor x = logits.to(ScalarType.Float);
        if (labelSmoothing == 0 && ignoreIndex == IGNORE_INDEX) {
            return torch.cross_entropy(x, targets);
        }
        CrossEntropyLossOptions options = new CrossEntropyLossOptions();
        options.label_smoothing().put(labelSmoothing);
        options.ignore_index().put(ignoreIndex);
        return torch.cross_entropy(x, targets, options);
    }
}
