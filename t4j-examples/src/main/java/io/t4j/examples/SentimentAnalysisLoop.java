package io.t4j.examples;

import io.t4j.cli.ExitCode;
import io.t4j.cli.T4j;
import io.t4j.cli.UserException;
import io.t4j.data.DataCollatorWithPadding;
import io.t4j.data.DataLoader;
import io.t4j.data.Dataset;
import io.t4j.data.LoadDataset;
import io.t4j.data.LoadOptions;
import io.t4j.engine.nn.CrossEntropyLoss;
import io.t4j.engine.nn.Init;
import io.t4j.engine.nn.Linear;
import io.t4j.engine.nn.Module;
import io.t4j.models.bert.BertModeling.BertModel;
import io.t4j.models.onnx.DefaultModels;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.models.ModelInputs;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.trainer.ProgressBar;
import io.t4j.trainer.optim.AdamW;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The seed notebook's plain PyTorch loop ({@code SentimentAnalysisModel}), written with t4j: a custom head over a
 * pre-trained encoder's {@code pooler_output}, AdamW, cross-entropy, and a tqdm-style bar with loss and validation
 * accuracy. Run it with {@code ./t4j example-loop [--freeze] [--epochs N] [train.tsv validation.tsv]}.
 */
@Command(name = "t4j example-loop", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The seed notebook's plain PyTorch loop written with t4j: a custom Linear head over bge-small's "
                + "pooler_output, AdamW, cross-entropy, validation accuracy per epoch.")
public final class SentimentAnalysisLoop implements Callable<Integer> {

    /** {@code class SentimentAnalysisModel(nn.Module)}: the base model plus {@code Linear(hidden, 2)}. */
    static final class SentimentAnalysisModel extends Module {
        final BertModel base;
        final Linear classifier;

        SentimentAnalysisModel(BertModel base, boolean freezeBase) {
            this.base = register("base", base);
            this.classifier = register("classifier", new Linear(base.hiddenSize(), 2));
            Init.xavierUniform(classifier.weight);   // nn.init.xavier_uniform_(self.classifier.weight)
            Init.zeros(classifier.bias);             // nn.init.zeros_(self.classifier.bias)
            if (freezeBase) {
                base.requiresGrad(false);            // for p in self.base.parameters(): p.requires_grad = False
            }
        }

        /** logits = self.classifier(self.base(input_ids, attention_mask).pooler_output) */
        Tensor forward(ModelInputs batch) {
            return classifier.forward(base.forward(batch).poolerOutput());
        }
    }

    @Option(names = "--freeze", description = "Freeze the base model and train only the head (requires_grad = False).")
    boolean freeze;

    @Option(names = "--epochs", defaultValue = "2", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Parameters(index = "0", arity = "0..1", paramLabel = "TRAIN_FILE",
            description = "Training data (TSV, CSV, JSONL or Parquet with sentence and label columns; default: the demo reviews).")
    String trainFile;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VALIDATION_FILE",
            description = "Validation data (default: the demo's validation reviews).")
    String validationFile;

    /** The command line: bad options exit 2, bad files 3, each with a one-line message (as every t4j command). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SentimentAnalysisLoop());
        cl.setExecutionExceptionHandler(T4j::handle);
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    @Override
    public Integer call() {
        if (epochs < 1) {
            throw new UserException(ExitCode.USAGE, "--epochs must be at least 1, got " + epochs);
        }
        Path checkpoint = DefaultModels.bgeSmallEnV15();
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(checkpoint)) {
            // dataset = load_dataset(...); dataset.map(tokenize, batched=True)
            LoadOptions columns = LoadOptions.textClassification("sentence", "label").withRename("content", "sentence");
            Dataset train = LoadDataset.fromFiles(trainFile != null ? trainFile : DemoData.train().toString(), columns)
                    .tokenize(tokenizer, "sentence", EncodeOptions.defaults().withMaxLength(128));
            Dataset validation = LoadDataset.fromFiles(validationFile != null ? validationFile : DemoData.validation().toString(), columns)
                    .tokenize(tokenizer, "sentence", EncodeOptions.defaults().withMaxLength(128));
            var collator = new DataCollatorWithPadding(tokenizer);
            var trainLoader = new DataLoader(train, 32, true, 42, false, collator);
            var validationLoader = new DataLoader(validation, 64, false, 0, false, collator);

            torch.manual_seed(42);
            var model = new SentimentAnalysisModel(BertModel.fromPretrained(checkpoint), freeze);
            var optimizer = new AdamW(model.parameters(), 5e-5, 0.01);
            var lossFn = new CrossEntropyLoss();
            System.out.printf("SentimentAnalysisModel: %,d parameters, %,d trainable (base %s)%n",
                    model.numParameters(), trainableParameters(model), freeze ? "frozen" : "trainable");

            for (int epoch = 0; epoch < epochs; epoch++) {
                model.train();
                long stepNanos = 0;
                try (ProgressBar bar = new ProgressBar("epoch " + (epoch + 1), trainLoader.numBatches());
                     DataLoader.Batches batches = trainLoader.epoch(epoch)) {
                    while (batches.hasNext()) {
                        long t0 = System.nanoTime();
                        try (PointerScope step = new PointerScope()) {   // the batch and every tensor of this step are freed at its end
                            ModelInputs batch = batches.next();
                            optimizer.zeroGrad();
                            Tensor logits = model.forward(batch);
                            Tensor loss = lossFn.forward(logits, batch.labels());
                            loss.backward();
                            optimizer.step();
                            bar.postfix("loss", loss.item_double());
                        }
                        stepNanos += System.nanoTime() - t0;
                        bar.update(1);
                    }
                    double accuracy = evaluate(model, validationLoader);
                    bar.postfix("val_accuracy", accuracy);
                    bar.write(String.format("epoch %d: validation accuracy %.4f, mean step %.0f ms", epoch + 1, accuracy,
                            stepNanos / 1e6 / trainLoader.numBatches()));
                }
            }
            optimizer.close();
        }
        return ExitCode.OK;
    }

    /** model.eval(); with torch.no_grad(): accuracy over the loader. */
    static double evaluate(SentimentAnalysisModel model, DataLoader loader) {
        model.eval();
        long correct = 0;
        long total = 0;
        try (DataLoader.Batches batches = loader.epoch(0)) {
            while (batches.hasNext()) {
                try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                    ModelInputs batch = batches.next();
                    Tensor predictions = model.forward(batch).argmax(new org.bytedeco.pytorch.LongOptional(-1), false);
                    correct += predictions.eq(batch.labels()).sum().item_long();
                    total += batch.labels().size(0);
                }
            }
        }
        return (double) correct / total;
    }

    static long trainableParameters(Module model) {
        return model.namedParameters().values().stream().filter(p -> p.requiresGrad()).mapToLong(p -> p.numel()).sum();
    }

    private SentimentAnalysisLoop() {}
}
