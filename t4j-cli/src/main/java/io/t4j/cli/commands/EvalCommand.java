package io.t4j.cli.commands;

import io.t4j.cli.ClassificationSetup;
import io.t4j.cli.DataOptions;
import io.t4j.cli.ExitCode;
import io.t4j.cli.Json;
import io.t4j.cli.ModelOptions;
import io.t4j.cli.UserException;
import io.t4j.data.Dataset;
import io.t4j.models.PretrainedConfig;
import io.t4j.pipelines.FunctionToApply;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.TextClassificationOptions;
import io.t4j.pipelines.TextClassificationPipeline;
import io.t4j.trainer.ProgressBar;
import io.t4j.trainer.metrics.ClassificationReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code t4j eval}: a model on a labelled file: accuracy, per-class P/R/F1 and the confusion matrix. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a classifier on a labelled file: accuracy, precision/recall/F1 and the confusion matrix.")
public final class EvalCommand implements Callable<Integer> {
    @Mixin ModelOptions model;
    @Mixin DataOptions data;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "Labelled data (TSV, CSV, JSONL or Parquet).")
    String file;

    @Option(names = "--batch-size", defaultValue = "64", description = "Texts per forward (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--json", description = "Print the metrics as JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1) {
            throw new UserException(ExitCode.USAGE, "--batch-size must be at least 1, got " + batchSize);
        }
        try (TextClassificationPipeline pipe = Pipeline.textClassification(model.folder(), model.inferenceOptions())) {
            PretrainedConfig config = pipe.model().config();
            List<String> modelLabels = new ArrayList<>(config.id2label().values());
            Dataset ds = data.load(file, data.labelNames == null ? modelLabels : null); // the pipeline tokenizes
            List<String> dataLabels = ClassificationSetup.labelNames(ds, DataOptions.LABEL);
            if (!dataLabels.equals(modelLabels)) {
                throw new UserException(ExitCode.DATA, file + ": the data's labels " + dataLabels
                        + " are not the model's " + modelLabels + " (give --class-names in the model's order)");
            }
            String[] texts = ds.strings(data.textColumn).values();
            int[] gold = Arrays.stream(ds.longs(DataOptions.LABEL).values()).mapToInt(Math::toIntExact).toArray();
            var options = TextClassificationOptions.defaults().withBatchSize(batchSize)
                    .withFunctionToApply(FunctionToApply.NONE).withTruncation(true).withMaxLength(data.maxLength); // as training truncated
            // batches of similar length (texts sorted by characters): one long text then pads only a batch of
            // long texts, not 63 short ones to 512 tokens (the attention of such a batch alone took GBs)
            Integer[] order = new Integer[texts.length];
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, java.util.Comparator.comparingInt(i -> texts[i].length()));
            float[][] logits = new float[texts.length][];
            try (ProgressBar bar = new ProgressBar("eval", Math.ceilDiv(texts.length, batchSize))) {
                for (int start = 0; start < texts.length; start += batchSize) {
                    int end = Math.min(texts.length, start + batchSize);
                    List<String> batch = new ArrayList<>(end - start);
                    for (int k = start; k < end; k++) {
                        batch.add(texts[order[k]]);
                    }
                    float[][] part = pipe.scores(batch, options);
                    for (int k = start; k < end; k++) {
                        logits[order[k]] = part[k - start];
                    }
                    bar.update(1);
                }
            }
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
