package io.t4j.models;

import io.t4j.models.bert.BertConfig;
import io.t4j.models.distilbert.DistilBertConfig;
import io.t4j.models.llama.LlamaConfig;
import io.t4j.models.phi3.Phi3Config;
import io.t4j.models.qwen2.Qwen2Config;
import io.t4j.models.roberta.RobertaConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/** The registry of supported {@code model_type}s and their config records (HF's CONFIG_MAPPING). */
public final class ModelTypes {
    private static final Map<String, Class<? extends PretrainedConfig>> CONFIGS = new LinkedHashMap<>();

    static {
        CONFIGS.put("bert", BertConfig.class);
        CONFIGS.put("roberta", RobertaConfig.class);
        CONFIGS.put("distilbert", DistilBertConfig.class);
        CONFIGS.put("llama", LlamaConfig.class);
        CONFIGS.put("qwen2", Qwen2Config.class);
        CONFIGS.put("phi3", Phi3Config.class);
    }

    private ModelTypes() {}

    public static Class<? extends PretrainedConfig> configClass(String modelType) {
        return CONFIGS.get(modelType);
    }

    public static String supported() {
        return String.join(", ", CONFIGS.keySet());
    }
}
