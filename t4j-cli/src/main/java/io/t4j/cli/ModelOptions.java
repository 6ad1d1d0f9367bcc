package io.t4j.cli;

import io.t4j.models.PretrainedOptions;
import java.nio.file.Path;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Option;

/** The shared {@code --model}, {@code --revision} and {@code --dtype} options. */
public final class ModelOptions {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
            description = "A model folder, a hub repo id (org/name), or 'default' (bge-small-en-v1.5 from Maven Central).")
    public String model;

    @Option(names = "--revision", defaultValue = "main", description = "Hub branch, tag or commit (default: ${DEFAULT-VALUE}).")
    public String revision;

    @Option(names = "--dtype", defaultValue = "float32", description = "float32 or bfloat16 (default: ${DEFAULT-VALUE}).")
    public String dtype;

    public Path folder() {
        return ModelResolver.resolve(model, revision);
    }

    /** Inference loading: frozen, memory-mapped weights in the chosen dtype. */
    public PretrainedOptions inferenceOptions() {
        ScalarType t = switch (dtype) {
            case "float32", "fp32" -> ScalarType.Float;
            case "bfloat16", "bf16" -> ScalarType.BFloat16;
            default -> throw new UserException(ExitCode.USAGE, "--dtype must be float32 or bfloat16, got '" + dtype + "'");
        };
        return PretrainedOptions.defaults().withDtype(t).withZeroCopy(true);
    }
}
