package io.t4j.trainer;

import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.trainer.metrics.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.global.torch;

/**
 * Native memory over a long run: a few thousand tiny Trainer steps (tiny BERT, batch 8, evaluation every 500
 * steps), printing the process RSS every 250 steps. With one PointerScope per step and per eval batch it must stay
 * flat. Not a test (no timing or memory assertion); see BENCHMARKS.md. Args: steps (default 3000).
 */
public final class RssBench {
    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        Path out = Files.createTempDirectory("t4j-rss");
        torch.manual_seed(1);
        var model = new BertForSequenceClassification(ToyData.config(0.1));
        var a = TrainingArguments.builder(out.toString()).maxSteps(steps).perDeviceTrainBatchSize(8).learningRate(1e-3)
                .evalStrategy(IntervalStrategy.STEPS).evalSteps(500.0).saveStrategy(IntervalStrategy.NO)
                .loggingSteps(250.0).disableTqdm(true).build();
        TrainerCallback rss = new TrainerCallback() {
            @Override
            public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
                if (state.globalStep() % 250 == 0) {
                    System.out.printf("step %5d  RSS %6.1f MB%n", state.globalStep(), rssMb());
                }
            }
        };
        System.out.printf("start      RSS %6.1f MB%n", rssMb());
        Trainer.builder(model, a).trainDataset(new ToyData(400, 1)).evalDataset(new ToyData(200, 2)).computeMetrics(Metrics.ACCURACY).callbacks(List.of(rss)).build().train();
        System.out.printf("end        RSS %6.1f MB%n", rssMb());
    }

    static double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Double.NaN;
    }
}
