package io.t4j.cli.commands;

import io.t4j.cli.ExitCode;
import io.t4j.cli.Json;
import io.t4j.cli.ModelOptions;
import io.t4j.cli.Output;
import io.t4j.cli.TextInput;
import io.t4j.cli.UserException;
import io.t4j.pipelines.ClassificationResult;
import io.t4j.pipelines.FunctionToApply;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.TextClassificationOptions;
import io.t4j.pipelines.TextClassificationPipeline;
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

/** {@code t4j predict}: classify texts (one per line) and write JSONL {"text","label","score"}. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Classify texts, one per line, from a file or stdin; writes JSON Lines {\"text\",\"label\",\"score\"}.",
                "Output line N answers input line N: a blank input line gets {\"text\",\"error\":\"empty text\"} "
                        + "(--skip-empty drops blank lines instead, and with them the alignment)."})
public final class PredictCommand implements Callable<Integer> {
    @Mixin ModelOptions model;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Texts, one per line ('-' or absent: stdin).")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "JSONL output ('-' or absent: stdout).")
    Path output;

    @Option(names = "--top-k", defaultValue = "1", description = "Labels per text, best first (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--raw-scores", description = "Scores are the raw logits (HF's function_to_apply=\"none\").")
    boolean rawScores;

    @Option(names = "--batch-size", defaultValue = "32", description = "Texts per forward (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--skip-empty", description = "Drop blank input lines (output lines then no longer match input "
            + "lines); by default a blank line gets an {\"error\": \"empty text\"} record.")
    boolean skipEmpty;

    private long nonFinite;

    @Override
    public Integer call() {
        if (topK < 1 || batchSize < 1) {
            throw new UserException(ExitCode.USAGE, "--top-k and --batch-size must be at least 1");
        }
        try (Output out = Output.open(output);
             TextClassificationPipeline pipe = Pipeline.textClassification(model.folder(), model.inferenceOptions())) {
            int labels = pipe.model().config().numLabels();
            if (topK > labels) {
                throw new UserException(ExitCode.USAGE, "--top-k " + topK + " is larger than the number of labels ("
                        + labels + ": " + pipe.model().config().id2label().values() + ")");
            }
            var options = TextClassificationOptions.defaults().withTopK(topK).withBatchSize(batchSize)
                    .withFunctionToApply(rawScores ? FunctionToApply.NONE : null);
            long[] empty = {0};
            nonFinite = 0;
            long n = TextInput.forEachBatch(input, batchSize, skipEmpty, batch -> {
                empty[0] += batch.stream().filter(String::isBlank).count();
                write(out, batch, TextInput.mapNonBlank(batch, texts -> pipe.apply(texts, options)));
            });
            out.commit();
            System.err.printf("t4j predict: %,d texts%s%n", n,
                    empty[0] == 0 ? "" : String.format(", %,d blank lines answered with \"error\": \"empty text\"", empty[0]));
            if (nonFinite > 0) {
                System.err.printf("t4j predict: warning: %,d texts got a NaN or infinite score, written as null (the "
                        + "model's logits are not finite: check its weights)%n", nonFinite);
            }
        }
        return ExitCode.OK;
    }

    private void write(Output out, List<String> texts, List<List<ClassificationResult>> results) {
        try {
            for (int i = 0; i < texts.size(); i++) {
                List<ClassificationResult> r = results.get(i);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("text", texts.get(i));
                if (r == null) {
                    row.put("error", TextInput.EMPTY_TEXT_ERROR);
                    Json.MAPPER.writeValue(out.stream(), row);
                    out.stream().write('\n');
                    continue;
                }
                if (r.stream().anyMatch(c -> Json.nonFinite(c.score()))) {
                    nonFinite++;
                }
                row.put("label", r.get(0).label());
                row.put("score", r.get(0).score());
                if (topK > 1) {
                    row.put("top_k", r);
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
