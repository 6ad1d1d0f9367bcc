package io.t4j.models;

import java.nio.file.Path;

/**
 * HF's {@code AutoModelForMaskedLM}: the folder's family with its masked-LM head. A base checkpoint without the
 * head gets a newly initialised transform and bias (listed, as HF warns) while the decoder is tied to the loaded word
 * embeddings; the keys of a pre-training checkpoint's other head ({@code cls.seq_relationship}, the pooler) are
 * listed as unused.
 */
public final class AutoModelForMaskedLM {
    private AutoModelForMaskedLM() {}

    public static MaskedLMModel<?> fromPretrained(Path dir) {
        return fromPretrained(dir, PretrainedOptions.defaults());
    }

    public static MaskedLMModel<?> fromPretrained(Path dir, PretrainedOptions options) {
        return ModelRegistry.fromPretrained(dir, Task.MASKED_LM, options);
    }
}
