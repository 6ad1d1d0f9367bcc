package io.t4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.t4j.data.DataException;
import io.t4j.data.Dataset;
import io.t4j.data.QaFeatureOptions;
import io.t4j.data.QaFeatures;
import io.t4j.data.QaPostprocessOptions;
import io.t4j.data.QaPredictions;
import io.t4j.data.QuestionContextTokenizer;
import io.t4j.data.SquadData;
import io.t4j.data.SquadExample;
import io.t4j.data.SquadReader;
import io.t4j.models.AutoModelForQuestionAnswering;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.QuestionAnsweringModel;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.QuestionAnsweringInput;
import io.t4j.pipelines.QuestionAnsweringOptions;
import io.t4j.pipelines.QuestionAnsweringPipeline;
import io.t4j.pipelines.QuestionAnsweringResult;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.trainer.PredictionOutput;
import io.t4j.trainer.TrainOutput;
import io.t4j.trainer.Trainer;
import io.t4j.trainer.TrainerCallback;
import io.t4j.trainer.TrainingArguments;
import io.t4j.trainer.metrics.QuestionAnsweringEvaluation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * {@code --task question-answering} for {@code t4j train}, {@code eval} and {@code predict}: HF's run_qa.py (SQuAD
 * files to features, the Trainer, post-processing, the SQuAD metric) and the question-answering pipeline.
 */
public final class QuestionAnswering {
    private QuestionAnswering() {}

    /** run_qa.py's {@code DataTrainingArguments} for features and post-processing. */
    public static final class Options {
        @Option(names = {"--doc-stride", "--doc_stride"}, defaultValue = "128",
                description = "QA: context tokens shared by consecutive windows of a long context (default: ${DEFAULT-VALUE}).")
        public int docStride;

        @Option(names = {"--n-best-size", "--n_best_size"}, defaultValue = "20",
                description = "QA: start and end candidates per window and answers kept per question (default: ${DEFAULT-VALUE}).")
        public int nBestSize;

        @Option(names = {"--max-answer-length", "--max_answer_length"}, defaultValue = "30",
                description = "QA: the longest answer in tokens (default: ${DEFAULT-VALUE}).")
        public int maxAnswerLength;

        @Option(names = {"--version-2-with-negative", "--version_2_with_negative"},
                description = "QA: some questions have no answer (SQuAD v2): score the null answer, report squad_v2 metrics.")
        public boolean version2WithNegative;

        @Option(names = {"--null-score-diff-threshold", "--null_score_diff_threshold"}, defaultValue = "0.0",
                description = "QA, v2: predict no answer when the null score beats the best answer by more than this "
                        + "(default: ${DEFAULT-VALUE}).")
        public double nullScoreDiffThreshold;

        /** The command's {@code --max-seq-length} and {@code --pad-to-max-length}, shared with token classification. */
        private SequenceLengthOptions lengths = new SequenceLengthOptions();

        public Options withLengths(SequenceLengthOptions lengths) {
            this.lengths = lengths;
            return this;
        }

        /** Features with {@code max_seq_length} capped at the tokenizer's limit, as run_qa caps it (with a warning). */
        public QaFeatureOptions features(PreTrainedTokenizer tokenizer) {
            int max = lengths.maxSeqLength == null ? SequenceLengthOptions.QA_DEFAULT_MAX_SEQ_LENGTH : lengths.maxSeqLength;
            if (tokenizer.modelMaxLength() != PreTrainedTokenizer.NO_MAX_LENGTH && max > tokenizer.modelMaxLength()) {
                System.err.printf("The max_seq_length passed (%d) is larger than the maximum length for the model (%d). "
                        + "Using max_seq_length=%d.%n", max, tokenizer.modelMaxLength(), tokenizer.modelMaxLength());
                max = tokenizer.modelMaxLength();
            }
            // a tokenizer that pads on the left gets windows padded to max_seq_length, as in run_qa: the collator's
            // left padding of shorter batches would shift the logits against the features' offsets
            boolean pad = lengths.padToMaxLength || tokenizer.paddingSide() == io.t4j.tokenizers.Side.LEFT;
            try {
                return new QaFeatureOptions(max, docStride, pad);
            } catch (DataException e) {
                throw new UserException(ExitCode.USAGE, e.getMessage());
            }
        }

        public QaPostprocessOptions postprocess() {
            try {
                return new QaPostprocessOptions(version2WithNegative, nBestSize, maxAnswerLength, nullScoreDiffThreshold);
            } catch (DataException e) {
                throw new UserException(ExitCode.USAGE, e.getMessage());
            }
        }
    }

