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
    TOKEN_CLASSIFICATION("token-classification");

    private final String hfName;

    CliTask(String hfName) {
        this.hfName = hfName;
    }

    public String hfName() {
        return hfName;
    }

    /** HF's task names: text-classification (sentiment-analysis), token-classification (ner). */
    public static CliTask parse(String name) {
        return switch (name) {
            case "text-classification", "sentiment-analysis" -> TEXT_CLASSIFICATION;
            case "token-classification", "ner" -> TOKEN_CLASSIFICATION;
            default -> throw new UserException(ExitCode.USAGE, "--task must be text-classification or "
                    + "token-classification (ner), got '" + name + "'");
        };
    }

    /**
     * {@code --task} if given, else what the model folder's {@code architectures} head is for: token classification
     * for a {@code *ForTokenClassification}, text classification otherwise.
     */
    public static CliTask of(String given, Path modelDir) {
        if (given != null) {
            return parse(given);
        }
        PretrainedConfig config = AutoConfig.fromPretrained(modelDir);
        List<String> architectures = config.architectures() == null ? List.of() : config.architectures();
        boolean tokens = architectures.stream().anyMatch(a -> ModelRegistry.byClassName(a)
                .map(e -> e.task() == Task.TOKEN_CLASSIFICATION).orElse(false));
        return tokens ? TOKEN_CLASSIFICATION : TEXT_CLASSIFICATION;
    }
}
