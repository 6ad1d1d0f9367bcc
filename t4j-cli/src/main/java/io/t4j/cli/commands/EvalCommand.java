package io.t4j.cli.commands;

import io.t4j.cli.ClassificationSetup;
import io.t4j.cli.CliTask;
import io.t4j.cli.DataOptions;
import io.t4j.cli.ExitCode;
import io.t4j.cli.Json;
import io.t4j.cli.ModelOptions;
import io.t4j.cli.TokenClassificationSetup;
import io.t4j.cli.TokenDataOptions;
import io.t4j.cli.QuestionAnswering;
import io.t4j.cli.SequenceLengthOptions;
import io.t4j.cli.UserException;
import io.t4j.data.AlignOptions;
import io.t4j.data.Dataset;
import io.t4j.data.Feature;
import io.t4j.data.TaggedSentences;
import io.t4j.data.TokenClassificationData;
import io.t4j.models.AutoModelForTokenClassification;
import io.t4j.models.PretrainedConfig;
import io.t4j.models.TokenClassificationModel;
import io.t4j.pipelines.FunctionToApply;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.TextClassificationOptions;
import io.t4j.pipelines.TextClassificationPipeline;
import io.t4j.trainer.ProgressBar;
import io.t4j.trainer.metrics.ClassificationReport;
import io.t4j.trainer.metrics.Seqeval;
import io.t4j.trainer.metrics.SeqevalReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code t4j eval}: a model on a labelled file: accuracy, per-class P/R/F1 and the confusion matrix; for a token
 * classifier (or {@code --task token-classification}) on a tagged file, seqeval's entity-level report with its table
 * per entity type; for a question-answering model (or {@code --task question-answering}), SQuAD exact match and F1
 * (run_qa's evaluation).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a classifier on a labelled file: accuracy, precision/recall/F1 and the confusion matrix.",
                "A token classifier (NER) is evaluated on a tagged CoNLL or JSON Lines file: seqeval's entity-level "
                        + "precision/recall/F1 overall and per entity type, and token accuracy, on each word's first token.",
                "A question-answering model: a SQuAD file (JSON, JSONL or Parquet) through run_qa's windows and "
                        + "post-processing, scored by the SQuAD metric (exact_match, f1; squad_v2's with "
                        + "--version-2-with-negative)."})
public final class EvalCommand implements Callable<Integer> {
    @Mixin ModelOptions model;
    @Mixin DataOptions data;
    @Mixin TokenDataOptions tokens;
    @Mixin SequenceLengthOptions lengths;
    @Mixin QuestionAnswering.Options qa;

    @Option(names = "--output-dir", paramLabel = "DIR",
            description = "QA: also write HF's eval_predictions.json and eval_nbest_predictions.json here.")
    java.nio.file.Path outputDir;

    @Option(names = "--task", paramLabel = "TASK",
            description = "text-classification, token-classification (ner) or question-answering (qa); default: from "
                    + "the model's architectures.")
    String task;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE",
            description = "Labelled data (TSV, CSV, JSONL or Parquet); for token classification CoNLL columns or JSON Lines.")
    String file;

    @Option(names = "--strict", description = "Token classification: seqeval's strict mode (entities must follow the "
            + "scheme exactly) instead of its default conlleval-compatible mode.")
    boolean strict;

    @Option(names = "--scheme", paramLabel = "SCHEME", description = "Token classification, with --strict: IOB1, IOB2, "
            + "IOE1, IOE2, IOBES or BILOU (default: detected from the labels).")
    String scheme;

    @Option(names = "--batch-size", defaultValue = "64", description = "Texts per forward (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--json", description = "Print the metrics as JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1) {
            throw new UserException(ExitCode.USAGE, "--batch-size must be at least 1, got " + batchSize);
        }
        lengths.check();
        CliTask kind = CliTask.of(task, model.folder());
        if (kind == CliTask.TOKEN_CLASSIFICATION) {
            return evalTokenClassification();
        }
        if (kind == CliTask.QUESTION_ANSWERING) {
            var metrics = QuestionAnswering.evaluate(model.folder(), model.inferenceOptions(), file, qa.withLengths(lengths),
                    batchSize, outputDir);
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

    /** seqeval on the model's predictions for the first token of each word, labels from the model's config. */
    private int evalTokenClassification() throws Exception {
        Path dir = model.folder();
        Seqeval.Scheme schemeValue = scheme == null ? null : parseScheme();
        if (scheme != null && !strict) {
            throw new UserException(ExitCode.USAGE, "--scheme applies to --strict mode only");
        }
        TaggedSentences tagged = TokenClassificationData.read(Path.of(file), tokens.conllOptions());
        try (var tokenizer = TokenClassificationSetup.tokenizer(dir);
             TokenClassificationModel<?> ner = AutoModelForTokenClassification.fromPretrained(dir, model.inferenceOptions())) {
            List<String> labels = TokenClassificationSetup.modelLabels(ner.config());
            if (tokens.labelsFile != null && !TokenClassificationData.readLabelList(tokens.labelsFile).names().equals(labels)) {
                throw new UserException(ExitCode.DATA, tokens.labelsFile + ": the labels "
                        + TokenClassificationData.readLabelList(tokens.labelsFile).names() + " are not the model's " + labels
                        + " (the model's labels, in its order, are used; leave out --labels-file)");
            }
            Dataset aligned = TokenClassificationSetup.align(tagged, new Feature.ClassLabel(labels), tokenizer,
                    AlignOptions.defaults().withMaxSeqLength(lengths.maxSeqLength)).dataset();
            SeqevalReport report = TokenClassificationSetup.evaluate(ner, tokenizer, aligned, labels, batchSize,
                    strict ? Seqeval.Mode.STRICT : Seqeval.Mode.DEFAULT, schemeValue);
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                report.toMap().forEach(out::put);
                out.put("mode", strict ? "strict" : "default");
                out.put("scheme", report.scheme() == null ? null : report.scheme().name());
                out.put("sentences", tagged.size());
                out.put("report", report.toDict());
                System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out));
            } else {
                System.out.printf(Locale.ROOT, "%s: %,d sentences, seqeval %s mode%s%n%n", file, tagged.size(),
                        strict ? "strict" : "default", report.scheme() == null ? "" : " (" + report.scheme() + ")");
                System.out.print(report.toTable(4));
                System.out.printf(Locale.ROOT, "%nprecision %.4f  recall %.4f  f1 %.4f  accuracy %.4f%n",
                        report.precision(), report.recall(), report.f1(), report.accuracy());
            }
        }
        return ExitCode.OK;
    }

    private Seqeval.Scheme parseScheme() {
        try {
            return Seqeval.Scheme.fromName(scheme);
        } catch (IllegalArgumentException e) {
            throw new UserException(ExitCode.USAGE, "--scheme: " + e.getMessage());
        }
    }
}
