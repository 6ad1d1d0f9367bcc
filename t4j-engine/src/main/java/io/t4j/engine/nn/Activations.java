package io.t4j.engine.nn;

import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** HF's {@code ACT2FN} (transformers/activations.py): config {@code hidden_act} names to functions. */
public final class Activations {
    private Activations() {}

    public static UnaryOperator<Tensor> get(String name) {
        return switch (name) {
            case "gelu" -> torch::gelu; // exact erf form, as torch.nn.functional.gelu
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> x -> torch.gelu(x, "tanh");
            case "relu" -> torch::relu;
            case "silu", "swish" -> torch::silu;
            case "tanh" -> torch::tanh;
            case "sigmoid" -> torch::sigmoid;
            default -> throw new IllegalArgumentException("unsupported activation '" + name
                    + "' (supported: gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, silu, swish, tanh, sigmoid)");
        };
    }
}
