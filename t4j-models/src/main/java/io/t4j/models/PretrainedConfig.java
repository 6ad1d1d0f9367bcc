package io.t4j.models;

import java.util.List;
import java.util.Map;

/**
 * What every config.json record shares (HF's {@code PretrainedConfig}, configuration_utils.py). Each model family
 * has its own record with HF's field names and defaults; these accessors are the common part.
 */
public interface PretrainedConfig {
    /** {@code model_type}: "bert", "roberta", ... */
    String modelType();

    List<String> architectures();

    /** Class index → label name ({@code id2label}); HF's default is LABEL_0, LABEL_1. */
    Map<Integer, String> id2label();

    Map<String, Integer> label2id();

    /** {@code problem_type}: single_label_classification, multi_label_classification, regression, or null. */
    String problemType();

    /** {@code torch_dtype} of the saved weights, e.g. "float32". */
    String torchDtype();

    default int numLabels() {
        return id2label().size();
    }

    /** This config with new labels (and label2id derived from them) and problem type. */
    PretrainedConfig withLabels(Map<Integer, String> id2label, String problemType);

    /** This config as save_pretrained writes it: {@code architectures} and {@code torch_dtype} set. */
    PretrainedConfig forSaving(String architecture, String torchDtype);
}
