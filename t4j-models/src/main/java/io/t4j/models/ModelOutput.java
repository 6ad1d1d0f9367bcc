package io.t4j.models;

import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * What HF's Trainer reads from any model output ({@code ModelOutput}, utils/generic.py): {@code outputs["loss"]}
 * for training and evaluation, and the rest ({@code outputs[1:]}, HF's {@code prediction_step}) for predictions:
 * {@code (logits,)}, or {@code (start_logits, end_logits)} for question answering. Every typed output record of a
 * model the Trainer trains implements it.
 */
public interface ModelOutput {
    /** The scalar loss, or null when the batch carried no labels. */
    Tensor loss();

    /** The output's prediction tensors in HF's order (what the Trainer gathers into {@code EvalPrediction}). */
    List<Tensor> predictions();

    /** An output whose only prediction is {@code logits}. */
    interface WithLogits extends ModelOutput {
        /** The model's logits ([B, num_labels], [B,T,num_labels], [B,T,V], ...). */
        Tensor logits();

        @Override
        default List<Tensor> predictions() {
            return List.of(logits());
        }
    }
}
