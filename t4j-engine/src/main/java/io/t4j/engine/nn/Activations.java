package io.t4j.engine.nn;

import io.t4j.engine.gemm.OnednnPostOp;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** HF's {@code ACT2FN} (transformers/activations.py): config {@code hidden_act} names to functions. */
public final class Activations {
    private Activations() {}

    /**
     * An activation function under its config name. {@code onednnAttr} and {@code onednnAlgorithm} name the same
     * function as a oneDNN post-op of {@code mkldnn::_linear_pointwise} ("gelu" with "none" is the exact erf form,
     * with "tanh" the tanh approximation; null where oneDNN has none), so {@link Linear#forward(Tensor, UnaryOperator)}
     * can apply it inside a packed GEMM instead of as a pass of its own.
     */
    public record Activation(String name, UnaryOperator<Tensor> fn, String onednnAttr, String onednnAlgorithm)
            implements OnednnPostOp {
        @Override
        public Tensor apply(Tensor x) {
            return fn.apply(x);
        }
    }

    public static Activation get(String name) {
        return switch (name) {
            case "gelu" -> new Activation(name, torch::gelu, "gelu", "none"); // exact erf form, as torch.nn.functional.gelu
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> new Activation(name, x -> torch.gelu(x, "tanh"), "gelu", "tanh");
            case "relu" -> new Activation(name, torch::relu, "relu", "");
            case "silu", "swish" -> new Activation(name, torch::silu, null, null);
            case "tanh" -> new Activation(name, torch::tanh, null, null);
            case "sigmoid" -> new Activation(name, torch::sigmoid, null, null);
            default -> throw new IllegalArgumentException("unsupported activation '" + name
                    + "' (supported: gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, silu, swish, tanh, sigmoid)");
        };
    }
}
