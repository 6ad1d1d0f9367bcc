package io.t4j.trainer.bench;

import io.t4j.data.Dataset;
import io.t4j.data.DatasetDict;
import io.t4j.data.LoadDataset;
import io.t4j.data.LoadOptions;
import io.t4j.engine.Engine;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.models.onnx.DefaultModels;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.trainer.IntervalStrategy;
import io.t4j.trainer.Trainer;
import io.t4j.trainer.TrainingArguments;
import io.t4j.trainer.metrics.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Fine-tunes the embedded bge-small-en-v1.5 on GLUE SST-2 with the Trainer and evaluates on dev (the proof).
 * Args: {@code sst2Dir outputDir [trainRows|all] [epochs] [bf16 true|false] [maxLength]}; HF-style hyperparameters:
 * lr 5e-5, warmup 6%, batch 32, weight decay 0.01, group_by_length. See BENCHMARKS.md.
 */
public final class Sst2FineTune {
    public static void main(String[] args) throws Exception {
        Engine.init();
        Path sst2 = Path.of(args.length > 0 ? args[0] : "../shared/data/sst2");
        Path out = Path.of(args.length > 1 ? args[1] : Files.createTempDirectory("t4j-sst2").toString());
        String rows = args.length > 2 ? args[2] : "all";
        double epochs = args.length > 3 ? Double.parseDouble(args[3]) : 2.0;
        boolean bf16 = args.length <= 4 || Boolean.parseBoolean(args[4]);
        int maxLength = args.length > 5 ? Integer.parseInt(args[5]) : 128;

        Path model = DefaultModels.bgeSmallEnV15();
        var tokenizer = AutoTokenizer.fromPretrained(model);
        DatasetDict data = LoadDataset.fromFiles(Map.of("train", sst2.resolve("train.tsv").toString(),
                        "validation", sst2.resolve("dev.tsv").toString()),
                LoadOptions.textClassification("sentence", "label").withRename("content", "sentence")
                        .withLabelNames("negative", "positive"));
        EncodeOptions encode = EncodeOptions.defaults().withTruncation(true).withMaxLength(maxLength);
        Dataset train = data.get("train").shuffle(42);
        if (!rows.equals("all")) {
            train = train.take(Integer.parseInt(rows));
        }
        train = train.tokenize(tokenizer, "sentence", encode);
        Dataset dev = data.get("validation").tokenize(tokenizer, "sentence", encode);

        var classifier = BertForSequenceClassification.fromPretrained(model, PretrainedOptions.defaults()
                .withId2label(Map.of(0, "negative", 1, "positive")));
        var trainingArgs = TrainingArguments.builder(out.toString()).numTrainEpochs(epochs).learningRate(5e-5)
                .warmupRatio(0.06).weightDecay(0.01).perDeviceTrainBatchSize(32).perDeviceEvalBatchSize(64)
                .evalStrategy(IntervalStrategy.EPOCH).saveStrategy(IntervalStrategy.EPOCH).saveTotalLimit(1)
                .loggingSteps(100.0).bf16(bf16).groupByLength(true).dataloaderNumWorkers(1).build();
        long t0 = System.nanoTime();
        var trainer = Trainer.builder(classifier, trainingArgs).trainDataset(train).evalDataset(dev).processingClass(tokenizer).computeMetrics(Metrics.ACCURACY).build();
        var result = trainer.train();
        var eval = trainer.evaluate();
        System.out.printf("train rows %d, epochs %.1f, bf16 %s: wall %.1f s, %s%n", train.numRows(), epochs, bf16,
                (System.nanoTime() - t0) / 1e9, result.metrics());
        System.out.printf("dev: %s; peak RSS %.0f MB%n", eval, GradientCheckpointingBench.status("VmHWM:"));
    }
}
