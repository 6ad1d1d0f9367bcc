package io.t4j.models;

import io.t4j.tokenizers.ModelInputs;

/**
 * A model with a sequence-classification head (HF's {@code AutoModelForSequenceClassification} result): what the
 * Trainer trains and the text-classification pipeline runs.
 */
public abstract class SequenceClassificationModel<C extends PretrainedConfig> extends PreTrainedModel<C>
        implements ModelForSequenceClassification {
    protected SequenceClassificationModel(C config) {
        super(config);
    }

    /** → logits [B, num_labels], and HF's problem-type loss when {@code inputs.labels()} is set. */
    @Override
    public abstract SequenceClassifierOutput forward(ModelInputs inputs);
}
