package io.t4j.engine.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class RMSNormTest {
    @Test
    void normalisesByRootMeanSquareAndScalesByWeight() {
        try (PointerScope scope = new PointerScope()) {
            RMSNorm norm = new RMSNorm(4, 1e-6);
            norm.weight.data().detach().copy_(Tensors.fromFloats(new float[] {1f, 2f, 3f, 4f}, 4));
            Tensor y = norm.forward(Tensors.fromFloats(new float[] {1f, -1f, 3f, -3f}, 1, 4)); // rms = sqrt(5)
            float r = (float) Math.sqrt(5.0 + 1e-6);
            assertThat(Tensors.toFloats(y)).containsExactly(new float[] {1 / r, -2 / r, 9 / r, -12 / r},
                    org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void keepsTheInputDtype() {
        try (PointerScope scope = new PointerScope()) {
            RMSNorm norm = new RMSNorm(8, 1e-5);
            norm.to(ScalarType.BFloat16);
            Tensor y = norm.forward(Tensors.fromFloats(new float[16], 2, 8).add(new org.bytedeco.pytorch.Scalar(1.0)).to(ScalarType.BFloat16));
            assertThat(Tensors.scalarType(y)).isEqualTo(ScalarType.BFloat16);
            assertThat(Tensors.toFloats(y)).containsOnly(1f);
        }
    }
}
