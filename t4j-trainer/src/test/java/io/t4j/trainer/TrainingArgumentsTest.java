package io.t4j.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.trainer.optim.SchedulerType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingArgumentsTest {

    @Test
    void defaultsAreHfs() {
        var a = TrainingArguments.builder("out").build();
        assertThat(a.evalStrategy()).isEqualTo(IntervalStrategy.NO);
        assertThat(a.loggingStrategy()).isEqualTo(IntervalStrategy.STEPS);
        assertThat(a.loggingSteps()).isEqualTo(500.0);
        assertThat(a.saveStrategy()).isEqualTo(IntervalStrategy.STEPS);
        assertThat(a.saveSteps()).isEqualTo(500.0);
        assertThat(a.saveTotalLimit()).isNull();
        assertThat(a.learningRate()).isEqualTo(5e-5);
        assertThat(a.weightDecay()).isEqualTo(0.0);
        assertThat(a.adamBeta1()).isEqualTo(0.9);
        assertThat(a.adamBeta2()).isEqualTo(0.999);
        assertThat(a.adamEpsilon()).isEqualTo(1e-8);
        assertThat(a.optim()).isEqualTo(OptimizerNames.ADAMW_TORCH);
        assertThat(a.lrSchedulerType()).isEqualTo(SchedulerType.LINEAR);
        assertThat(a.numTrainEpochs()).isEqualTo(3.0);
        assertThat(a.maxSteps()).isEqualTo(-1);
        assertThat(a.perDeviceTrainBatchSize()).isEqualTo(8);
        assertThat(a.perDeviceEvalBatchSize()).isEqualTo(8);
        assertThat(a.gradientAccumulationSteps()).isEqualTo(1);
        assertThat(a.maxGradNorm()).isEqualTo(1.0);
        assertThat(a.labelSmoothingFactor()).isEqualTo(0.0);
        assertThat(a.seed()).isEqualTo(42);
        assertThat(a.effectiveDataSeed()).isEqualTo(42);
        assertThat(a.bf16()).isFalse();
        assertThat(a.metricForBestModel()).isNull();
        assertThat(a.greaterIsBetter()).isNull();
        assertThat(a.labelNames()).as("HF's None: the model's own label names").isNull();
        assertThat(a.removeUnusedColumns()).isTrue();
    }

    @Test
    void loadsHfJsonWithOldNamesAndAliases(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("args.json");
        Files.writeString(f, """
                {"output_dir": "%s", "evaluation_strategy": "steps", "logging_steps": 50, "optim": "adamw_hf",
                 "learning_rate": 3e-5, "warmup_ratio": 0.06, "lr_scheduler_type": "cosine", "load_best_model_at_end": true,
                 "save_strategy": "steps", "save_steps": 100, "metric_for_best_model": "accuracy", "bf16": true,
                 "label_smoothing_factor": 0.1}
                """.formatted(dir.resolve("out")));
        var a = TrainingArguments.fromJson(f);
        assertThat(a.evalStrategy()).isEqualTo(IntervalStrategy.STEPS);
        assertThat(a.evalSteps()).isEqualTo(50.0); // defaults to logging_steps
        assertThat(a.optim()).isEqualTo(OptimizerNames.ADAMW_TORCH);
        assertThat(a.lrSchedulerType()).isEqualTo(SchedulerType.COSINE);
        assertThat(a.greaterIsBetter()).isTrue();
        assertThat(a.bf16()).isTrue();
        assertThat(a.labelSmoothingFactor()).isEqualTo(0.1);
        var again = TrainingArguments.JSON.readValue(a.toJson(), TrainingArguments.class);
        assertThat(again).isEqualTo(a);
        assertThat(a.toJson()).contains("\"eval_strategy\" : \"steps\"", "\"per_device_train_batch_size\" : 8");
    }

    @Test
    void unknownFieldsAndBadValuesAreNamed(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("args.json");
        Files.writeString(f, "{\"output_dir\": \"o\", \"fp16\": true}");
        assertThatThrownBy(() -> TrainingArguments.fromJson(f)).hasMessageContaining("unknown training argument 'fp16'")
                .hasMessageContaining("bf16");
        Files.writeString(f, "{\"output_dir\": \"o\", \"optim\": \"adafactor\"}");
        assertThatThrownBy(() -> TrainingArguments.fromJson(f)).hasMessageContaining("optim 'adafactor' is not supported");
        Files.writeString(f, "{\"output_dir\": \"o\", \"warmup_ratio\": 1.5}");
        assertThatThrownBy(() -> TrainingArguments.fromJson(f)).hasMessageContaining(f.toString())
                .hasMessageContaining("warmup_ratio must lie in range [0,1], got 1.5");
        assertThatThrownBy(() -> TrainingArguments.fromJson(dir.resolve("none.json"))).hasMessageContaining("no such file");
        Files.writeString(f, "{\"output_dir\": \"o\", \"learning_rate\": \"abc\"}");
        assertThatThrownBy(() -> TrainingArguments.fromJson(f)).hasMessage(f + ": learning_rate must be a number, got 'abc'");
        Files.writeString(f, "{\"output_dir\": \"o\", \"per_device_train_batch_size\": \"8.5\"}");
        assertThatThrownBy(() -> TrainingArguments.fromJson(f))
                .hasMessage(f + ": per_device_train_batch_size must be an integer, got '8.5'");
        Files.writeString(f, "{\"output_dir\": \"o\", \"num_train_epochs\": -1}");
        assertThatThrownBy(() -> TrainingArguments.fromJson(f))
                .hasMessage(f + ": num_train_epochs must be > 0 (or set max_steps), got -1.0");
        Files.writeString(f, "{\"output_dir\": \"o\", \"num_train_epochs\": -1, \"max_steps\": 10}");
        assertThat(TrainingArguments.fromJson(f).maxSteps()).as("max_steps overrides the epochs, as in HF").isEqualTo(10);
    }

    @Test
    void loadBestModelAtEndNeedsMatchingStrategies() {
        assertThatThrownBy(() -> TrainingArguments.builder("o").loadBestModelAtEnd(true)
                .evalStrategy(IntervalStrategy.EPOCH).saveStrategy(IntervalStrategy.STEPS).build())
                .hasMessageContaining("requires the save and eval strategy to match")
                .hasMessageContaining("Evaluation strategy: epoch").hasMessageContaining("Save strategy: steps");
        assertThatThrownBy(() -> TrainingArguments.builder("o").loadBestModelAtEnd(true)
                .evalStrategy(IntervalStrategy.STEPS).evalSteps(30.0).saveSteps(100.0).build())
                .hasMessageContaining("save_steps 100.0, which is not a round multiple of eval_steps 30.0");
        var ok = TrainingArguments.builder("o").loadBestModelAtEnd(true)
                .evalStrategy(IntervalStrategy.STEPS).evalSteps(25.0).saveSteps(100.0).build();
        assertThat(ok.metricForBestModel()).isEqualTo("loss");
        assertThat(ok.greaterIsBetter()).isFalse();
        assertThatThrownBy(() -> TrainingArguments.builder("o").loadBestModelAtEnd(true)
                .evalStrategy(IntervalStrategy.STEPS).evalSteps(0.1).saveSteps(100.0).build())
                .hasMessageContaining("mixing ratio and absolute steps");
    }

    @Test
    void stepCountsAndSizesAreChecked() {
        assertThatThrownBy(() -> TrainingArguments.builder("o").loggingSteps(12.5).build())
                .hasMessageContaining("logging_steps must be an integer if bigger than 1: 12.5");
        assertThatThrownBy(() -> TrainingArguments.builder("o").perDeviceTrainBatchSize(0).build())
                .hasMessageContaining("per_device_train_batch_size must be >= 1, got 0");
        assertThatThrownBy(() -> TrainingArguments.builder("o").evalStrategy(IntervalStrategy.STEPS).loggingSteps(0.0).build())
                .hasMessageContaining("requires either non-zero eval_steps or logging_steps");
        assertThatThrownBy(() -> TrainingArguments.builder(null).build()).hasMessageContaining("output_dir is required");
        assertThat(TrainingArguments.builder("o").labelNames(List.of("label")).build().labelNames()).containsExactly("label");
        assertThatThrownBy(() -> TrainingArguments.builder("o").labelSmoothingFactor(1.0).build())
                .hasMessageContaining("label_smoothing_factor must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> TrainingArguments.builder("o").labelSmoothingFactor(-0.1).build())
                .hasMessageContaining("label_smoothing_factor must be in [0, 1), got -0.1");
    }

    @Test
    void outputDirThatIsAFileIsRejected(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        assertThatThrownBy(() -> TrainingArguments.builder(file.toString()).build())
                .hasMessageContaining("output_dir '" + file + "' exists and is not a directory");
    }
}
