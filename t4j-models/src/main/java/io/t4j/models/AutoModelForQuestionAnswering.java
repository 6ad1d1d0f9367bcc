package io.t4j.models;

import java.nio.file.Path;

/** HF's {@code AutoModelForQuestionAnswering}: the folder's family with its question-answering head (see {@link ModelRegistry}). */
public final class AutoModelForQuestionAnswering {
    private AutoModelForQuestionAnswering() {}

    public static QuestionAnsweringModel<?> fromPretrained(Path dir) {
        return fromPretrained(dir, PretrainedOptions.defaults());
    }

    public static QuestionAnsweringModel<?> fromPretrained(Path dir, PretrainedOptions options) {
        return ModelRegistry.fromPretrained(dir, Task.QUESTION_ANSWERING, options);
    }
}
