package io.t4j.cli.commands;

import io.t4j.cli.ClassificationSetup;
import io.t4j.cli.DataOptions;
import io.t4j.cli.ExitCode;
import io.t4j.cli.LaunchOptions;
import io.t4j.cli.ModelResolver;
import io.t4j.cli.TrainingArgsOptions;
import io.t4j.cli.UserException;
import io.t4j.data.Dataset;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.trainer.Trainer;
import io.t4j.trainer.TrainOutput;
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
 * {@code t4j train}: fine-tune a sequence classifier with the Trainer, as HF's run_glue/run_classification do.
 * Every TrainingArguments field is an option under its HF name ({@code --learning_rate 3e-5}, also
 * {@code --learning-rate}), and {@code --config args.json} reads them from a file (options win).
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-tune a model for text classification with the Trainer; writes checkpoints and the final "
                + "model to output_dir.", "",
                "Example: t4j train --model default --train-file train.tsv --validation-file dev.tsv "
                        + "--rename content=sentence --output_dir runs/sst2 --num_train_epochs 3 --learning_rate 3e-5", "",
                "Data-parallel on 2 ranks (torchrun's options): t4j train --nproc-per-node 2 --model default ... "
                        + "--per_device_train_batch_size 16"})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
            description = "A model folder, a hub repo id, or 'default' (bge-small-en-v1.5 from Maven Central).")
    String model;

    @Option(names = "--revision", defaultValue = "main", description = "Hub branch, tag or commit.")
    String revision;

    @Option(names = "--train-file", required = true, paramLabel = "FILE", description = "Training data (TSV, CSV, JSONL or Parquet; a glob is fine).")
    String trainFile;

    @Option(names = "--validation-file", paramLabel = "FILE", description = "Evaluation data, needed for eval_strategy steps/epoch.")
    String validationFile;

    @Mixin DataOptions data;

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

    /** The command with one option per TrainingArguments field. */
    public static CommandLine commandLine() {
        TrainCommand command = new TrainCommand();
        CommandSpec spec = CommandSpec.forAnnotatedObject(command);
        command.trainingArgs.addTo(spec);
        return new CommandLine(spec);
    }

    @Override
    public Integer call() {
        TrainingArguments args = trainingArguments();
        if (launch.launches()) {
            return launch.launch(spec.commandLine().getParseResult().originalArgs());
        }
        boolean mainProcess = System.getenv("RANK") == null || System.getenv("RANK").equals("0");
        Path dir = ModelResolver.resolve(model, revision);
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
                    .computeMetrics(ClassificationSetup.computeMetrics(labels.size())).build();
            TrainOutput out = trainer.train(args.resumeFromCheckpoint());
            Map<String, Double> metrics = new LinkedHashMap<>(out.metrics());
            if (eval != null) {
                metrics.putAll(trainer.evaluate());
            }
            Path finalDir = Path.of(args.outputDir());
            trainer.saveModel(finalDir);
            if (!trainer.isWorldProcessZero()) {
                return ExitCode.OK; // rank 0 saved and reports
            }
            System.out.println();
            metrics.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-28s %s%n", k, format(v)));
            System.out.println("model saved to " + finalDir.toAbsolutePath());
        }
        return ExitCode.OK;
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
