package io.t4j.models;

import java.util.Map;

/**
 * A model with a sequence-classification head (HF's {@code AutoModelForSequenceClassification} result): what the
 * Trainer trains and the text-classification pipeline runs.
 */
public abstract class SequenceClassificationModel<C extends PretrainedConfig> extends PreTrainedModel<C>
        implements ModelWithLoss {
    protected SequenceClassificationModel(C config, ModelFamily<C> family) {
        super(config, family);
    }

    /** → logits [B, num_labels], and HF's problem-type loss when {@code inputs.labels()} is set. */
    @Override
    public abstract SequenceClassifierOutput forward(ModelInputs inputs);

    /** The config's id2label when the head classifies (num_labels ≥ 2; one label is regression). */
    @Override
    public Map<Integer, String> classLabels() {
        boolean classes = config.numLabels() >= 2 && !ProblemType.REGRESSION.configName().equals(config.problemType());
        return classes ? config.id2label() : Map.of();
    }
}
