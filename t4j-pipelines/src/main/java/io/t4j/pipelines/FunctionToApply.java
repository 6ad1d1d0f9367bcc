package io.t4j.pipelines;

import io.t4j.models.PretrainedConfig;
import io.t4j.models.ProblemType;
import java.util.Locale;

/** HF's {@code ClassificationFunction}: what turns logits into scores. */
public enum FunctionToApply {
    SOFTMAX, SIGMOID, NONE;

    /** HF's default: sigmoid for multi-label or single-output models, softmax otherwise. */
    public static FunctionToApply defaultFor(PretrainedConfig config) {
        String type = config.problemType();
        if (ProblemType.MULTI_LABEL_CLASSIFICATION.configName().equals(type) || config.numLabels() == 1) {
            return SIGMOID;
        }
        return SOFTMAX;
    }

    public static FunctionToApply parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("function_to_apply must be softmax, sigmoid or none, got '" + name + "'");
        }
    }
}
