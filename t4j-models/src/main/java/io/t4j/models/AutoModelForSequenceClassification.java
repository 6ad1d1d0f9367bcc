package io.t4j.models;

import java.nio.file.Path;

/**
 * HF's {@code AutoModelForSequenceClassification}: the folder's family with a classification head, loaded from the
 * checkpoint if present, else newly initialised (and listed, as HF warns).
 */
public final class AutoModelForSequenceClassification {
    private AutoModelForSequenceClassification() {}

    public static SequenceClassificationModel<?> fromPretrained(Path dir) {
        return fromPretrained(dir, PretrainedOptions.defaults());
    }

    public static SequenceClassificationModel<?> fromPretrained(Path dir, PretrainedOptions options) {
        return ModelRegistry.fromPretrained(dir, Task.SEQUENCE_CLASSIFICATION, options);
    }
}
