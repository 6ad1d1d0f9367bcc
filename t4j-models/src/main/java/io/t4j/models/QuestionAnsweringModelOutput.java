package io.t4j.models;

import io.t4j.engine.nn.CrossEntropyLoss;
import java.util.List;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * HF's {@code QuestionAnsweringModelOutput} (modeling_outputs.py): {@code startLogits} and {@code endLogits} [B,T]
 * and {@code loss} (null without positions). Its predictions are {@code (start_logits, end_logits)}.
 */
public record QuestionAnsweringModelOutput(Tensor loss, Tensor startLogits, Tensor endLogits) implements ModelOutput {

    @Override
    public List<Tensor> predictions() {
        return List.of(startLogits, endLogits);
    }

    /** The output for the logits, with HF's loss when both {@code startPositions} and {@code endPositions} [B] are given. */
    public static QuestionAnsweringModelOutput of(Tensor startLogits, Tensor endLogits, Tensor startPositions,
                                                  Tensor endPositions) {
        Tensor loss = startPositions == null || endPositions == null ? null
                : questionAnsweringLoss(startLogits, endLogits, startPositions, endPositions);
        return new QuestionAnsweringModelOutput(loss, startLogits, endLogits);
    }

    /**
     * HF's loss: positions outside the sequence are clamped to T and ignored there
     * ({@code CrossEntropyLoss(ignore_index=T)}), and the loss is the mean of the start and end cross-entropies.
     */
    public static Tensor questionAnsweringLoss(Tensor startLogits, Tensor endLogits, Tensor startPositions, Tensor endPositions) {
        long ignored = startLogits.size(1);
        CrossEntropyLoss ce = new CrossEntropyLoss(0.0, ignored);
        Tensor start = ce.forward(startLogits, clamp(startPositions, ignored));
        Tensor end = ce.forward(endLogits, clamp(endPositions, ignored));
        return start.add(end).div(new Scalar(2.0));
    }

    private static Tensor clamp(Tensor positions, long ignored) {
        Tensor p = positions.dim() > 1 ? positions.squeeze(-1) : positions; // [B,1] -> [B]
        return p.to(ScalarType.Long).clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(0L)),
                new org.bytedeco.pytorch.ScalarOptional(new Scalar(ignored)));
    }
}
