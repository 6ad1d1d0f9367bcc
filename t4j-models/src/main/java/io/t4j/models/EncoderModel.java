package io.t4j.models;

import io.t4j.tokenizers.ModelInputs;

/**
 * A base encoder (HF's {@code AutoModel} result for BERT-like families): token ids in, hidden states out. What
 * {@code feature-extraction} pipelines and custom heads over {@code poolerOutput} build on.
 */
public abstract class EncoderModel<C extends PretrainedConfig> extends PreTrainedModel<C> {
    protected EncoderModel(C config) {
        super(config);
    }

    /** → last_hidden_state [B,T,C] and pooler_output [B,C] (null for families without a pooler). */
    public abstract BaseModelOutput forward(ModelInputs inputs);

    /** The hidden size C of {@code lastHiddenState}. */
    public abstract int hiddenSize();
}