    /**
     * What {@code t4j train --task question-answering} reads besides the TrainingArguments, and the callbacks the
     * Trainer gets besides its defaults (none from the command line).
     */
    public record TrainRequest(Path modelDir, String trainFile, String validationFile, Integer validationArticles,
                               Integer maxTrainArticles, Integer maxTrainSamples, Integer maxEvalSamples, Options options,
                               List<TrainerCallback> callbacks) {}

    /** run_qa.py's train (and eval) path; prints the metrics, saves the model and eval predictions to output_dir. */
    public static int train(TrainRequest request, TrainingArguments args) {
        Options o = request.options();
        SquadData data = read(request.trainFile(), "--train-file");
        SquadData validation = null;
        if (request.validationArticles() != null) {
            if (request.validationFile() != null) {
                throw new UserException(ExitCode.USAGE, "give either --validation-file or --validation-articles, not both");
            }
            SquadData.ArticleSplit split = data.splitByArticle(request.validationArticles(), args.seed());
            data = split.train();
            validation = split.test();
            System.err.printf("validation: %d articles of %s held out by article (seed %d): %s%n", request.validationArticles(),
                    request.trainFile(), args.seed(), validation.titles());
        } else if (request.validationFile() != null) {
            validation = read(request.validationFile(), "--validation-file");
        }
        if (request.maxTrainArticles() != null) {
            data = firstArticles(data, request.maxTrainArticles());
        }
        List<SquadExample> trainExamples = first(data.examples(), request.maxTrainSamples(), "--max-train-samples");
        List<SquadExample> evalExamples = validation == null ? null
                : first(validation.examples(), request.maxEvalSamples(), "--max-eval-samples");
        if (evalExamples != null) {
            requireVersion(evalExamples, o, request.validationFile() != null ? request.validationFile() : request.trainFile());
        }
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(request.modelDir())) {
            QuestionContextTokenizer qa = QuestionContextTokenizer.of(tokenizer);
            QaFeatureOptions features = o.features(tokenizer);
            Dataset train = QaFeatures.prepareTrainFeatures(trainExamples, qa, features);
            Dataset eval = evalExamples == null ? null : QaFeatures.prepareEvaluationFeatures(evalExamples, qa, features);
            System.err.printf("train: %,d questions (%d articles) -> %,d features%s%n", trainExamples.size(),
                    titles(trainExamples).size(), train.numRows(), eval == null ? ""
                            : String.format("; validation: %,d questions (%d articles) -> %,d features", evalExamples.size(),
                            titles(evalExamples).size(), eval.numRows()));
            Trainer.setSeed(args.seed()); // before the model: its qa_outputs head is new on a base checkpoint
            QuestionAnsweringModel<?> model = AutoModelForQuestionAnswering.fromPretrained(request.modelDir());
            QuestionAnsweringEvaluation evaluation = eval == null ? null
                    : new QuestionAnsweringEvaluation(evalExamples, eval, o.postprocess());
            var builder = Trainer.builder(model, args).trainDataset(train).evalDataset(eval).processingClass(tokenizer)
                    .callbacks(request.callbacks());
            if (evaluation != null) {
                builder.computeMetrics(evaluation);
            }
            var trainer = builder.build();
            TrainOutput out = TrainingArgsOptions.train(trainer, args); // resume_from_checkpoint true/false/a folder
            Map<String, Double> metrics = new LinkedHashMap<>(out.metrics());
            Path outputDir = Path.of(args.outputDir());
            trainer.saveModel(outputDir);
            if (evaluation != null) {
                metrics.putAll(trainer.evaluate());
                evaluation.lastPredictions().writeTo(outputDir, "eval");
                if (request.validationArticles() != null) {
                    validation.writeJson(outputDir.resolve("validation.json"));
                }
            }
            System.out.println();
            metrics.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-28s %s%n", k, format(v)));
            System.out.println("model saved to " + outputDir.toAbsolutePath()
                    + (evaluation == null ? "" : "; eval predictions in eval_predictions.json, eval_nbest_predictions.json"
                    + (request.validationArticles() == null ? "" : "; the held-out questions in validation.json")));
        }
        return ExitCode.OK;
    }

    /**
     * {@code t4j eval --task question-answering}: the model's answers to a SQuAD file, post-processed as run_qa does,
     * scored by the SQuAD metric (v2 with {@code --version-2-with-negative}).
     *
     * @param outputDir where to write HF's eval_predictions.json / eval_nbest_predictions.json, or null
     */
    public static Map<String, Double> evaluate(Path modelDir, PretrainedOptions load, String file, Options o, int batchSize,
                                               Path outputDir) {
        SquadData data = read(file, "--file");
        requireVersion(data.examples(), o, file);
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(modelDir);
             QuestionAnsweringModel<?> model = AutoModelForQuestionAnswering.fromPretrained(modelDir, load)) {
            Dataset features = QaFeatures.prepareValidationFeatures(data.examples(), QuestionContextTokenizer.of(tokenizer),
                    o.features(tokenizer));
            Path scratch = Files.createTempDirectory("t4j-eval");
            try {
                var args = TrainingArguments.builder(scratch.toString()).perDeviceEvalBatchSize(batchSize).disableTqdm(true).build();
                var trainer = Trainer.builder(model, args).evalDataset(features).processingClass(tokenizer).build();
                long start = System.nanoTime();
                PredictionOutput predicted = trainer.predict(features);
                var evaluation = new QuestionAnsweringEvaluation(data.examples(), features, o.postprocess());
                QaPredictions predictions = evaluation.postprocess(predicted.predictionsTuple());
                Map<String, Double> metrics = new LinkedHashMap<>();
                evaluation.score(predictions).forEach((k, v) -> metrics.put("eval_" + k, v));
                double seconds = (System.nanoTime() - start) / 1e9;
                metrics.put("eval_samples", (double) data.size());
                metrics.put("eval_features", (double) features.numRows());
                metrics.put("eval_runtime", Math.round(seconds * 1e4) / 1e4);
                metrics.put("eval_samples_per_second", Math.round(data.size() / seconds * 1e3) / 1e3);
                if (outputDir != null) {
                    predictions.writeTo(outputDir, "eval");
                }
                return metrics;
            } finally {
                deleteTree(scratch);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The question-answering pipeline's parameters, under HF's names ({@code t4j predict --task qa}). */
    public static final class PipelineOptions {
        @Option(names = {"--doc-stride", "--doc_stride"}, paramLabel = "N",
                description = "QA: context tokens shared by consecutive windows (default: min(max_seq_len / 2, 128)).")
        public Integer docStride;

        @Option(names = {"--max-answer-len", "--max_answer_len"}, defaultValue = "15",
                description = "QA: the longest answer in tokens (default: ${DEFAULT-VALUE}).")
        public int maxAnswerLen;

        @Option(names = {"--max-seq-len", "--max_seq_len"}, paramLabel = "N",
                description = "QA: tokens per window (default: min(model_max_length, 384)).")
        public Integer maxSeqLen;

        @Option(names = {"--max-question-len", "--max_question_len"}, defaultValue = "64",
                description = "QA: a longer question is cut to this many tokens (default: ${DEFAULT-VALUE}).")
        public int maxQuestionLen;

        @Option(names = {"--handle-impossible-answer", "--handle_impossible_answer"},
                description = "QA: offer the empty answer too, scored by the null (CLS) span.")
        public boolean handleImpossibleAnswer;

        @Option(names = {"--align-to-words", "--align_to_words"}, defaultValue = "true", arity = "1",
                description = "QA: widen answers to whole words (default: ${DEFAULT-VALUE}).")
        public boolean alignToWords;

        public QuestionAnsweringOptions options(int topK, int batchSize) {
            try {
                return new QuestionAnsweringOptions(topK, docStride, maxAnswerLen, maxSeqLen, maxQuestionLen,
                        handleImpossibleAnswer, alignToWords, batchSize);
            } catch (IllegalArgumentException e) {
                throw new UserException(ExitCode.USAGE, e.getMessage());
            }
        }
    }

    /** One line of the input: {@code {"id"?, "question", "context"}} and where it was read. */
    private record Line(String id, QuestionAnsweringInput input, String where) {}

    /**
     * {@code t4j predict --task qa}: JSON Lines {@code {"question", "context"}} (an {@code "id"} is kept) in, one line
     * per question out: {@code {"id"?, "question", "answer", "score", "start", "end"}} with character offsets into the
     * context as Python counts them (code points), and {@code "top_k"} with every answer when more than one is asked.
     *
     * @return the number of questions answered
     */
    public static long predict(Path modelDir, PretrainedOptions load, Path input, Output out, QuestionAnsweringOptions options) {
        String name = input == null || input.toString().equals("-") ? "<stdin>" : input.toString();
        long n = 0;
        try (QuestionAnsweringPipeline pipe = Pipeline.questionAnswering(modelDir, load);
             BufferedReader reader = input == null || input.toString().equals("-")
                     ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                     : Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            List<Line> batch = new ArrayList<>();
            String text;
            int lineNumber = 0;
            while ((text = reader.readLine()) != null) {
                lineNumber++;
                if (text.isBlank()) {
                    continue;
                }
                batch.add(parse(text, name + " line " + lineNumber));
                if (batch.size() == options.batchSize()) {
                    n += answer(pipe, batch, options, out);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                n += answer(pipe, batch, options, out);
            }
            if (n == 0) {
                throw new UserException(ExitCode.DATA, name + ": no questions (expected JSON Lines {\"question\", \"context\"})");
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserException(ExitCode.DATA, name + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": " + e.getMessage(), e);
        }
        return n;
    }

    private static Line parse(String text, String where) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new DataException(where + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (node == null || !node.isObject()) {
            throw new DataException(where + ": expected a JSON object {\"question\", \"context\"}");
        }
        String id = node.hasNonNull("id") ? node.get("id").asText() : null;
        String place = where + (id == null ? "" : " (question " + id + ")");
        String[] fields = new String[2];
        String[] names = {"question", "context"};
        for (int i = 0; i < 2; i++) {
            JsonNode v = node.get(names[i]);
            if (v == null || v.isNull()) {
                throw new DataException(place + ": missing field '" + names[i] + "'");
            }
            if (!v.isTextual()) {
                throw new DataException(place + ": field '" + names[i] + "' must be a string, found " + v.getNodeType());
            }
            fields[i] = v.asText();
        }
        try {
            return new Line(id, new QuestionAnsweringInput(fields[0], fields[1]), place);
        } catch (IllegalArgumentException e) {
            throw new DataException(place + ": " + e.getMessage());
        }
    }

    /** Answers a batch and writes it; a question the pipeline refuses is named by its line and id. */
    private static int answer(QuestionAnsweringPipeline pipe, List<Line> batch, QuestionAnsweringOptions options, Output out) {
        List<List<QuestionAnsweringResult>> results;
        try {
            results = pipe.apply(batch.stream().map(Line::input).toList(), options);
        } catch (IllegalArgumentException e) {
            for (Line line : batch) {
                try {
                    pipe.apply(List.of(line.input()), options.withBatchSize(1));
                } catch (IllegalArgumentException one) {
                    throw new DataException(line.where() + ": " + one.getMessage().replaceFirst("^question 0 ", "the question "), one);
                }
            }
            throw e;
        }
        try {
            for (int i = 0; i < batch.size(); i++) {
                Line line = batch.get(i);
                String context = line.input().context();
                List<Map<String, Object>> answers = results.get(i).stream().map(a -> json(a, context)).toList();
                Map<String, Object> row = new LinkedHashMap<>();
                if (line.id() != null) {
                    row.put("id", line.id());
                }
                row.put("question", line.input().question());
                if (answers.isEmpty()) {
                    row.put("answer", null);
                } else {
                    row.putAll(answers.getFirst());
                }
                if (options.topK() > 1) {
                    row.put("top_k", answers);
                }
                Json.MAPPER.writeValue(out.stream(), row);
                out.stream().write('\n');
            }
            out.stream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return batch.size();
    }

    /** HF's {@code {score, start, end, answer}} with offsets in code points, as Python indexes the context. */
    public static Map<String, Object> json(QuestionAnsweringResult a, String context) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("score", a.score());
        m.put("start", context.codePointCount(0, a.start()));
        m.put("end", context.codePointCount(0, a.end()));
        m.put("answer", a.answer());
        return m;
    }

    private static SquadData read(String file, String option) {
        Path path = Path.of(file);
        if (!Files.exists(path)) {
            throw new UserException(ExitCode.DATA, file + ": no such file (" + option + ")");
        }
        return SquadReader.read(path);
    }

    /** Without --version-2-with-negative every question must have an answer (the squad metric needs one). */
    private static void requireVersion(List<SquadExample> examples, Options o, String file) {
        if (o.version2WithNegative) {
            return;
        }
        long impossible = examples.stream().filter(SquadExample::isImpossible).count();
        if (impossible > 0) {
            SquadExample first = examples.stream().filter(SquadExample::isImpossible).findFirst().orElseThrow();
            throw new UserException(ExitCode.DATA, file + ": " + impossible + " questions have no answer (SQuAD v2), e.g. "
                    + first.where() + "; pass --version-2-with-negative");
        }
    }

    private static SquadData firstArticles(SquadData data, int n) {
        if (n <= 0) {
            throw new UserException(ExitCode.USAGE, "--max-train-articles must be positive, got " + n);
        }
        List<String> titles = data.titles();
        return data.selectArticles(titles.subList(0, Math.min(n, titles.size())));
    }

    private static List<SquadExample> first(List<SquadExample> examples, Integer n, String option) {
        if (n == null) {
            return examples;
        }
        if (n <= 0) {
            throw new UserException(ExitCode.USAGE, option + " must be positive, got " + n);
        }
        return examples.subList(0, Math.min(n, examples.size()));
    }

    private static Set<String> titles(List<SquadExample> examples) {
        Set<String> t = new LinkedHashSet<>();
        examples.forEach(e -> t.add(e.title()));
        return t;
    }

    static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4f", v);
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder; nothing was written to it
        }
    }
}
