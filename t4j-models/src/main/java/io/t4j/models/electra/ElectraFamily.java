package io.t4j.models.electra;

import io.t4j.engine.nn.Module;
import io.t4j.models.ModelFamily;
import io.t4j.models.Task;
import io.t4j.models.bert.BertModeling;
import io.t4j.models.electra.ElectraModeling.ElectraForMaskedLM;
import io.t4j.models.electra.ElectraModeling.ElectraForPreTraining;
import io.t4j.models.electra.ElectraModeling.ElectraForQuestionAnswering;
import io.t4j.models.electra.ElectraModeling.ElectraForSequenceClassification;
import io.t4j.models.electra.ElectraModeling.ElectraForTokenClassification;
import io.t4j.models.electra.ElectraModeling.ElectraModel;
import java.util.Arrays;
import java.util.Map;

/**
 * ELECTRA as HF's {@code ElectraPreTrainedModel} declares it (base_model_prefix {@code electra}, BERT's
 * {@code _init_weights}), and its rows of the Auto mappings.
 */
public final class ElectraFamily extends ModelFamily<ElectraConfig> {
    public static final ElectraFamily INSTANCE = new ElectraFamily();

    public ElectraFamily() {
        super("electra", ElectraConfig.class, "electra");
    }

    @Override
    public void initWeights(Module module, ElectraConfig config) {
        BertModeling.initBertWeights(module, config.initializerRange());
    }

    /**
     * The checkpoint's embeddings against {@code embedding_size}: the word embeddings must be E wide, and
     * {@code embeddings_project} must be there exactly when E differs from {@code hidden_size}. Strict loading would
     * report these as mis-shaped or missing keys; this names the config field.
     */
    @Override
    public void checkCheckpoint(ElectraConfig config, Map<String, long[]> shapes) {
        long[] words = shapes.get("embeddings.word_embeddings.weight");
        if (words != null && words.length == 2 && words[1] != config.embeddingSize()) {
            throw new IllegalArgumentException("embedding_size is " + config.embeddingSize()
                    + " but the checkpoint's embeddings.word_embeddings.weight is " + Arrays.toString(words)
                    + ": set embedding_size to " + words[1]);
        }
        boolean hasProject = shapes.containsKey("embeddings_project.weight");
        if (config.projectsEmbeddings() && !hasProject && words != null) {
            throw new IllegalArgumentException("embedding_size (" + config.embeddingSize() + ") differs from hidden_size ("
                    + config.hiddenSize() + "), so ELECTRA needs embeddings_project, which the checkpoint lacks");
        }
        if (!config.projectsEmbeddings() && hasProject) {
            throw new IllegalArgumentException("the checkpoint has embeddings_project, but embedding_size ("
                    + config.embeddingSize() + ") equals hidden_size (" + config.hiddenSize()
                    + "), which means no projection");
        }
    }

    @Override
    protected void registerModels(Heads<ElectraConfig> heads) {
        heads.add(Task.BASE_MODEL, ElectraModel.class, ElectraModel::new);
        heads.add(Task.SEQUENCE_CLASSIFICATION, ElectraForSequenceClassification.class, ElectraForSequenceClassification::new);
        heads.add(Task.TOKEN_CLASSIFICATION, ElectraForTokenClassification.class, ElectraForTokenClassification::new);
        heads.add(Task.QUESTION_ANSWERING, ElectraForQuestionAnswering.class, ElectraForQuestionAnswering::new);
        heads.add(Task.MASKED_LM, ElectraForMaskedLM.class, ElectraForMaskedLM::new);
        heads.add(Task.PRETRAINING, ElectraForPreTraining.class, ElectraForPreTraining::new);
    }
}
