package io.t4j.models.llama;

import io.t4j.engine.nn.Module;
import io.t4j.models.ModelFamily;
import io.t4j.models.Task;
import io.t4j.models.decoder.DecoderInit;
import io.t4j.models.llama.LlamaModeling.LlamaForCausalLM;
import io.t4j.models.llama.LlamaModeling.LlamaForSequenceClassification;

/** Llama as HF's {@code LlamaPreTrainedModel} declares it, and its rows of the Auto mappings. */
public final class LlamaFamily extends ModelFamily<LlamaConfig> {
    public static final LlamaFamily INSTANCE = new LlamaFamily();

    public LlamaFamily() {
        super("llama", LlamaConfig.class, "model");
    }

    @Override
    public void initWeights(Module module, LlamaConfig config) {
        DecoderInit.initWeights(module, config.initializerRange());
    }

    @Override
    protected void registerModels(Heads<LlamaConfig> heads) {
        heads.add(Task.CAUSAL_LM, LlamaForCausalLM.class, LlamaForCausalLM::new);
        heads.add(Task.SEQUENCE_CLASSIFICATION, LlamaForSequenceClassification.class, LlamaForSequenceClassification::new);
    }
}
