package io.t4j.models;

/**
 * A model with a family's pre-training heads (HF's {@code AutoModelForPreTraining} result, e.g.
 * {@code BertForPreTraining}): what continued pre-training with the family's own objectives trains.
 */
public abstract class PreTrainingModel<C extends PretrainedConfig> extends PreTrainedModel<C> implements ModelWithLoss {
    protected PreTrainingModel(C config, ModelFamily<C> family) {
        super(config, family);
    }
}
