package io.t4j.benchmarks;

import io.t4j.engine.nn.Module;
import io.t4j.models.ModelWithLoss;
import io.t4j.trainer.IntervalStrategy;
import io.t4j.trainer.Trainer;
import io.t4j.trainer.TrainingArguments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Runs the real {@link Trainer} for a fixed number of steps with nothing but training: no evaluation, saving,
 * logging or progress bar; one prefetch worker so batches are recorded in order (see {@link TokenCountingDataset}).
 */
public final class TrainerRunner {
    private TrainerRunner() {}

    /**
     * One Trainer run.
     *
     * @param bf16          TrainingArguments.bf16 (autocast to bf16 around the forward)
     * @param groupByLength TrainingArguments.group_by_length
     * @param batchSize     per_device_train_batch_size
     * @param steps         max_steps
     * @param seed          seed (also the data order)
     */
    public record Spec(boolean bf16, boolean groupByLength, int batchSize, int steps, int seed) {}

    /** Trains {@code model} for {@code spec.steps()} steps over {@code data}; returns the steps with their batches. */
    public static <M extends Module & ModelWithLoss> List<TrainSteps.Step> run(
            M model, TokenCountingDataset data, Spec spec, IntConsumer afterStep) {
        data.clear();
        StepTimer timer = new StepTimer(afterStep);
        Path out = tempDir();
        var trainer = Trainer.builder(model, arguments(spec, out)).trainDataset(data).callback(timer).build();
        try {
            trainer.train();
        } finally {
            if (trainer.optimizer() != null) {
                trainer.optimizer().close();
            }
        }
        return TrainSteps.combine(timer.begins(), timer.ends(), data.batches());
    }

    static TrainingArguments arguments(Spec spec, Path out) {
        return TrainingArguments.builder(out.toString()).maxSteps(spec.steps()).perDeviceTrainBatchSize(spec.batchSize())
                .learningRate(2e-5).bf16(spec.bf16()).groupByLength(spec.groupByLength()).dataloaderNumWorkers(1)
                .evalStrategy(IntervalStrategy.NO).saveStrategy(IntervalStrategy.NO).loggingStrategy(IntervalStrategy.NO)
                .disableTqdm(true).seed(spec.seed()).build();
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("t4j-bench-trainer");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary output_dir for the Trainer", e);
        }
    }
}
