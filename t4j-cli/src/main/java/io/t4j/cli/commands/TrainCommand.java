package io.t4j.cli.commands;

import io.t4j.cli.ClassificationSetup;
import io.t4j.cli.CliTask;
import io.t4j.cli.DataOptions;
import io.t4j.cli.ExitCode;
import io.t4j.cli.LaunchOptions;
import io.t4j.cli.ModelResolver;
import io.t4j.cli.TokenClassificationSetup;
import io.t4j.cli.TokenDataOptions;
import io.t4j.cli.QuestionAnswering;
import io.t4j.cli.SequenceLengthOptions;
import io.t4j.cli.TrainingArgsOptions;
import io.t4j.cli.UserException;
import io.t4j.data.AlignOptions;
import io.t4j.data.DataCollatorForTokenClassification;
import io.t4j.data.Dataset;
import io.t4j.data.Feature;
import io.t4j.data.TaggedSentences;
import io.t4j.data.TokenClassificationData;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.TokenClassificationModel;
import io.t4j.trainer.metrics.Seqeval;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.trainer.Trainer;
import io.t4j.trainer.TrainOutput;
import io.t4j.trainer.TrainerCallback;
import io.t4j.trainer.TrainingArguments;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code t4j train}: fine-tune a sequence classifier with the Trainer, as HF's run_glue/run_classification do, or
 * with {@code --task token-classification} a token classifier on CoNLL or JSON Lines files, as run_ner.py does.
 * Every TrainingArguments field is an option under its HF name ({@code --learning_rate 3e-5}, also
 * {@code --learning-rate}), and {@code --config args.json} reads them from a file (options win).
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-tune a model for text classification (or, with --task token-classification, for named "
                + "entities; with --task question-answering, for extractive QA) with the Trainer; writes checkpoints "
                + "and the final model to output_dir.", "",
                "Example: t4j train --model default --train-file train.tsv --validation-file dev.tsv "
                        + "--rename content=sentence --output_dir runs/sst2 --num_train_epochs 3 --learning_rate 3e-5",
                "Example: t4j train --task ner --model default --train-file conll2003/train.txt --validation-file "
                        + "conll2003/valid.txt --labels-file conll2003/labels.txt --output_dir runs/ner --num_train_epochs 3",
                "Question answering (HF's run_qa.py, SQuAD JSON/JSONL/Parquet): t4j train --task question-answering "
                        + "--model default --train-file train.json --validation-articles 4 --output_dir runs/squad",
                "Data-parallel on 2 ranks (torchrun's options): t4j train --nproc-per-node 2 --model default ... "
                        + "--per_device_train_batch_size 16"})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
            description = "A model folder, a hub repo id, or 'default' (bge-small-en-v1.5 from Maven Central).")
    String model;

    @Option(names = "--revision", defaultValue = "main", description = "Hub branch, tag or commit.")
    String revision;

    @Option(names = "--task", paramLabel = "TASK",
            description = "text-classification (default), token-classification (alias ner: tagged CoNLL or JSON Lines "
                    + "files) or question-answering (alias qa: SQuAD JSON, JSONL or Parquet).")
    String task;

    @Option(names = "--train-file", required = true, paramLabel = "FILE",
            description = "Training data: TSV, CSV, JSONL or Parquet (a glob is fine); for token classification CoNLL "
                    + "columns (.txt, .conll, ...) or JSON Lines {\"tokens\", \"ner_tags\"}; for QA SQuAD files.")
    String trainFile;

    @Option(names = "--validation-file", paramLabel = "FILE", description = "Evaluation data, needed for eval_strategy steps/epoch.")
    String validationFile;

    @Mixin DataOptions data;

    @Mixin TokenDataOptions tokens;

    @Mixin SequenceLengthOptions lengths;

    @Option(names = {"--label-all-tokens", "--label_all_tokens"},
            description = "Token classification: label every sub-token of a word (B- turned into I- after the first), "
                    + "not just the first (run_ner's label_all_tokens).")
    boolean labelAllTokens;

    @Option(names = {"--return-entity-level-metrics", "--return_entity_level_metrics"},
            description = "Token classification: report precision, recall, F1 and count per entity type in the eval metrics.")
    boolean returnEntityLevelMetrics;

    @Mixin QuestionAnswering.Options qa;

    @Option(names = "--validation-articles", paramLabel = "N",
            description = "QA: hold out N articles of the train file (drawn with --seed) for validation, split by "
                    + "article so no paragraph is in both; written to output_dir/validation.json.")
    Integer validationArticles;

    @Option(names = "--max-train-articles", paramLabel = "N",
            description = "QA: train on the first N articles (of the training split) only.")
    Integer maxTrainArticles;

    @Mixin LaunchOptions launch;

    @picocli.CommandLine.Spec CommandSpec spec;

    @Option(names = {"--max-train-samples", "--max_train_samples"}, paramLabel = "N",
            description = "Train on the first N examples only (HF run_glue's max_train_samples).")
    Integer maxTrainSamples;

    @Option(names = {"--max-eval-samples", "--max_eval_samples"}, paramLabel = "N",
            description = "Evaluate on the first N validation examples only (HF run_glue's max_eval_samples).")
    Integer maxEvalSamples;

    @Option(names = "--config", paramLabel = "ARGS_JSON", description = "TrainingArguments as HF JSON; command-line options win.")
    Path config;

    private final TrainingArgsOptions trainingArgs = new TrainingArgsOptions();

    private final List<TrainerCallback> callbacks;

    private TrainCommand(List<TrainerCallback> callbacks) {
        this.callbacks = List.copyOf(callbacks);
    }

    /** The command with one option per TrainingArguments field. */
    public static CommandLine commandLine() {
        return commandLine(List.of());
    }

    /**
     * The command whose Trainer also gets {@code callbacks} (HF's {@code Trainer(callbacks=...)}), for a program that
     * runs {@code t4j train} in-process and watches or steers it (the benchmarks' time to accuracy). Ranks that
     * {@code --nproc-per-node} starts are processes of their own and do not get them.
     */
    public static CommandLine commandLine(List<TrainerCallback> callbacks) {
        TrainCommand command = new TrainCommand(callbacks);
        CommandSpec spec = CommandSpec.forAnnotatedObject(command);
        command.trainingArgs.addTo(spec);
        return new CommandLine(spec);
    }

    @Override
    public Integer call() {
        CliTask kind = task == null ? CliTask.TEXT_CLASSIFICATION : CliTask.parse(task);
        lengths.check();
        TrainingArguments args = trainingArguments();
        TrainingArgsOptions.requireWritableOutputDir(args); // before the model loads, not at the first save
        if (launch.launches()) {
            return launch.launch(spec.commandLine().getParseResult().originalArgs());
        }
        boolean mainProcess = System.getenv("RANK") == null || System.getenv("RANK").equals("0");
        Path dir = ModelResolver.resolve(model, revision);
        if (kind == CliTask.QUESTION_ANSWERING) {
            return QuestionAnswering.train(new QuestionAnswering.TrainRequest(dir, trainFile, validationFile,
                    validationArticles, maxTrainArticles, maxTrainSamples, maxEvalSamples, qa.withLengths(lengths), callbacks), args);
        }
        if (validationArticles != null || maxTrainArticles != null) {
            throw new UserException(ExitCode.USAGE, "--validation-articles and --max-train-articles are for --task question-answering");
        }
        if (kind == CliTask.TOKEN_CLASSIFICATION) {
            return trainTokenClassification(args, dir);
        }
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(dir)) {
            Dataset train = data.loadTokenized(trainFile, tokenizer, null);
            List<String> labels = ClassificationSetup.labelNames(train, DataOptions.LABEL);
            Dataset eval = validationFile == null ? null : data.loadTokenized(validationFile, tokenizer, labels);
            train = firstRows(train, maxTrainSamples, "--max-train-samples");
            eval = eval == null ? null : firstRows(eval, maxEvalSamples, "--max-eval-samples");
            if (mainProcess) {
                System.err.printf("train: %,d examples, labels %s%s%n", train.numRows(), labels,
                        eval == null ? "" : String.format("; validation: %,d examples", eval.numRows()));
            }
            Trainer.setSeed(args.seed()); // before the model, so a new head is the same in every run (HF's run_glue.py)
            SequenceClassificationModel<?> clf = ClassificationSetup.modelFor(dir, labels);
            var trainer = Trainer.builder(clf, args).trainDataset(train).evalDataset(eval).processingClass(tokenizer)
                    .computeMetrics(ClassificationSetup.computeMetrics(labels.size())).callbacks(callbacks).build();
            finish(trainer, args, eval != null);
        }
        return ExitCode.OK;
    }

    /** run_ner.py: tagged files, the label list, aligned labels, DataCollatorForTokenClassification and seqeval. */
    private int trainTokenClassification(TrainingArguments args, Path dir) {
        TaggedSentences trainTagged = TokenClassificationData.read(Path.of(trainFile), tokens.conllOptions());
        TaggedSentences evalFile = validationFile == null ? null
                : TokenClassificationData.read(Path.of(validationFile), tokens.conllOptions());
        Feature.ClassLabel labels = TokenClassificationSetup.labels(dir, tokens.labelsFile, trainTagged);
        TokenClassificationSetup.checkHead(dir, labels.names());
        try (var tokenizer = TokenClassificationSetup.tokenizer(dir)) {
            AlignOptions align = AlignOptions.defaults().withMaxSeqLength(lengths.maxSeqLength)
                    .withLabelAllTokens(labelAllTokens).withPadToMaxLength(lengths.padToMaxLength);
            Dataset train = TokenClassificationSetup.align(trainTagged, labels, tokenizer, align).dataset();
            Dataset eval = evalFile == null ? null : TokenClassificationSetup.align(evalFile, labels, tokenizer, align).dataset();
            train = firstRows(train, maxTrainSamples, "--max-train-samples");
            eval = eval == null ? null : firstRows(eval, maxEvalSamples, "--max-eval-samples");
            System.err.printf("train: %,d sentences, labels %s%s%n", train.numRows(), labels.names(),
                    eval == null ? "" : String.format("; validation: %,d sentences", eval.numRows()));
            Trainer.setSeed(args.seed()); // before the model, so a new head is the same in every run (HF's run_ner.py)
            TokenClassificationModel<?> ner = TokenClassificationSetup.modelFor(dir, labels.names());
            var trainer = Trainer.builder(ner, args).trainDataset(train).evalDataset(eval).processingClass(tokenizer)
                    .dataCollator(new DataCollatorForTokenClassification(tokenizer))
                    .computeMetrics(Seqeval.computeMetrics(labels.names(), returnEntityLevelMetrics)).callbacks(callbacks).build();
            finish(trainer, args, eval != null);
        }
        return ExitCode.OK;
    }

    /** Trains (resuming if asked), evaluates, saves to output_dir and prints the metrics. */
    private static void finish(Trainer<?> trainer, TrainingArguments args, boolean evaluate) {
        TrainOutput out = TrainingArgsOptions.train(trainer, args);
        Map<String, Double> metrics = new LinkedHashMap<>(out.metrics());
        if (evaluate) {
            metrics.putAll(trainer.evaluate());
        }
        Path finalDir = Path.of(args.outputDir());
        trainer.saveModel(finalDir);
        if (!trainer.isWorldProcessZero()) {
            return; // rank 0 saved and reports
        }
        System.out.println();
        metrics.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-28s %s%n", k, format(v)));
        System.out.println("model saved to " + finalDir.toAbsolutePath());
    }

    private static Dataset firstRows(Dataset ds, Integer n, String option) {
        if (n == null) {
            return ds;
        }
        if (n <= 0) {
            throw new UserException(ExitCode.USAGE, option + " must be positive, got " + n);
        }
        return ds.take(n);
    }

    private TrainingArguments trainingArguments() {
        return trainingArgs.build(config);
    }

    static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4f", v);
    }
}
