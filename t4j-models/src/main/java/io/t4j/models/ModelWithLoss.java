package io.t4j.models;

import java.util.List;
import java.util.Map;

/**
 * A module that maps a batch to a {@link ModelOutput} whose loss is set when the batch carries labels: the
 * contract HF's Trainer relies on ({@code outputs = model(**inputs); loss = outputs["loss"]}, trainer.py). Every
 * task head implements it (encoders and decoders alike), and so can a user's own module.
 */
public interface ModelWithLoss {
    /** input_ids, attention_mask (token_type_ids, labels ...) → the output, with its loss when labels are given. */
    ModelOutput forward(ModelInputs inputs);

    /**
     * HF's default {@code label_names}: the label arguments of this model's forward, which the Trainer gathers for
     * metrics ({@code labels}; {@code start_positions}, {@code end_positions} for question answering).
     */
    default List<String> labelNames() {
        return List.of("labels");
    }

    /**
     * The class names of a classifier's labels (its id2label), whose ids the Trainer checks batches against, or an
     * empty map for a model without class labels.
     */
    default Map<Integer, String> classLabels() {
        return Map.of();
    }

    /**
     * Whether the model scores its {@code labels} against the next position (a causal LM, whose labels are its
     * inputs): HF's Trainer then shifts them for its label smoother ({@code shift_labels=True} for the models of
     * {@code MODEL_FOR_CAUSAL_LM_MAPPING_NAMES}).
     */
    default boolean shiftsLabels() {
        return false;
    }
}
