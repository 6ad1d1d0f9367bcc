package io.t4j.models.phi3;

import io.t4j.engine.nn.Module;
import io.t4j.models.ModelFamily;
import io.t4j.models.Task;
import io.t4j.models.decoder.DecoderInit;
import io.t4j.models.phi3.Phi3Modeling.Phi3ForCausalLM;
import io.t4j.models.phi3.Phi3Modeling.Phi3ForSequenceClassification;

/** Phi3 as HF's {@code Phi3PreTrainedModel} declares it, and its rows of the Auto mappings. */
public final class Phi3Family extends ModelFamily<Phi3Config> {
    public static final Phi3Family INSTANCE = new Phi3Family();

    public Phi3Family() {
        super("phi3", Phi3Config.class, "model");
    }

    @Override
    public void initWeights(Module module, Phi3Config config) {
        DecoderInit.initWeights(module, config.initializerRange());
    }

    @Override
    protected void registerModels(Heads<Phi3Config> heads) {
        heads.add(Task.CAUSAL_LM, Phi3ForCausalLM.class, Phi3ForCausalLM::new);
        heads.add(Task.SEQUENCE_CLASSIFICATION, Phi3ForSequenceClassification.class, Phi3ForSequenceClassification::new);
    }
}
