package io.t4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.t4j.engine.Cpu;
import io.t4j.trainer.Checkpoints;
import io.t4j.trainer.TrainOutput;
import io.t4j.trainer.Trainer;
import io.t4j.trainer.TrainingArguments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * One option per {@link TrainingArguments} field under its HF name ({@code --learning_rate 3e-5}, also
 * {@code --learning-rate}), as HF's {@code HfArgumentParser} gives run_glue and run_mlm, merged over an optional
 * {@code --config args.json} (options win). Shared by {@code t4j train} and {@code t4j pretrain}.
 *
 * <p>One default differs from HF's: where the CPU computes bf16 natively (AVX512_BF16 or AMX, {@link Cpu#nativeBf16()})
 * {@code bf16} defaults to true (autocast), as measured faster with the same accuracy (BENCHMARKS.md); {@code --bf16
 * false} trains in fp32.
 */
public final class TrainingArgsOptions {
    private final Map<String, String> values = new LinkedHashMap<>();

    /** Adds the options to {@code spec}; their values are collected here. */
    public void addTo(CommandSpec spec) {
        for (String field : TrainingArguments.supportedFields()) {
            String kebab = field.replace('_', '-');
            String[] names = kebab.equals(field) ? new String[] {"--" + field} : new String[] {"--" + field, "--" + kebab};
            spec.addOption(OptionSpec.builder(names).type(String.class).paramLabel("VALUE")
                    .description("TrainingArguments." + field)
                    .setter(new CommandLine.Model.ISetter() {
                        @Override
                        public <T> T set(T value) {
                            if (value != null) {
                                values.put(field, value.toString());
                            }
                            return null;
                        }
                    }).build());
        }
    }

    /** The value given for {@code field} on the command line, or null. */
    public String given(String field) {
        return values.get(field);
    }

    /** The arguments: {@code config} (may be null) overridden by the options; {@code output_dir} is required. */
    public TrainingArguments build(Path config) {
        return build(config, Map.of());
    }

    /**
     * As {@link #build(Path)}, with {@code defaults} for fields that neither the file nor the options set (a
     * command's own defaults, e.g. {@code t4j pretrain}'s).
     */
    public TrainingArguments build(Path config, Map<String, String> defaults) {
        ObjectNode tree;
        if (config != null) {
            if (!Files.isRegularFile(config)) {
                throw new UserException(ExitCode.DATA, config + ": no such file");
            }
            tree = (ObjectNode) readJson(config);
        } else {
            tree = TrainingArguments.JSON.createObjectNode();
        }
        defaults.forEach((field, value) -> {
            if (!tree.has(field) && !values.containsKey(field)) {
                tree.put(field, value);
            }
        });
        if (!tree.has("bf16") && !values.containsKey("bf16") && Cpu.current().nativeBf16()) {
            tree.put("bf16", "true"); // t4j's default where bf16 is native (HF's is false): --bf16 false for fp32
        }
        values.forEach((field, value) -> {
            if (field.equals("label_names")) {
                var array = tree.putArray(field);
                for (String s : value.split(",")) {
                    array.add(s.trim());
                }
            } else {
                tree.put(field, value);
            }
        });
        if (!tree.hasNonNull("output_dir")) {
            throw new UserException(ExitCode.USAGE, "--output_dir is required (where checkpoints and the final model go)");
        }
        try {
            return TrainingArguments.fromJson(tree, config != null ? config + " and the command line" : "the command line");
        } catch (IllegalArgumentException e) {
            // only options: a bad command line (2); with --config the value may come from the file (3, bad input)
            throw config != null ? e : new UserException(ExitCode.USAGE, e.getMessage());
        }
    }

    /**
     * Fails before anything is loaded when {@code output_dir} cannot take files: it is created and a probe file
     * written and removed (else an unwritable folder is found at the first save, or after the whole run).
     */
    public static void requireWritableOutputDir(TrainingArguments args) {
        Checkpoints.requireWritable(Path.of(args.outputDir()));
    }

    /**
     * {@code trainer.train(resume_from_checkpoint=...)} as HF's run_glue and run_mlm pass it: a checkpoint folder, or
     * {@code true} for the last {@code checkpoint-<step>} in output_dir (HF's {@code resume_from_checkpoint=True});
     * {@code false} or absent trains from the start.
     */
    public static TrainOutput train(Trainer<?> trainer, TrainingArguments args) {
        String resume = args.resumeFromCheckpoint();
        if (resume == null || resume.isBlank() || resume.equalsIgnoreCase("false")) {
            return trainer.train();
        }
        if (resume.equalsIgnoreCase("true") && !Files.isDirectory(Path.of(resume))) {
            return trainer.trainFromLastCheckpoint();
        }
        return trainer.train(resume);
    }

    private static JsonNode readJson(Path file) {
        try {
            var node = TrainingArguments.JSON.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new UserException(ExitCode.DATA, file + ": expected a JSON object of TrainingArguments");
            }
            return node;
        } catch (java.io.IOException e) {
            throw new UserException(ExitCode.DATA, file + ": invalid JSON: " + e.getMessage());
        }
    }
}
