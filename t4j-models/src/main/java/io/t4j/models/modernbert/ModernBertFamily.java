package io.t4j.models.modernbert;

import io.t4j.engine.nn.Module;
import io.t4j.models.ModelFamily;
import io.t4j.models.Task;
import io.t4j.models.modernbert.ModernBertModeling.ModernBertForMaskedLM;
import io.t4j.models.modernbert.ModernBertModeling.ModernBertForQuestionAnswering;
import io.t4j.models.modernbert.ModernBertModeling.ModernBertForSequenceClassification;
import io.t4j.models.modernbert.ModernBertModeling.ModernBertForTokenClassification;
import io.t4j.models.modernbert.ModernBertModeling.ModernBertModel;

/** ModernBERT as HF's {@code ModernBertPreTrainedModel} declares it, and its rows of the Auto mappings. */
public final class ModernBertFamily extends ModelFamily<ModernBertConfig> {
    public static final ModernBertFamily INSTANCE = new ModernBertFamily();

    public ModernBertFamily() {
        super("modernbert", ModernBertConfig.class, "model");
    }

    @Override
    public void initWeights(Module module, ModernBertConfig config) {
        ModernBertModeling.initModernBertWeights(module, config);
    }

    @Override
    protected void registerModels(Heads<ModernBertConfig> heads) {
        heads.add(Task.BASE_MODEL, ModernBertModel.class, ModernBertModel::new);
        heads.add(Task.SEQUENCE_CLASSIFICATION, ModernBertForSequenceClassification.class, ModernBertForSequenceClassification::new);
        heads.add(Task.TOKEN_CLASSIFICATION, ModernBertForTokenClassification.class, ModernBertForTokenClassification::new);
        heads.add(Task.QUESTION_ANSWERING, ModernBertForQuestionAnswering.class, ModernBertForQuestionAnswering::new);
        heads.add(Task.MASKED_LM, ModernBertForMaskedLM.class, ModernBertForMaskedLM::new);
    }
}
