package io.t4j.models;

import java.util.Map;

/**
 * A model with a token-classification head (HF's {@code AutoModelForTokenClassification} result): a label per token,
 * what named-entity recognition trains and the token-classification pipeline runs.
 */
public abstract class TokenClassificationModel<C extends PretrainedConfig> extends PreTrainedModel<C>
        implements ModelWithLoss {
    protected TokenClassificationModel(C config, ModelFamily<C> family) {
        super(config, family);
    }

    /** → logits [B,T,num_labels], and the cross-entropy over tokens whose label is not -100 when labels [B,T] are given. */
    @Override
    public abstract TokenClassifierOutput forward(ModelInputs inputs);

    @Override
    public Map<Integer, String> classLabels() {
        return config.id2label();
    }
}
