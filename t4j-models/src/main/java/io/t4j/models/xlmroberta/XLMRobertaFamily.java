package io.t4j.models.xlmroberta;

import io.t4j.engine.nn.Module;
import io.t4j.models.ModelFamily;
import io.t4j.models.Task;
import io.t4j.models.bert.BertModeling;
import io.t4j.models.xlmroberta.XLMRobertaModeling.XLMRobertaForMaskedLM;
import io.t4j.models.xlmroberta.XLMRobertaModeling.XLMRobertaForQuestionAnswering;
import io.t4j.models.xlmroberta.XLMRobertaModeling.XLMRobertaForSequenceClassification;
import io.t4j.models.xlmroberta.XLMRobertaModeling.XLMRobertaForTokenClassification;
import io.t4j.models.xlmroberta.XLMRobertaModeling.XLMRobertaModel;

/**
 * XLM-RoBERTa as HF's {@code XLMRobertaPreTrainedModel} declares it (base_model_prefix {@code roberta}, RoBERTa's and
 * so BERT's {@code _init_weights}), and its rows of the Auto mappings.
 */
public final class XLMRobertaFamily extends ModelFamily<XLMRobertaConfig> {
    public static final XLMRobertaFamily INSTANCE = new XLMRobertaFamily();

    public XLMRobertaFamily() {
        super("xlm-roberta", XLMRobertaConfig.class, "roberta");
    }

    @Override
    public void initWeights(Module module, XLMRobertaConfig config) {
        BertModeling.initBertWeights(module, config.initializerRange());
    }

    /** The pooler, which the heads leave out ({@code add_pooling_layer=False}). */
    @Override
    public boolean isOptional(String key) {
        return key.startsWith("pooler.");
    }

    @Override
    protected void registerModels(Heads<XLMRobertaConfig> heads) {
        heads.add(Task.BASE_MODEL, XLMRobertaModel.class, XLMRobertaModel::new);
        heads.add(Task.SEQUENCE_CLASSIFICATION, XLMRobertaForSequenceClassification.class, XLMRobertaForSequenceClassification::new);
        heads.add(Task.TOKEN_CLASSIFICATION, XLMRobertaForTokenClassification.class, XLMRobertaForTokenClassification::new);
        heads.add(Task.QUESTION_ANSWERING, XLMRobertaForQuestionAnswering.class, XLMRobertaForQuestionAnswering::new);
        heads.add(Task.MASKED_LM, XLMRobertaForMaskedLM.class, XLMRobertaForMaskedLM::new);
    }
}
