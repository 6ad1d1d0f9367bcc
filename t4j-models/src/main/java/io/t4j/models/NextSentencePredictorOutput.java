package io.t4j.models;

import io.t4j.engine.nn.CrossEntropyLoss;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * HF's {@code NextSentencePredictorOutput} (modeling_outputs.py): {@code logits} [B,2] (index 0: sentence B
 * follows A, 1: B is random) and {@code loss} (null without labels).
 */
public record NextSentencePredictorOutput(Tensor loss, Tensor logits) implements ModelOutput.WithLogits {

    /** {@code CrossEntropyLoss()(logits.view(-1, 2), next_sentence_label.view(-1))}. */
    public static Tensor nextSentenceLoss(Tensor logits, Tensor nextSentenceLabel) {
        return new CrossEntropyLoss().forward(logits.reshape(-1, 2), nextSentenceLabel.reshape(-1).to(ScalarType.Long)); // [B,2]; [B]
    }
}
