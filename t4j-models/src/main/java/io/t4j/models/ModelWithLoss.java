package io.t4j.models;

import io.t4j.tokenizers.ModelInputs;

/**
 * A module that maps a batch to a {@link ModelOutput} whose loss is set when the batch carries labels: the
 * contract HF's Trainer relies on ({@code outputs = model(**inputs); loss = outputs["loss"]}, trainer.py). The
 * classification, masked-LM and pre-training models implement it, and so can a user's own module.
 */
public interface ModelWithLoss {
    /** input_ids, attention_mask (token_type_ids, labels, next_sentence_label) → the output with its loss. */
    ModelOutput forward(ModelInputs inputs);
}
