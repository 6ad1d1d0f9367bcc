package io.t4j.cli.commands;

import io.t4j.cli.ClassificationSetup;
import io.t4j.cli.ExitCode;
import io.t4j.data.Dataset;
import io.t4j.data.LoadDataset;
import io.t4j.data.LoadOptions;
import io.t4j.models.SequenceClassificationModel;
import io.t4j.models.onnx.DefaultModels;
import io.t4j.pipelines.ClassificationResult;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.TextClassificationPipeline;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.trainer.IntervalStrategy;
import io.t4j.trainer.Trainer;
import io.t4j.trainer.TrainingArguments;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code t4j demo}: the whole workflow on the embedded default, offline: bge-small-en-v1.5 (imported from its Maven
 * Central artifact) fine-tuned by the Trainer on the project's own small review dataset, evaluated, saved, and then
 * used through a text-classification pipeline.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Fine-tune the embedded default model (bge-small-en-v1.5) on a small review dataset, evaluate it, "
                + "and classify a few sentences. No network needed beyond the Maven build.")
public final class DemoCommand implements Callable<Integer> {
    static final List<String> EXAMPLES = List.of(
            "This movie was the worst movie I have ever seen.",
            "A warm, funny and beautifully acted film.",
            "The battery died after two days and support never answered.",
            "hide new secretions from the parental units");

    @Option(names = "--output_dir", defaultValue = "runs/demo", description = "Where the fine-tuned model goes (default: ${DEFAULT-VALUE}).")
    Path outputDir;

    @Option(names = "--num_train_epochs", defaultValue = "3", description = "Epochs (default: ${DEFAULT-VALUE}).")
    double epochs;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        io.t4j.trainer.Checkpoints.requireWritable(outputDir); // before the model loads, not when the model is saved
        Path model = DefaultModels.bgeSmallEnV15();
        Path data = extractDemoData();
        System.out.println("Model: bge-small-en-v1.5 (BERT, 12 layers, H384) from " + model);
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(model)) {
            LoadOptions options = LoadOptions.textClassification("sentence", "label").withLabelNames("negative", "positive");
            EncodeOptions encode = EncodeOptions.defaults().withMaxLength(64);
            Dataset train = LoadDataset.fromFiles(data.resolve("train.tsv").toString(), options).tokenize(tokenizer, "sentence", encode);
            Dataset eval = LoadDataset.fromFiles(data.resolve("validation.tsv").toString(), options).tokenize(tokenizer, "sentence", encode);
            System.out.printf("Data: %d training and %d validation reviews, labels [negative, positive]%n%n",
                    train.numRows(), eval.numRows());

            TrainingArguments args = TrainingArguments.builder(outputDir.toString())
                    .numTrainEpochs(epochs).learningRate(5e-5).perDeviceTrainBatchSize(16).perDeviceEvalBatchSize(64)
                    .warmupRatio(0.1).weightDecay(0.01).evalStrategy(IntervalStrategy.EPOCH)
                    .loggingStrategy(IntervalStrategy.STEPS).loggingSteps(10.0).saveStrategy(IntervalStrategy.NO)
                    .groupByLength(true).bf16(io.t4j.engine.Cpu.current().nativeBf16()).seed(42).build();
            Trainer.setSeed(args.seed()); // before the model, so the new head is the same in every run
            SequenceClassificationModel<?> clf = ClassificationSetup.modelFor(model, List.of("negative", "positive"));
            var trainer = Trainer.builder(clf, args).trainDataset(train).evalDataset(eval).processingClass(tokenizer)
                    .computeMetrics(ClassificationSetup.computeMetrics(2)).build();
            trainer.train();
            // the last epoch's evaluation is of the final model (and already printed): reuse it rather than
            // evaluating and printing the same dict a second time
            Map<String, Double> metrics = trainer.state().logHistory().reversed().stream()
                    .filter(e -> e.get("eval_accuracy") != null && e.step() == trainer.state().globalStep()).findFirst().map(e -> e.values())
                    .orElseGet(trainer::evaluate);
            trainer.saveModel(outputDir);
            System.out.printf(Locale.ROOT, "%nValidation: accuracy %.4f, F1 %.4f (loss %.4f); model saved to %s%n%n",
                    metrics.get("eval_accuracy"), metrics.get("eval_f1"), metrics.get("eval_loss"), outputDir.toAbsolutePath());

            TextClassificationPipeline classifier = Pipeline.textClassification(clf, tokenizer);
            List<List<ClassificationResult>> results = classifier.apply(EXAMPLES, io.t4j.pipelines.TextClassificationOptions.defaults());
            System.out.println("pipeline(\"text-classification\"):");
            for (int i = 0; i < EXAMPLES.size(); i++) {
                ClassificationResult r = results.get(i).get(0);
                System.out.printf(Locale.ROOT, "  %-62s -> %-8s %.3f%n", '"' + EXAMPLES.get(i) + '"', r.label(), r.score());
            }
        }
        System.out.printf(Locale.ROOT, "%nDemo finished in %.0f s.%n", (System.nanoTime() - start) / 1e9);
        return ExitCode.OK;
    }

    /** Copies the demo TSVs out of the jar (once) so the dataset loader reads them like user files. */
    private static Path extractDemoData() {
        try {
            Path dir = Files.createTempDirectory("t4j-demo-data");
            for (String name : List.of("train.tsv", "validation.tsv")) {
                try (InputStream in = DemoCommand.class.getResourceAsStream("/io/t4j/cli/demo/" + name)) {
                    if (in == null) {
                        throw new IllegalStateException("the demo dataset " + name + " is missing from the t4j-cli jar");
                    }
                    Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
                dir.resolve(name).toFile().deleteOnExit();
            }
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the demo dataset: " + e.getMessage(), e);
        }
    }
}
