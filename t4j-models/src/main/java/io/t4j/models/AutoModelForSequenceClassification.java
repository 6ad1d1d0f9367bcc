package io.t4j.models;

import io.t4j.engine.CheckpointException;
import java.nio.file.Path;

/**
 * HF's {@code AutoModelForSequenceClassification}: the folder's family with a classification head, which is
 * loaded from the checkpoint if present, else newly initialised (and listed, as HF warns).
 */
public final class AutoModelForSequenceClassification {
    private AutoModelForSequenceClassification() {}

    public static SequenceClassificationModel<?> fromPretrained(Path dir) {
        return fromPretrained(dir, PretrainedOptions.defaults());
    }

    public static SequenceClassificationModel<?> fromPretrained(Path dir, PretrainedOptions options) {
        ModelTypes.Family family = ModelTypes.family(AutoConfig.fromPretrained(dir).modelType());
        if (family.sequenceClassification() == null) {
            throw new CheckpointException(dir + ": model_type '" + family.modelType()
                    + "' has no sequence-classification model");
        }
        return family.sequenceClassification().apply(dir, options);
    }
}
