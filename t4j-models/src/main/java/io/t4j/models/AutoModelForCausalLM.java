package io.t4j.models;

import io.t4j.engine.CheckpointException;
import io.t4j.models.decoder.CausalLM;
import java.nio.file.Path;

/** HF's {@code AutoModelForCausalLM}: the folder's decoder family (llama, qwen2, phi3) with its LM head. */
public final class AutoModelForCausalLM {
    private AutoModelForCausalLM() {}

    public static CausalLM fromPretrained(Path dir) {
        return fromPretrained(dir, PretrainedOptions.defaults());
    }

    public static CausalLM fromPretrained(Path dir, PretrainedOptions options) {
        ModelTypes.Family family = ModelTypes.family(AutoConfig.fromPretrained(dir).modelType());
        if (family.causalLm() == null) {
            throw new CheckpointException(dir + ": model_type '" + family.modelType()
                    + "' has no causal-LM model (supported: llama, qwen2, phi3)");
        }
        return family.causalLm().apply(dir, options);
    }
}
