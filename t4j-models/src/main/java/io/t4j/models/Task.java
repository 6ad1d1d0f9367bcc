package io.t4j.models;

import io.t4j.models.decoder.CausalLM;
import java.util.List;

/**
 * A task a model class can be registered for: one of HF's Auto mappings ({@code MODEL_MAPPING_NAMES},
 * {@code MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES}, ...), typed by what its Auto class returns. A family
 * registers its classes per task in its {@link ModelFamily}; {@link ModelRegistry} resolves (model_type, task).
 *
 * @param name   the mapping's name in HF's modeling_auto.py, without {@code MODEL_FOR_} and {@code _MAPPING_NAMES}
 * @param suffix the suffix of HF's class names for the task ({@code ForSequenceClassification}); the base models
 *               end in {@code Model}
 * @param label  how messages name the task's models ("sequence-classification")
 * @param type   what the task's Auto class returns
 */
public record Task<M>(String name, String suffix, String label, Class<M> type) {
    /** HF's {@code MODEL_MAPPING_NAMES}: the base encoder ({@code AutoModel}). */
    public static final Task<EncoderModel<?>> BASE_MODEL = of("MODEL", "Model", "base", EncoderModel.class);
    /** HF's {@code MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES}. */
    public static final Task<SequenceClassificationModel<?>> SEQUENCE_CLASSIFICATION =
            of("SEQUENCE_CLASSIFICATION", "ForSequenceClassification", "sequence-classification", SequenceClassificationModel.class);
    /** HF's {@code MODEL_FOR_TOKEN_CLASSIFICATION_MAPPING_NAMES}. */
    public static final Task<TokenClassificationModel<?>> TOKEN_CLASSIFICATION =
            of("TOKEN_CLASSIFICATION", "ForTokenClassification", "token-classification", TokenClassificationModel.class);
    /** HF's {@code MODEL_FOR_QUESTION_ANSWERING_MAPPING_NAMES}. */
    public static final Task<QuestionAnsweringModel<?>> QUESTION_ANSWERING =
            of("QUESTION_ANSWERING", "ForQuestionAnswering", "question-answering", QuestionAnsweringModel.class);
    /** HF's {@code MODEL_FOR_MASKED_LM_MAPPING_NAMES}. */
    public static final Task<MaskedLMModel<?>> MASKED_LM = of("MASKED_LM", "ForMaskedLM", "masked-LM", MaskedLMModel.class);
    /** HF's {@code MODEL_FOR_PRETRAINING_MAPPING_NAMES}. */
    public static final Task<PreTrainingModel<?>> PRETRAINING = of("PRETRAINING", "ForPreTraining", "pre-training", PreTrainingModel.class);
    /** HF's {@code MODEL_FOR_CAUSAL_LM_MAPPING_NAMES}. */
    public static final Task<CausalLM> CAUSAL_LM = of("CAUSAL_LM", "ForCausalLM", "causal-LM", CausalLM.class);

    /** Every task, in the order errors list them. */
    public static List<Task<?>> all() {
        return List.of(BASE_MODEL, SEQUENCE_CLASSIFICATION, TOKEN_CLASSIFICATION, QUESTION_ANSWERING, MASKED_LM, PRETRAINING,
                CAUSAL_LM);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <M> Task<M> of(String name, String suffix, String label, Class type) {
        return new Task<>(name, suffix, label, (Class<M>) type);
    }

    @Override
    public String toString() {
        return name;
    }
}
