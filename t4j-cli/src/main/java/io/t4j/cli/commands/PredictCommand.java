package io.t4j.cli.commands;

import io.t4j.cli.CliTask;
import io.t4j.cli.ExitCode;
import io.t4j.cli.Json;
import io.t4j.cli.ModelOptions;
import io.t4j.cli.Output;
import io.t4j.cli.QuestionAnswering;
import io.t4j.cli.TextInput;
import io.t4j.cli.UserException;
import io.t4j.pipelines.AggregationStrategy;
import io.t4j.pipelines.ClassificationResult;
import io.t4j.pipelines.FunctionToApply;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.TextClassificationOptions;
import io.t4j.pipelines.TextClassificationPipeline;
import io.t4j.pipelines.TokenClassificationOptions;
import io.t4j.pipelines.TokenClassificationPipeline;
import io.t4j.pipelines.TokenClassificationResult;
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
 * {@code t4j predict}: classify texts (one per line) and write JSONL {"text","label","score"}; with a token classifier
 * ({@code --task ner}) write each text's entities with their character offsets; with {@code --task qa}, answer JSONL
 * {"question","context"} with {"answer","score","start","end"}.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Classify texts, one per line, from a file or stdin; writes JSON Lines {\"text\",\"label\",\"score\"}.",
                "Output line N answers input line N: a blank input line gets {\"text\",\"error\":\"empty text\"} "
                        + "(--skip-empty drops blank lines instead, and with them the alignment).",
                "With a token classifier (--task ner): {\"text\",\"entities\": [{\"entity_group\",\"score\",\"word\","
                        + "\"start\",\"end\"}]}, start/end being character offsets in the text (HF's token-classification pipeline).",
                "With --task question-answering (qa): reads JSON Lines {\"question\", \"context\"} (an \"id\" is kept) "
                        + "and writes {\"question\", \"answer\", \"score\", \"start\", \"end\"} per line, offsets in "
                        + "characters of the context (Python's), with \"top_k\" listing every answer when --top-k > 1."})
public final class PredictCommand implements Callable<Integer> {
    @Mixin ModelOptions model;

    @Option(names = "--task", paramLabel = "TASK",
            description = "text-classification, token-classification (ner) or question-answering (qa); default: from "
                    + "the model's architectures.")
    String task;

    @Mixin QuestionAnswering.PipelineOptions qa;

    @Option(names = {"--aggregation-strategy", "--aggregation_strategy"}, defaultValue = "simple", paramLabel = "STRATEGY",
            description = "NER: none (one result per token, with its label and index), simple, first, average or max "
                    + "(HF's strategies; default: ${DEFAULT-VALUE}, as HF's Inference API).")
    String aggregationStrategy;

    @Option(names = {"--ignore-labels", "--ignore_labels"}, split = ",", paramLabel = "LABEL",
            description = "NER: labels (or entity types) left out (default: O).")
    List<String> ignoreLabels;

    @Option(names = "--stride", paramLabel = "N",
            description = "NER: run texts longer than the model in overlapping windows sharing N tokens (default: "
                    + "truncate them, with a warning).")
    Integer stride;

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

    @Option(names = "--skip-empty", description = "Drop blank input lines (output lines then no longer match input "
            + "lines); by default a blank line gets an {\"error\": \"empty text\"} record.")
    boolean skipEmpty;

    private long nonFinite;

    @Override
    public Integer call() {
        if (topK < 1 || batchSize < 1) {
            throw new UserException(ExitCode.USAGE, "--top-k and --batch-size must be at least 1");
        }
        CliTask kind = CliTask.of(task, model.folder());
        if (kind == CliTask.TOKEN_CLASSIFICATION) {
            return predictEntities();
        }
        if (kind == CliTask.QUESTION_ANSWERING) {
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

    /** Each text's entities (or labelled tokens) with offsets; a text without tokens names its line. */
    private int predictEntities() {
        TokenClassificationOptions options;
        try {
            options = TokenClassificationOptions.defaults().withBatchSize(batchSize)
                    .withAggregationStrategy(AggregationStrategy.parse(aggregationStrategy))
                    .withIgnoreLabels(ignoreLabels == null ? List.of("O") : ignoreLabels).withStride(stride);
        } catch (IllegalArgumentException e) {
            throw new UserException(ExitCode.USAGE, e.getMessage());
        }
        try (Output out = Output.open(output);
             TokenClassificationPipeline pipe = Pipeline.tokenClassification(model.folder(), model.inferenceOptions())) {
            long n = TextInput.forEachNumberedBatch(input, batchSize, skipEmpty, batch -> {
                List<List<TokenClassificationResult>> results;
                try {
                    results = TextInput.mapNonBlank(batch.texts(), texts -> pipe.apply(texts, options));
                } catch (TokenClassificationPipeline.NoTokensException e) {
                    int at = batch.texts().indexOf(e.text());
                    throw new UserException(ExitCode.DATA, batch.where(at) + ": " + e.getMessage());
                }
                writeEntities(out, batch.texts(), results);
            });
            out.commit();
            System.err.printf("t4j predict: %,d texts%n", n);
        }
        return ExitCode.OK;
    }

    private static void writeEntities(Output out, List<String> texts, List<List<TokenClassificationResult>> results) {
        try {
            for (int i = 0; i < texts.size(); i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("text", texts.get(i));
                if (results.get(i) == null) {
                    row.put("error", TextInput.EMPTY_TEXT_ERROR);
                } else {
                    row.put("entities", results.get(i).stream().map(TokenClassificationResult::toMap).toList());
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
