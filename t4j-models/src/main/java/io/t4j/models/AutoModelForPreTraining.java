package io.t4j.models;

import java.nio.file.Path;

/** HF's {@code AutoModelForPreTraining}: the folder's family with its pre-training heads ({@code BertForPreTraining}). */
public final class AutoModelForPreTraining {
    private AutoModelForPreTraining() {}

    public static PreTrainingModel<?> fromPretrained(Path dir) {
        return fromPretrained(dir, PretrainedOptions.defaults());
    }

    public static PreTrainingModel<?> fromPretrained(Path dir, PretrainedOptions options) {
        return ModelRegistry.fromPretrained(dir, Task.PRETRAINING, options);
    }
}
