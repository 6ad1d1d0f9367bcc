package io.t4j.engine.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** {@code torch.nn.Dropout}: active only in training mode. */
public final class Dropout extends Module {
    private final double p;

    public Dropout(double p) {
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        this.p = p;
    }

    public double p() {
        return p;
    }

    public Tensor forward(Tensor x) {
        return isTraining() && p > 0 ? torch.dropout(x, p, true) : x;
    }
}
