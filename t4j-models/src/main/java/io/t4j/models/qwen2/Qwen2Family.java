package io.t4j.models.qwen2;

import io.t4j.engine.nn.Module;
import io.t4j.models.ModelFamily;
import io.t4j.models.Task;
import io.t4j.models.decoder.DecoderInit;
import io.t4j.models.qwen2.Qwen2Modeling.Qwen2ForCausalLM;
import io.t4j.models.qwen2.Qwen2Modeling.Qwen2ForSequenceClassification;

/** Qwen2 as HF's {@code Qwen2PreTrainedModel} declares it, and its rows of the Auto mappings. */
public final class Qwen2Family extends ModelFamily<Qwen2Config> {
    public static final Qwen2Family INSTANCE = new Qwen2Family();

    public Qwen2Family() {
        super("qwen2", Qwen2Config.class, "model");
    }

    @Override
    public void initWeights(Module module, Qwen2Config config) {
        DecoderInit.initWeights(module, config.initializerRange());
    }

    @Override
    protected void registerModels(Heads<Qwen2Config> heads) {
        heads.add(Task.CAUSAL_LM, Qwen2ForCausalLM.class, Qwen2ForCausalLM::new);
        heads.add(Task.SEQUENCE_CLASSIFICATION, Qwen2ForSequenceClassification.class, Qwen2ForSequenceClassification::new);
    }
}
