package io.t4j.engine.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class ActivationCheckpointTest {

    /** Three residual blocks with dropout: gradients with and without checkpointing must agree. */
    static final class Chain extends Module {
        final ModuleList<Linear> layers;
        final Dropout dropout = register("dropout", new Dropout(0.3));

        Chain() {
            torch.manual_seed(11);
            layers = register("layers", new ModuleList<>(3, i -> new Linear(8, 8)));
        }

        Tensor block(int i, Tensor x) {
            return x.add(dropout.forward(torch.tanh(layers.get(i).forward(x))));
        }

        Tensor forward(Tensor x, boolean checkpoint) {
            for (int i = 0; i < layers.size(); i++) {
                int k = i;
                x = checkpoint ? ActivationCheckpoint.checkpoint(h -> block(k, h), x) : block(k, x);
            }
            return x;
        }
    }

    private static List<float[]> grads(boolean checkpoint, boolean inputRequiresGrad) {
        Chain c = new Chain();
        try (PointerScope s = new PointerScope()) {
            torch.manual_seed(5);
            Tensor x = torch.randn(4, 8);
            x.requires_grad_(inputRequiresGrad);
            torch.manual_seed(99); // dropout masks
            c.forward(x, checkpoint).pow(new org.bytedeco.pytorch.Scalar(2.0)).sum().backward();
            List<float[]> out = new ArrayList<>();
            c.parameters().forEach(p -> out.add(io.t4j.engine.Tensors.toFloats(p.grad())));
            if (inputRequiresGrad) {
                out.add(io.t4j.engine.Tensors.toFloats(x.grad()));
            }
            out.add(io.t4j.engine.Tensors.toFloats(torch.rand(1))); // the RNG ends where it would have
            return out;
        }
    }

    @Test
    void recomputedGradientsEqualStoredOnes() {
        for (boolean inputGrad : new boolean[] {true, false}) {
            List<float[]> plain = grads(false, inputGrad);
            List<float[]> ckpt = grads(true, inputGrad);
            assertThat(ckpt).hasSameSizeAs(plain);
            for (int i = 0; i < plain.size(); i++) {
                // recomputation reruns the same ops on the same inputs (RNG replayed): one computation, so exact
                assertThat(ckpt.get(i)).as("tensor " + i + ", input requires grad " + inputGrad).containsExactly(plain.get(i));
            }
            assertThat(ActivationCheckpoint.pending()).isZero();
        }
    }
}
