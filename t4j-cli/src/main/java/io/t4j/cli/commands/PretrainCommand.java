package io.t4j.cli.commands;

import io.t4j.cli.ExitCode;
import io.t4j.cli.ModelResolver;
import io.t4j.cli.TrainingArgsOptions;
import io.t4j.cli.UserException;
import io.t4j.data.DataCollatorForLanguageModeling;
import io.t4j.data.Dataset;
import io.t4j.data.LanguageModelingData;
import io.t4j.data.LoadDataset;
import io.t4j.data.LoadOptions;
import io.t4j.data.TextDatasetForNextSentencePrediction;
import io.t4j.engine.nn.Module;
import io.t4j.models.AutoConfig;
import io.t4j.models.AutoModelForMaskedLM;
import io.t4j.models.AutoModelForPreTraining;
import io.t4j.models.ModelRegistry;
import io.t4j.models.Task;
import io.t4j.models.ModelWithLoss;
import io.t4j.models.PreTrainedModel;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.trainer.TrainOutput;
import io.t4j.trainer.Trainer;
import io.t4j.trainer.TrainingArguments;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code t4j pretrain}: continued (domain-adaptive) pre-training with the Trainer, as HF's run_mlm.py does: masked
 * language modelling ({@code AutoModelForMaskedLM} + {@code DataCollatorForLanguageModeling}), or with {@code --nsp}
 * BERT's two objectives ({@code BertForPreTraining} over next-sentence pairs). Reports perplexity = exp(eval_loss).
 * The saved folder loads into {@code XxxForSequenceClassification} for fine-tuning ({@code t4j train --model DIR}).
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Continue pre-training a BERT or RoBERTa model on raw text (masked language modelling, "
                + "optionally with next-sentence prediction); writes checkpoints and the final model to output_dir "
                + "and prints perplexity = exp(eval_loss).", "",
                "Text files (.txt) hold one text per line; with --nsp, documents are separated by a blank line. "
                        + "Tables (.tsv, .csv, .jsonl, .parquet) give their --text-column.", "",
                "Example: t4j pretrain --model default --train-file train.txt --validation-file dev.txt "
                        + "--mlm-probability 0.15 --output_dir runs/mlm --num_train_epochs 1 --bf16 true"})
