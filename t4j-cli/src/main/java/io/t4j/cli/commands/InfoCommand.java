package io.t4j.cli.commands;

import io.t4j.cli.ExitCode;
import io.t4j.cli.ModelResolver;
import io.t4j.engine.safetensors.Checkpoint;
import io.t4j.engine.safetensors.TensorInfo;
import io.t4j.models.AutoConfig;
import io.t4j.models.ModelRegistry;
import io.t4j.models.PretrainedConfig;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code t4j info}: what a model folder holds, read from its files without building the model. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Architecture, parameter count, labels, max length, dtype and size on disk of a model.")
public final class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A model folder, a hub repo id, or 'default'.")
    String model;

    @Option(names = "--revision", defaultValue = "main", description = "Hub branch, tag or commit.")
    String revision;

    @Override
    public Integer call() {
        Path dir = ModelResolver.resolve(model, revision);
        PretrainedConfig config = AutoConfig.fromPretrained(dir);
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("folder", dir.toAbsolutePath().toString());
        rows.put("model_type", config.modelType());
        rows.put("architectures", config.architectures() == null ? "-" : String.join(", ", config.architectures()));
        rows.put("t4j classes", String.join(", ", ModelRegistry.entries(config.modelType()).stream()
                .map(e -> e.className() + " (" + e.task().label() + ")").toList()));
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            long params = 0;
            Map<String, Long> byDtype = new LinkedHashMap<>();
            for (String k : ckpt.keys()) {
                TensorInfo t = ckpt.info(k);
                params += t.numel();
                byDtype.merge(t.dtype().torchName(), t.numel(), Long::sum);
            }
            rows.put("parameters", String.format("%,d (%.1fM) in %d tensors", params, params / 1e6, ckpt.keys().size()));
            rows.put("dtype", byDtype.toString());
        }
        rows.put("labels", config.id2label().toString());
        rows.put("problem_type", config.problemType() == null ? "-" : config.problemType());
        if (Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            try (PreTrainedTokenizer tok = AutoTokenizer.fromPretrained(dir)) {
                rows.put("max_length", tok.modelMaxLength() == PreTrainedTokenizer.NO_MAX_LENGTH ? "none" : Integer.toString(tok.modelMaxLength()));
                rows.put("vocab_size", Integer.toString(tok.vocabSize()));
            }
        }
        rows.put("size_on_disk", sizeOnDisk(dir));
        rows.forEach((k, v) -> System.out.printf("%-15s %s%n", k, v));
        return ExitCode.OK;
    }

    /**
     * The model's own files (those directly in the folder); a training output folder's {@code checkpoint-*}
     * sub-folders are reported apart, not counted.
     */
    private static String sizeOnDisk(Path dir) {
        long model = 0;
        long checkpoints = 0;
        int count = 0;
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                if (Files.isRegularFile(p)) {
                    model += p.toFile().length();
                } else if (Files.isDirectory(p) && p.getFileName().toString().matches("checkpoint-\\d+")) {
                    count++;
                    try (Stream<Path> files = Files.walk(p)) {
                        checkpoints += files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return String.format("%.1f MB", model / 1e6)
                + (count == 0 ? "" : String.format(" (not counting %d checkpoint folder%s: %.1f MB)", count,
                count == 1 ? "" : "s", checkpoints / 1e6));
    }
}
