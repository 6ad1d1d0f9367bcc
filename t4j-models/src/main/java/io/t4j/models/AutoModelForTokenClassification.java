package io.t4j.models;

import java.nio.file.Path;

/** HF's {@code AutoModelForTokenClassification}: the folder's family with its token-classification head (see {@link ModelRegistry}). */
public final class AutoModelForTokenClassification {
    private AutoModelForTokenClassification() {}

    public static TokenClassificationModel<?> fromPretrained(Path dir) {
        return fromPretrained(dir, PretrainedOptions.defaults());
    }

    public static TokenClassificationModel<?> fromPretrained(Path dir, PretrainedOptions options) {
        return ModelRegistry.fromPretrained(dir, Task.TOKEN_CLASSIFICATION, options);
    }
}
