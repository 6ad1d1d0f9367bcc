package io.t4j.models;

import io.t4j.models.decoder.CausalLM;
import java.nio.file.Path;

/** HF's {@code AutoModelForCausalLM}: the folder's decoder family with its LM head. */
public final class AutoModelForCausalLM {
    private AutoModelForCausalLM() {}

    public static CausalLM fromPretrained(Path dir) {
        return fromPretrained(dir, PretrainedOptions.defaults());
    }

    public static CausalLM fromPretrained(Path dir, PretrainedOptions options) {
        return ModelRegistry.fromPretrained(dir, Task.CAUSAL_LM, options);
    }
}
