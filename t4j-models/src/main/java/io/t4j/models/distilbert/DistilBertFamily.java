package io.t4j.models.distilbert;

import io.t4j.engine.nn.Module;
import io.t4j.models.ModelFamily;
import io.t4j.models.Task;
import io.t4j.models.distilbert.DistilBertModeling.DistilBertForSequenceClassification;
import io.t4j.models.distilbert.DistilBertModeling.DistilBertForQuestionAnswering;
import io.t4j.models.distilbert.DistilBertModeling.DistilBertForTokenClassification;
import io.t4j.models.distilbert.DistilBertModeling.DistilBertModel;

/** DistilBERT as HF's {@code DistilBertPreTrainedModel} declares it, and its rows of the Auto mappings. */
public final class DistilBertFamily extends ModelFamily<DistilBertConfig> {
    public static final DistilBertFamily INSTANCE = new DistilBertFamily();

    public DistilBertFamily() {
        super("distilbert", DistilBertConfig.class, "distilbert");
    }

    @Override
    public void initWeights(Module module, DistilBertConfig config) {
        DistilBertModeling.initDistilBertWeights(module, config);
    }

    @Override
    protected void registerModels(Heads<DistilBertConfig> heads) {
        heads.add(Task.BASE_MODEL, DistilBertModel.class, DistilBertModel::new);
        heads.add(Task.SEQUENCE_CLASSIFICATION, DistilBertForSequenceClassification.class, DistilBertForSequenceClassification::new);
        heads.add(Task.TOKEN_CLASSIFICATION, DistilBertForTokenClassification.class, DistilBertForTokenClassification::new);
        heads.add(Task.QUESTION_ANSWERING, DistilBertForQuestionAnswering.class, DistilBertForQuestionAnswering::new);
    }
}
