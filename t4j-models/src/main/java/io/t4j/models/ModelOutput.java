package io.t4j.models;

import org.bytedeco.pytorch.Tensor;

/**
 * What HF's Trainer reads from any model output ({@code ModelOutput}, utils/generic.py): {@code outputs["loss"]}
 * for training and evaluation, and {@code outputs["logits"]} (the first tensor after the loss) for predictions.
 * Every typed output record of a model the Trainer trains implements it.
 */
public interface ModelOutput {
    /** The scalar loss, or null when the batch carried no labels. */
    Tensor loss();

    /** The model's main logits ([B, num_labels] for classification, [B, T, V] for masked language modelling). */
    Tensor logits();
}
