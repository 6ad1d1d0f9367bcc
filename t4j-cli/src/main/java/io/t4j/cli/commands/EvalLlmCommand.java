package io.t4j.cli.commands;

import io.t4j.cli.ExitCode;
import io.t4j.cli.Json;
import io.t4j.cli.LlmOptions;
import io.t4j.pipelines.LabeledText;
import io.t4j.pipelines.LlmPrediction;
import io.t4j.pipelines.ZeroShotLlmClassifier;
import io.t4j.trainer.metrics.ClassificationReport;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code t4j eval-llm}: zero/few-shot LLM classification over a labelled file, reported like {@code t4j eval}. */
@Command(name = "eval-llm", mixinStandardHelpOptions = true,
        description = "Evaluate zero/few-shot LLM classification on a labelled file: accuracy, P/R/F1, confusion matrix, "
                + "and (with --check-unconstrained) how often free-form answers would not have parsed as a label.")
public final class EvalLlmCommand implements Callable<Integer> {
    @Mixin LlmOptions llm;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "Labelled data (TSV, CSV, JSONL or Parquet).")
    String file;

    @Option(names = "--limit", description = "Evaluate only the first N rows.")
    Integer limit;

    @Option(names = "--json", description = "Print the metrics as JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        LlmOptions.Loaded loaded = llm.load();
        try (var tok = loaded.tokenizer()) {
            List<LabeledText> rows = llm.labelled(file);
            if (limit != null) {
                rows = rows.subList(0, Math.min(limit, rows.size()));
            }
            List<LlmPrediction> predictions = loaded.classifier().classify(rows.stream().map(LabeledText::text).toList());
            List<String> labels = loaded.classifier().labels();
            int[] gold = rows.stream().mapToInt(r -> labels.indexOf(r.label())).toArray();
            int[] pred = predictions.stream().mapToInt(p -> labels.indexOf(p.label())).toArray();
            double[] positive = labels.size() == 2
                    ? predictions.stream().mapToDouble(p -> p.probabilities().get(labels.get(1))).toArray() : null;
            ClassificationReport report = ClassificationReport.of(gold, pred, positive, labels);
            double failures = ZeroShotLlmClassifier.parseFailureRate(predictions);
            if (json) {
                System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(
                        new Result(report, Double.isNaN(failures) ? null : failures)));
            } else {
                System.out.print(report.toTable());
                if (!Double.isNaN(failures)) {
                    System.out.printf(Locale.ROOT, "%nunconstrained greedy answers that are not a label: %.1f%%%n", 100 * failures);
                }
            }
        }
        return ExitCode.OK;
    }

    record Result(ClassificationReport report, Double unconstrainedParseFailureRate) {}
}
