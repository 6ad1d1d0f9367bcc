package io.t4j.models;

import io.t4j.tokenizers.ModelInputs;

/**
 * A module that maps a batch to classification logits and, when the batch has labels, HF's loss: the contract
 * HF's Trainer relies on ({@code outputs = model(**inputs); loss = outputs["loss"]}, trainer.py). The
 * {@code XxxForSequenceClassification} classes implement it, and so can a user's own module.
 */
public interface ModelForSequenceClassification {
    /** input_ids, attention_mask (and token_type_ids) [B,T], labels [B] or null → logits [B, num_labels], loss */
    SequenceClassifierOutput forward(ModelInputs inputs);
}
