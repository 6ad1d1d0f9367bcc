package io.t4j.models;


/**
 * A base encoder (HF's {@code AutoModel} result for BERT-like families): token ids in, hidden states out. What
 * {@code feature-extraction} pipelines and custom heads over {@code poolerOutput} build on.
 */
public abstract class EncoderModel<C extends PretrainedConfig> extends PreTrainedModel<C> {
    protected EncoderModel(C config, ModelFamily<C> family) {
        super(config, family);
    }

    /**
     * → last_hidden_state [B,T,C] and pooler_output [B,C] (null for families without a pooler). The layers run on the
     * real tokens only; padding positions of last_hidden_state are 0.
     */
    public final BaseModelOutput forward(ModelInputs inputs) {
        return forward(inputs, false);
    }

    /**
     * The forward; with {@code everyPosition} padding positions are computed as HF's dense encoder does instead of
     * skipped (question answering's loss, a softmax over every position, reads them).
     */
    public abstract BaseModelOutput forward(ModelInputs inputs, boolean everyPosition);

    /** The hidden size C of {@code lastHiddenState}. */
    public abstract int hiddenSize();

    /** Whether {@code poolerOutput} is computed (BERT's pooler; false for DistilBERT and for heads built without it). */
    public boolean hasPooler() {
        return false;
    }
}
