package io.t4j.cli.commands;

import io.t4j.cli.ExitCode;
import io.t4j.cli.Json;
import io.t4j.cli.ModelOptions;
import io.t4j.cli.Output;
import io.t4j.cli.QuestionAnswering;
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

/**
 * {@code t4j predict}: classify texts (one per line) and write JSONL {"text","label","score"}; with {@code --task qa},
 * answer JSONL {"question","context"} with {"answer","score","start","end"}.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Classify texts, one per line, from a file or stdin; writes JSON Lines {\"text\",\"label\",\"score\"}.",
                "With --task question-answering (qa): reads JSON Lines {\"question\", \"context\"} (an \"id\" is kept) "
                        + "and writes {\"question\", \"answer\", \"score\", \"start\", \"end\"} per line, offsets in "
                        + "characters of the context (Python's), with \"top_k\" listing every answer when --top-k > 1."})
public final class PredictCommand implements Callable<Integer> {
    @Mixin ModelOptions model;

    @Option(names = "--task", defaultValue = QuestionAnswering.TEXT_CLASSIFICATION,
            description = "text-classification or question-answering (qa) (default: ${DEFAULT-VALUE}).")
    String task;

    @Mixin QuestionAnswering.PipelineOptions qa;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Texts, one per line ('-' or absent: stdin).")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "JSONL output ('-' or absent: stdout).")
    Path output;

    @Option(names = "--top-k", defaultValue = "1", description = "Labels per text, best first (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--raw-scores", description = "Scores are the raw logits (HF's function_to_apply=\"none\").")
    boolean rawScores;

    @Option(names = "--batch-size", defaultValue = "32",
            description = "Texts per forward; QA: questions per forward, all their windows in it (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    public Integer call() {
        if (topK < 1 || batchSize < 1) {
            throw new UserException(ExitCode.USAGE, "--top-k and --batch-size must be at least 1");
        }
        if (QuestionAnswering.isTask(task)) {
            var options = qa.options(topK, batchSize);
            try (Output out = Output.open(output)) {
                long n = QuestionAnswering.predict(model.folder(), model.inferenceOptions(), input, out, options);
                out.commit();
                System.err.printf("t4j predict: %,d questions%n", n);
            }
            return ExitCode.OK;
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
            long n = TextInput.forEachBatch(input, batchSize, batch -> write(out, batch, pipe.apply(batch, options)));
            out.commit();
            System.err.printf("t4j predict: %,d texts%n", n);
        }
        return ExitCode.OK;
    }

    private void write(Output out, List<String> texts, List<List<ClassificationResult>> results) {
        try {
            for (int i = 0; i < texts.size(); i++) {
                List<ClassificationResult> r = results.get(i);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("text", texts.get(i));
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
