package io.t4j.cli.commands;

import io.t4j.cli.ClassificationSetup;
import io.t4j.cli.DataOptions;
import io.t4j.cli.ExitCode;
import io.t4j.cli.Json;
import io.t4j.cli.ModelOptions;
import io.t4j.cli.QuestionAnswering;
import io.t4j.cli.UserException;
import io.t4j.data.Dataset;
import io.t4j.models.PretrainedConfig;
import io.t4j.pipelines.FunctionToApply;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.TextClassificationOptions;
import io.t4j.pipelines.TextClassificationPipeline;
import io.t4j.trainer.metrics.ClassificationReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code t4j eval}: a model on a labelled file: accuracy, per-class P/R/F1 and the confusion matrix; with
 * {@code --task question-answering}, SQuAD exact match and F1 (run_qa's evaluation).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a classifier on a labelled file: accuracy, precision/recall/F1 and the confusion matrix.",
                "With --task question-answering: a SQuAD file (JSON, JSONL or Parquet) through run_qa's windows and "
                        + "post-processing, scored by the SQuAD metric (exact_match, f1; squad_v2's with "
                        + "--version-2-with-negative)."})
public final class EvalCommand implements Callable<Integer> {
    @Mixin ModelOptions model;
    @Mixin DataOptions data;
    @Mixin QuestionAnswering.Options qa;

    @Option(names = "--task", defaultValue = QuestionAnswering.TEXT_CLASSIFICATION,
            description = "text-classification or question-answering (qa) (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--output-dir", paramLabel = "DIR",
            description = "QA: also write HF's eval_predictions.json and eval_nbest_predictions.json here.")
    java.nio.file.Path outputDir;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "Labelled data (TSV, CSV, JSONL or Parquet).")
    String file;

    @Option(names = "--batch-size", defaultValue = "64", description = "Texts per forward (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--json", description = "Print the metrics as JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (QuestionAnswering.isTask(task)) {
            var metrics = QuestionAnswering.evaluate(model.folder(), model.inferenceOptions(), file, qa, batchSize, outputDir);
            if (json) {
                System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(metrics));
            } else {
                metrics.forEach((k, v) -> System.out.printf(java.util.Locale.ROOT, "  %-28s %s%n", k, TrainCommand.format(v)));
            }
            return ExitCode.OK;
        }
        try (TextClassificationPipeline pipe = Pipeline.textClassification(model.folder(), model.inferenceOptions())) {
            PretrainedConfig config = pipe.model().config();
            List<String> modelLabels = new ArrayList<>(config.id2label().values());
            Dataset ds = data.loadTokenized(file, pipe.tokenizer(), data.labelNames == null ? modelLabels : null);
            List<String> dataLabels = ClassificationSetup.labelNames(ds, DataOptions.LABEL);
            if (!dataLabels.equals(modelLabels)) {
                throw new UserException(ExitCode.DATA, file + ": the data's labels " + dataLabels
                        + " are not the model's " + modelLabels + " (give --class-names in the model's order)");
            }
            String[] texts = ds.strings(data.textColumn).values();
            int[] gold = Arrays.stream(ds.longs(DataOptions.LABEL).values()).mapToInt(Math::toIntExact).toArray();
            float[][] logits = pipe.scores(Arrays.asList(texts), TextClassificationOptions.defaults()
                    .withBatchSize(batchSize).withFunctionToApply(FunctionToApply.NONE).withTruncation(true));
            ClassificationReport report = ClassificationReport.of(gold, logits, modelLabels);
            if (json) {
                System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
            } else {
                System.out.print(report.toTable());
            }
        }
        return ExitCode.OK;
    }
}
