package io.t4j.models.deberta_v2;

import io.t4j.engine.nn.Module;
import io.t4j.models.ModelFamily;
import io.t4j.models.Task;
import io.t4j.models.deberta_v2.DebertaV2Modeling.DebertaV2ForMaskedLM;
import io.t4j.models.deberta_v2.DebertaV2Modeling.DebertaV2ForQuestionAnswering;
import io.t4j.models.deberta_v2.DebertaV2Modeling.DebertaV2ForSequenceClassification;
import io.t4j.models.deberta_v2.DebertaV2Modeling.DebertaV2ForTokenClassification;
import io.t4j.models.deberta_v2.DebertaV2Modeling.DebertaV2Model;

/** DeBERTa-v2/v3 as HF's {@code DebertaV2PreTrainedModel} declares it, and its rows of the Auto mappings. */
public final class DebertaV2Family extends ModelFamily<DebertaV2Config> {
    public static final DebertaV2Family INSTANCE = new DebertaV2Family();

    public DebertaV2Family() {
        super("deberta-v2", DebertaV2Config.class, "deberta");
    }

    @Override
    public void initWeights(Module module, DebertaV2Config config) {
        DebertaV2Modeling.initDebertaWeights(module, config.initializerRange());
    }

    /**
     * HF's {@code _keys_to_ignore_on_load_unexpected = ["position_embeddings"]}: checkpoints of models without absolute
     * positions (position_biased_input false) may still carry them.
     */
    @Override
    public boolean isOptional(String key) {
        return key.equals("embeddings.position_embeddings.weight");
    }

    @Override
    protected void registerModels(Heads<DebertaV2Config> heads) {
        heads.add(Task.BASE_MODEL, DebertaV2Model.class, DebertaV2Model::new);
        heads.add(Task.SEQUENCE_CLASSIFICATION, DebertaV2ForSequenceClassification.class, DebertaV2ForSequenceClassification::new);
        heads.add(Task.TOKEN_CLASSIFICATION, DebertaV2ForTokenClassification.class, DebertaV2ForTokenClassification::new);
        heads.add(Task.QUESTION_ANSWERING, DebertaV2ForQuestionAnswering.class, DebertaV2ForQuestionAnswering::new);
        heads.add(Task.MASKED_LM, DebertaV2ForMaskedLM.class, DebertaV2ForMaskedLM::new);
    }
}
