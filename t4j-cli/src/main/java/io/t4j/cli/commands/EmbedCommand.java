package io.t4j.cli.commands;

import io.t4j.cli.ExitCode;
import io.t4j.cli.Json;
import io.t4j.cli.ModelOptions;
import io.t4j.cli.Output;
import io.t4j.cli.TextInput;
import io.t4j.cli.UserException;
import io.t4j.pipelines.FeatureExtractionPipeline;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.Pooling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code t4j embed}: sentence vectors as JSONL {"text","embedding"}. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed texts, one per line, from a file or stdin; writes JSON Lines {\"text\",\"embedding\"}.",
                "Output line N answers input line N: a blank input line gets {\"text\",\"error\":\"empty text\"} "
                        + "(--skip-empty drops blank lines instead, and with them the alignment)."})
public final class EmbedCommand implements Callable<Integer> {
    @Mixin ModelOptions model;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Texts, one per line ('-' or absent: stdin).")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "JSONL output ('-' or absent: stdout).")
    Path output;

    @Option(names = "--pooling", defaultValue = "cls",
            description = "cls (last_hidden_state[:,0]), mean (masked mean) or pooler (pooler_output); default ${DEFAULT-VALUE}.")
    String pooling;

    @Option(names = "--normalize", description = "L2-normalise each vector.")
    boolean normalize;

    @Option(names = "--batch-size", defaultValue = "32", description = "Texts per forward (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--skip-empty", description = "Drop blank input lines (output lines then no longer match input "
            + "lines); by default a blank line gets an {\"error\": \"empty text\"} record.")
    boolean skipEmpty;

    @Override
    public Integer call() {
        if (batchSize < 1) {
            throw new UserException(ExitCode.USAGE, "--batch-size must be at least 1");
        }
        Pooling p = Pooling.parse(pooling);
        try (Output out = Output.open(output);
             FeatureExtractionPipeline pipe = Pipeline.featureExtraction(model.folder(), model.inferenceOptions())) {
            TextInput.forEachBatch(input, batchSize, skipEmpty, batch -> write(out, batch,
                    TextInput.mapNonBlank(batch, texts -> pipe.embed(texts, p, normalize, batchSize))));
            out.commit();
        }
        return ExitCode.OK;
    }

    private static void write(Output out, List<String> texts, List<float[]> vectors) {
        try {
            for (int i = 0; i < texts.size(); i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("text", texts.get(i));
                if (vectors.get(i) == null) {
                    row.put("error", TextInput.EMPTY_TEXT_ERROR);
                } else {
                    row.put("embedding", vectors.get(i));
                }
                Json.MAPPER.writeValue(out.stream(), row);
                out.stream().write('\n');
            }
            out.stream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
