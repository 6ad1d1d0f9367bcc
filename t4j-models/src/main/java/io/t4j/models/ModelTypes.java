package io.t4j.models;

import io.t4j.models.bert.BertConfig;
import io.t4j.models.bert.BertModeling.BertForMaskedLM;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.models.bert.BertModeling.BertModel;
import io.t4j.models.distilbert.DistilBertConfig;
import io.t4j.models.distilbert.DistilBertModeling.DistilBertForSequenceClassification;
import io.t4j.models.distilbert.DistilBertModeling.DistilBertModel;
import io.t4j.models.decoder.CausalLM;
import io.t4j.models.llama.LlamaConfig;
import io.t4j.models.llama.LlamaModeling.LlamaForCausalLM;
import io.t4j.models.phi3.Phi3Config;
import io.t4j.models.phi3.Phi3Modeling.Phi3ForCausalLM;
import io.t4j.models.qwen2.Qwen2Config;
import io.t4j.models.qwen2.Qwen2Modeling.Qwen2ForCausalLM;
import io.t4j.models.roberta.RobertaConfig;
import io.t4j.models.roberta.RobertaModeling.RobertaForMaskedLM;
import io.t4j.models.roberta.RobertaModeling.RobertaForSequenceClassification;
import io.t4j.models.roberta.RobertaModeling.RobertaModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The registry of supported {@code model_type}s (HF's CONFIG_MAPPING and MODEL_*_MAPPING_NAMES): each family's
 * config record and its loaders. A null loader means the family has no such architecture.
 */
public final class ModelTypes {
    /** One family: its config record and {@code from_pretrained} for each Auto class. */
    public record Family(
            String modelType,
            Class<? extends PretrainedConfig> configClass,
            BiFunction<Path, PretrainedOptions, ? extends EncoderModel<?>> encoder,
            BiFunction<Path, PretrainedOptions, ? extends SequenceClassificationModel<?>> sequenceClassification,
            BiFunction<Path, PretrainedOptions, ? extends MaskedLMModel<?>> maskedLm,
            BiFunction<Path, PretrainedOptions, ? extends CausalLM> causalLm) {}

    private static final Map<String, Family> FAMILIES = new LinkedHashMap<>();

    static {
        add(new Family("bert", BertConfig.class, BertModel::fromPretrained, BertForSequenceClassification::fromPretrained,
                BertForMaskedLM::fromPretrained, null));
        add(new Family("roberta", RobertaConfig.class, RobertaModel::fromPretrained,
                RobertaForSequenceClassification::fromPretrained, RobertaForMaskedLM::fromPretrained, null));
        add(new Family("distilbert", DistilBertConfig.class, DistilBertModel::fromPretrained,
                DistilBertForSequenceClassification::fromPretrained, null, null));
        add(new Family("llama", LlamaConfig.class, null, null, null, LlamaForCausalLM::fromPretrained));
        add(new Family("qwen2", Qwen2Config.class, null, null, null, Qwen2ForCausalLM::fromPretrained));
        add(new Family("phi3", Phi3Config.class, null, null, null, Phi3ForCausalLM::fromPretrained));
    }

    private ModelTypes() {}

    private static void add(Family f) {
        FAMILIES.put(f.modelType(), f);
    }

    public static Class<? extends PretrainedConfig> configClass(String modelType) {
        Family f = FAMILIES.get(modelType);
        return f == null ? null : f.configClass();
    }

    /** The family of {@code modelType}; an error listing the supported ones if unknown. */
    public static Family family(String modelType) {
        Family f = FAMILIES.get(modelType);
        if (f == null) {
            throw new IllegalArgumentException("unknown model_type '" + modelType + "' (supported: " + supported() + ")");
        }
        return f;
    }

    public static String supported() {
        return String.join(", ", FAMILIES.keySet());
    }
}
