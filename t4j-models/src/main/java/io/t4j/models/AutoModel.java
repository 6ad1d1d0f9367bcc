package io.t4j.models;

import io.t4j.engine.CheckpointException;
import java.nio.file.Path;

/** HF's {@code AutoModel}: the base encoder of the folder's {@code model_type}. */
public final class AutoModel {
    private AutoModel() {}

    public static EncoderModel<?> fromPretrained(Path dir) {
        return fromPretrained(dir, PretrainedOptions.defaults());
    }

    public static EncoderModel<?> fromPretrained(Path dir, PretrainedOptions options) {
        ModelTypes.Family family = ModelTypes.family(AutoConfig.fromPretrained(dir).modelType());
        if (family.encoder() == null) {
            throw new CheckpointException(dir + ": model_type '" + family.modelType() + "' has no encoder model");
        }
        return family.encoder().apply(dir, options);
    }
}
