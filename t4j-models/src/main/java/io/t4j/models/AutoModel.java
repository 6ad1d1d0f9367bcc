package io.t4j.models;

import java.nio.file.Path;

/** HF's {@code AutoModel}: the base model of the folder's {@code model_type} (see {@link ModelRegistry}). */
public final class AutoModel {
    private AutoModel() {}

    public static EncoderModel<?> fromPretrained(Path dir) {
        return fromPretrained(dir, PretrainedOptions.defaults());
    }

    public static EncoderModel<?> fromPretrained(Path dir, PretrainedOptions options) {
        return ModelRegistry.fromPretrained(dir, Task.BASE_MODEL, options);
    }
}
