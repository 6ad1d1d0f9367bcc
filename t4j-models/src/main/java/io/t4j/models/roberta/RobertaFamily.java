package io.t4j.models.roberta;

import io.t4j.engine.nn.Module;
import io.t4j.models.ModelFamily;
import io.t4j.models.Task;
import io.t4j.models.bert.BertModeling;
import io.t4j.models.roberta.RobertaModeling.RobertaForMaskedLM;
import io.t4j.models.roberta.RobertaModeling.RobertaForQuestionAnswering;
import io.t4j.models.roberta.RobertaModeling.RobertaForTokenClassification;
import io.t4j.models.roberta.RobertaModeling.RobertaForSequenceClassification;
import io.t4j.models.roberta.RobertaModeling.RobertaModel;

/** RoBERTa as HF's {@code RobertaPreTrainedModel} declares it, and its rows of the Auto mappings. */
public final class RobertaFamily extends ModelFamily<RobertaConfig> {
    public static final RobertaFamily INSTANCE = new RobertaFamily();

    public RobertaFamily() {
        super("roberta", RobertaConfig.class, "roberta");
    }

    @Override
    public void initWeights(Module module, RobertaConfig config) {
        BertModeling.initBertWeights(module, config.initializerRange());
    }

    /** The pooler, which the heads leave out ({@code add_pooling_layer=False}). */
    @Override
    public boolean isOptional(String key) {
        return key.startsWith("pooler.");
    }

    @Override
    protected void registerModels(Heads<RobertaConfig> heads) {
        heads.add(Task.BASE_MODEL, RobertaModel.class, RobertaModel::new);
        heads.add(Task.SEQUENCE_CLASSIFICATION, RobertaForSequenceClassification.class, RobertaForSequenceClassification::new);
        heads.add(Task.TOKEN_CLASSIFICATION, RobertaForTokenClassification.class, RobertaForTokenClassification::new);
        heads.add(Task.QUESTION_ANSWERING, RobertaForQuestionAnswering.class, RobertaForQuestionAnswering::new);
        heads.add(Task.MASKED_LM, RobertaForMaskedLM.class, RobertaForMaskedLM::new);
    }
}
