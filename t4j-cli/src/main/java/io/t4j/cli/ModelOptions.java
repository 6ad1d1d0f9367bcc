package io.t4j.cli;

import io.t4j.models.PretrainedOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The shared {@code --model}, {@code --revision} and {@code --dtype} options. */
public final class ModelOptions {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
            description = "A model folder, a hub repo id (org/name), or 'default' (bge-small-en-v1.5 from Maven Central).")
    public String model;

    @Option(names = "--revision", defaultValue = "main", description = "Hub branch, tag or commit (default: ${DEFAULT-VALUE}).")
    public String revision;

    @Option(names = "--dtype", defaultValue = "auto", description = "auto (bfloat16 where the CPU computes bf16 "
            + "natively: AVX512_BF16 or AMX; else float32), float32, bfloat16, or int8 (the encoder's Linear layers "
            + "quantized per channel, activations per call) (default: ${DEFAULT-VALUE}).")
    public String dtype;

    private Path resolved;

    /** The model folder (resolved once: a hub id is downloaded, 'default' imported). */
    public Path folder() {
        if (resolved == null) {
            resolved = ModelResolver.resolve(model, revision);
        }
        return resolved;
    }

    /** Inference loading: frozen, memory-mapped weights in the chosen dtype (see {@link PretrainedOptions#forInference}). */
    public PretrainedOptions inferenceOptions() {
        try {
            return PretrainedOptions.forInference(dtype, folder());
        } catch (IllegalArgumentException e) {
            throw new UserException(ExitCode.USAGE, e.getMessage());
        }
    }
}
