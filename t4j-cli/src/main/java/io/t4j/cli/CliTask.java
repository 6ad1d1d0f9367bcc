package io.t4j.cli;

import io.t4j.models.AutoConfig;
import io.t4j.models.ModelRegistry;
import io.t4j.models.PretrainedConfig;
import io.t4j.models.Task;
import java.nio.file.Path;
import java.util.List;

/** The {@code --task} of train, eval and predict: HF's pipeline task names. */
public enum CliTask {
    TEXT_CLASSIFICATION("text-classification"),
    TOKEN_CLASSIFICATION("token-classification"),
    QUESTION_ANSWERING("question-answering");

    private final String hfName;

    CliTask(String hfName) {
        this.hfName = hfName;
    }

    public String hfName() {
        return hfName;
    }

    /**
     * HF's task names: text-classification (sentiment-analysis), token-classification (ner), question-answering (qa).
     */
    public static CliTask parse(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "text-classification", "sentiment-analysis" -> TEXT_CLASSIFICATION;
            case "token-classification", "ner" -> TOKEN_CLASSIFICATION;
            case "question-answering", "qa" -> QUESTION_ANSWERING;
            default -> throw new UserException(ExitCode.USAGE, "--task must be text-classification, "
                    + "token-classification (ner) or question-answering (qa), got '" + name + "'");
        };
    }

    /**
     * {@code --task} if given, else what the model folder's {@code architectures} head is for: token classification
     * for a {@code *ForTokenClassification}, question answering for a {@code *ForQuestionAnswering}, text
     * classification otherwise.
     */
    public static CliTask of(String given, Path modelDir) {
        if (given != null) {
            return parse(given);
        }
        PretrainedConfig config = AutoConfig.fromPretrained(modelDir);
        List<String> architectures = config.architectures() == null ? List.of() : config.architectures();
        for (String architecture : architectures) {
            Task task = ModelRegistry.byClassName(architecture).map(e -> e.task()).orElse(null);
            if (task == Task.TOKEN_CLASSIFICATION) {
                return TOKEN_CLASSIFICATION;
            }
            if (task == Task.QUESTION_ANSWERING) {
                return QUESTION_ANSWERING;
            }
        }
        return TEXT_CLASSIFICATION;
    }
}