public final class PretrainCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
            description = "A model folder, a hub repo id, or 'default' (bge-small-en-v1.5 from Maven Central).")
    String model;

    @Option(names = "--revision", defaultValue = "main", description = "Hub branch, tag or commit.")
    String revision;

    @Option(names = "--train-file", required = true, paramLabel = "FILE", description = "Training text (a glob is fine).")
    String trainFile;

    @Option(names = "--validation-file", paramLabel = "FILE", description = "Evaluation text: its loss gives the perplexity.")
    String validationFile;

    @Option(names = "--mlm-probability", defaultValue = "0.15",
            description = "Share of tokens to mask (default: ${DEFAULT-VALUE}), by BERT's 80/10/10 rule.")
    double mlmProbability;

    @Option(names = "--whole-word-mask", description = "Mask whole words (WordPiece '##' pieces with their head).")
    boolean wholeWordMask;

    @Option(names = "--nsp", description = "Also train next-sentence prediction (BertForPreTraining; BERT only).")
    boolean nsp;

    @Option(names = "--line-by-line", description = "One example per line, truncated to --max-seq-length (default: "
            + "lines are concatenated and cut into blocks of --max-seq-length tokens, run_mlm's group_texts).")
    boolean lineByLine;

    @Option(names = "--max-seq-length", defaultValue = "128",
            description = "Tokens per example or block (default: ${DEFAULT-VALUE}).")
    int maxSeqLength;

    @Option(names = "--text-column", defaultValue = "text",
            description = "The text column of a table file (default: ${DEFAULT-VALUE}).")
    String textColumn;

    @Option(names = "--rename", paramLabel = "FROM=TO", description = "Read column FROM of a table file as TO.")
    Map<String, String> renames = Map.of();

    @Option(names = "--config", paramLabel = "ARGS_JSON", description = "TrainingArguments as HF JSON; command-line options win.")
    Path config;

    @CommandLine.Spec CommandSpec spec;

    @CommandLine.Mixin io.t4j.cli.LaunchOptions launch;

    private final TrainingArgsOptions trainingArgs = new TrainingArgsOptions();

    /** The command with one option per TrainingArguments field. */
    public static CommandLine commandLine() {
        PretrainCommand command = new PretrainCommand();
        CommandSpec spec = CommandSpec.forAnnotatedObject(command);
        command.trainingArgs.addTo(spec);
        return new CommandLine(spec);
    }

    @Override
    public Integer call() {
        if (!(mlmProbability > 0 && mlmProbability < 1)) {
            throw new UserException(ExitCode.USAGE, "--mlm-probability must be in (0, 1), got " + mlmProbability);
        }
        if (nsp && wholeWordMask) {
            throw new UserException(ExitCode.USAGE, "--whole-word-mask and --nsp cannot be combined (t4j's next-sentence "
                    + "pairs are masked token by token)");
        }
        TrainingArguments args = trainingArgs.build(config);
        TrainingArgsOptions.requireWritableOutputDir(args); // before the model loads, not at the first save
        if (launch.launches()) {
            return launch.launch(spec.commandLine().getParseResult().originalArgs());
        }
        Path dir = ModelResolver.resolve(model, revision);
        String modelType = AutoConfig.fromPretrained(dir).modelType();
        if (nsp && ModelRegistry.entry(modelType, Task.PRETRAINING).isEmpty()) {
            throw new UserException(ExitCode.DATA, dir + ": --nsp needs a model with pre-training heads (model types: "
                    + String.join(", ", ModelRegistry.modelTypes(Task.PRETRAINING)) + ") but model_type is '" + modelType + "'");
        }
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(dir)) {
            var collator = wholeWordMask
                    ? DataCollatorForLanguageModeling.wholeWordMask(tokenizer, mlmProbability, args.seed())
                    : new DataCollatorForLanguageModeling(tokenizer, mlmProbability, args.seed());
            Dataset train = examples(trainFile, tokenizer, args.seed(), "train");
            Dataset eval = validationFile == null ? null : examples(validationFile, tokenizer, args.seed() + 1, "validation");
            Trainer.setSeed(args.seed()); // before the model: heads the checkpoint lacks start the same in every run
            if (nsp) {
                var model = AutoModelForPreTraining.fromPretrained(dir);
                if (!model.labelNames().contains("next_sentence_label")) { // ELECTRA's is replaced-token detection
                    model.close();
                    throw new UserException(ExitCode.DATA, dir + ": --nsp trains masked LM + next-sentence prediction, but "
                            + modelType + "'s pre-training class " + model.getClass().getSimpleName() + " has another "
                            + "objective (label_names " + model.labelNames() + "); drop --nsp to train its masked-LM head");
                }
                return run(model, args, collator, train, eval, tokenizer);
            }
            return run(AutoModelForMaskedLM.fromPretrained(dir), args, collator, train, eval, tokenizer);
        }
    }

    private <M extends PreTrainedModel<?> & ModelWithLoss> int run(M m, TrainingArguments args,
            DataCollatorForLanguageModeling collator, Dataset train, Dataset eval, PreTrainedTokenizer tokenizer) {
        var trainer = Trainer.builder(m, args).dataCollator(collator).trainDataset(train).evalDataset(eval)
                .processingClass(tokenizer).build();
        TrainOutput out = TrainingArgsOptions.train(trainer, args);
        Map<String, Double> metrics = new LinkedHashMap<>(out.metrics());
        Double before = !args.evalOnStart() ? null : trainer.state().logHistory().stream()
                .map(e -> e.get("eval_loss")).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        if (eval != null) {
            metrics.putAll(trainer.evaluate());
        }
        Path finalDir = Path.of(args.outputDir());
        trainer.saveModel(finalDir);
        if (!trainer.isWorldProcessZero()) {
            return ExitCode.OK; // rank 0 saved and reports
        }
        System.out.println();
        metrics.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-28s %s%n", k, TrainCommand.format(v)));
        if (eval != null) {
            String what = nsp ? "exp(eval_loss), eval_loss = masked-LM + next-sentence loss" : "exp(eval_loss)";
            if (before != null) {
                System.out.printf(Locale.ROOT, "  %-28s %.4f  (%s before training, eval_on_start)%n", "perplexity_before",
                        perplexity(before), what);
            }
            System.out.printf(Locale.ROOT, "  %-28s %.4f  (%s)%n", "perplexity", perplexity(metrics.get("eval_loss")), what);
        }
        System.out.println("model saved to " + finalDir.toAbsolutePath() + " (" + ((Module) m).getClass().getSimpleName()
                + "; fine-tune it with t4j train --model " + finalDir + ")");
        return ExitCode.OK;
    }

    /** HF run_mlm: {@code math.exp(eval_loss)} (infinity on overflow). */
    static double perplexity(double loss) {
        return Math.exp(loss);
    }

    /** The tokenized examples of {@code file}: NSP pairs, line-by-line examples or grouped blocks. */
    private Dataset examples(String file, PreTrainedTokenizer tokenizer, long seed, String split) {
        if (nsp) {
            if (isTable(file)) {
                throw new UserException(ExitCode.DATA, file + ": --nsp needs a text file of documents (one sentence or "
                        + "paragraph per line, a blank line between documents), not a table");
            }
            var documents = TextDatasetForNextSentencePrediction.readDocuments(Path.of(file));
            var pairs = TextDatasetForNextSentencePrediction.create(documents, tokenizer, maxSeqLength, seed);
            err().printf(Locale.ROOT, "%s: %,d documents -> %,d sentence pairs (%,d is-next, %,d random); %,d pairs "
                            + "truncated to %d tokens, %,d lines longer than a pair on their own%n", split, pairs.documents(),
                    pairs.dataset().numRows(), pairs.isNext(), pairs.randomNext(), pairs.truncatedPairs(), maxSeqLength,
                    pairs.longLines());
            return pairs.dataset();
        }
        Dataset texts = isTable(file) ? LoadDataset.fromFiles(file, tableOptions()) : LoadDataset.fromTextFiles(file);
        String column = isTable(file) ? textColumn : "text";
        if (lineByLine) {
            var prepared = LanguageModelingData.lineByLine(texts, column, tokenizer, maxSeqLength);
            err().printf(Locale.ROOT, "%s: %,d lines, %,d tokens; %,d lines longer than max_seq_length %d were "
                    + "truncated%n", split, prepared.lines(), prepared.tokens(), prepared.longLines(), maxSeqLength);
            return prepared.dataset();
        }
        var prepared = LanguageModelingData.groupTexts(texts, column, tokenizer, maxSeqLength);
        err().printf(Locale.ROOT, "%s: %,d lines, %,d tokens -> %,d blocks of %d tokens (group_texts; %,d lines "
                        + "longer than a block continue into the next, none truncated)%n", split, prepared.lines(),
                prepared.tokens(), prepared.dataset().numRows(), maxSeqLength, prepared.longLines());
        return prepared.dataset();
    }

    /** The command line's error stream (stderr, or what a caller set), for the data summaries. */
    private java.io.PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private LoadOptions tableOptions() {
        LoadOptions o = LoadOptions.text(textColumn);
        for (var e : renames.entrySet()) {
            o = o.withRename(e.getKey(), e.getValue());
        }
        return o;
    }

    private static boolean isTable(String file) {
        String name = file.toLowerCase(Locale.ROOT);
        return name.endsWith(".tsv") || name.endsWith(".tab") || name.endsWith(".csv") || name.endsWith(".jsonl")
                || name.endsWith(".json") || name.endsWith(".ndjson") || name.endsWith(".parquet");
    }
}
