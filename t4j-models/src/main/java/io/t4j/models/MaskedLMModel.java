package io.t4j.models;

import io.t4j.engine.nn.Embedding;
import io.t4j.engine.nn.Linear;

/**
 * A model with a masked-language-modelling head (HF's {@code AutoModelForMaskedLM} result): what continued
 * pre-training trains and the fill-mask pipeline runs. The head's decoder is tied to the input word embeddings:
 * {@code outputEmbeddings().weight} and {@code inputEmbeddings().weight} are one {@code Parameter}.
 */
public abstract class MaskedLMModel<C extends PretrainedConfig> extends PreTrainedModel<C> implements ModelWithLoss {
    protected MaskedLMModel(C config, ModelFamily<C> family) {
        super(config, family);
    }

    /** input_ids, attention_mask [B,T], labels [B,T] (-100 where nothing is predicted) or null → logits [B,T,V], loss */
    @Override
    public abstract MaskedLMOutput forward(ModelInputs inputs);

    /** HF's {@code get_input_embeddings()}: the word embeddings [V, C]. */
    public abstract Embedding inputEmbeddings();

    /** HF's {@code get_output_embeddings()}: the LM decoder, whose weight is the word embeddings'. */
    public abstract Linear outputEmbeddings();

    /** The vocabulary size V of the logits. */
    public long vocabSize() {
        return inputEmbeddings().numEmbeddings();
    }
}
