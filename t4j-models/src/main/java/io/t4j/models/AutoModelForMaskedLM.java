package io.t4j.models;

import io.t4j.engine.CheckpointException;
import java.nio.file.Path;

/**
 * HF's {@code AutoModelForMaskedLM}: the folder's family with its masked-LM head ({@code BertForMaskedLM},
 * {@code RobertaForMaskedLM}). A base checkpoint without the head gets a newly initialised transform and bias
 * (listed, as HF warns) while the decoder is tied to the loaded word embeddings; the keys of a pre-training
 * checkpoint's other head ({@code cls.seq_relationship}, the pooler) are listed as unused.
 */
public final class AutoModelForMaskedLM {
    private AutoModelForMaskedLM() {}

    public static MaskedLMModel<?> fromPretrained(Path dir) {
        return fromPretrained(dir, PretrainedOptions.defaults());
    }

    public static MaskedLMModel<?> fromPretrained(Path dir, PretrainedOptions options) {
        ModelTypes.Family family = ModelTypes.family(AutoConfig.fromPretrained(dir).modelType());
        if (family.maskedLm() == null) {
            throw new CheckpointException(dir + ": model_type '" + family.modelType()
                    + "' has no masked-LM model (supported: bert, roberta)");
        }
        return family.maskedLm().apply(dir, options);
    }
}
