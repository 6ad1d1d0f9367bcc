package io.t4j.models;

import io.t4j.tokenizers.ModelInputs;

/**
 * A module that maps a batch to classification logits and, when the batch has labels, HF's loss: what the
 * Trainer's classification checks and metrics and the text-classification pipeline rely on. The
 * {@code XxxForSequenceClassification} classes implement it, and so can a user's own module.
 */
public interface ModelForSequenceClassification extends ModelWithLoss {
    /** input_ids, attention_mask (and token_type_ids) [B,T], labels [B] or null → logits [B, num_labels], loss */
    @Override
    SequenceClassifierOutput forward(ModelInputs inputs);
}
