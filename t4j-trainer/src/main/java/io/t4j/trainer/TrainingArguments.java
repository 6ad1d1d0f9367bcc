package io.t4j.trainer;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.t4j.models.ModelInputs;
import io.t4j.trainer.optim.SchedulerType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * HF's {@code TrainingArguments} (training_args.py): the fields t4j's {@link Trainer} supports, with HF's names
 * (snake_case in JSON), defaults and {@code __post_init__} checks. Build one in Java with {@link #builder(String)},
 * or load a JSON file of HF field names with {@link #fromJson(Path)}; unknown fields are an error, as in
 * {@code HfArgumentParser.parse_json_file}.
 *
 * <p>Derived defaults, as HF: {@code eval_steps} = {@code logging_steps} when evaluating by steps;
 * {@code metric_for_best_model} = {@code loss} with {@code load_best_model_at_end}; {@code greater_is_better} =
 * whether that metric does not end in "loss"; {@code evaluation_strategy} is the older name of
 * {@code eval_strategy}; {@code adamw_hf} is an alias of {@code adamw_torch}.
 *
 * @param outputDir {@code output_dir}: Where checkpoints and the final model go. Required.
 * @param evalStrategy {@code eval_strategy}: When to evaluate: no, steps or epoch. JSON also accepts the older name {@code evaluation_strategy}.
 * @param evalSteps {@code eval_steps}: Evaluate every this many steps (a ratio of max_steps if below 1); defaults to logging_steps.
 * @param evalOnStart {@code eval_on_start}: Evaluate once before the first step (a sanity check).
 * @param evalDelay {@code eval_delay}: Epochs or steps (as eval_strategy counts) to wait before the first evaluation; default 0.
 * @param loggingStrategy {@code logging_strategy}: When to log the training loss: no, steps or epoch.
 * @param loggingSteps {@code logging_steps}: Log every this many steps (a ratio of max_steps if below 1).
 * @param loggingFirstStep {@code logging_first_step}: Also log after the first step.
 * @param saveStrategy {@code save_strategy}: When to write a checkpoint: no, steps or epoch.
 * @param saveSteps {@code save_steps}: Save every this many steps (a ratio of max_steps if below 1).
 * @param saveTotalLimit {@code save_total_limit}: Keep at most this many checkpoints (the best one is always kept); null keeps all.
 * @param learningRate {@code learning_rate}: AdamW's initial learning rate.
 * @param weightDecay {@code weight_decay}: AdamW's decoupled weight decay (not applied to biases and LayerNorm weights).
 * @param adamBeta1 {@code adam_beta1}: AdamW's beta1.
 * @param adamBeta2 {@code adam_beta2}: AdamW's beta2.
 * @param adamEpsilon {@code adam_epsilon}: AdamW's epsilon.
 * @param optim {@code optim}: The optimizer: adamw_torch (adamw_hf is accepted as its alias).
 * @param lrSchedulerType {@code lr_scheduler_type}: linear, cosine, constant or constant_with_warmup.
 * @param warmupRatio {@code warmup_ratio}: Linear warmup over this fraction of the training steps.
 * @param warmupSteps {@code warmup_steps}: Linear warmup over this many steps (overrides warmup_ratio).
 * @param numTrainEpochs {@code num_train_epochs}: Epochs to train (may be fractional); ignored when max_steps is positive.
 * @param maxSteps {@code max_steps}: If positive, the number of optimizer steps to take, overriding num_train_epochs.
 * @param perDeviceTrainBatchSize {@code per_device_train_batch_size}: Training batch size.
 * @param perDeviceEvalBatchSize {@code per_device_eval_batch_size}: Evaluation batch size.
 * @param gradientAccumulationSteps {@code gradient_accumulation_steps}: Batches whose gradients are summed before each optimizer step.
 * @param maxGradNorm {@code max_grad_norm}: Gradient clipping norm (0 or null disables clipping).
 * @param labelSmoothingFactor {@code label_smoothing_factor}: Label smoothing epsilon (0 = none): the loss of a batch
 *        with {@code labels} becomes {@code (1 - eps) * cross_entropy + eps * mean over classes of -log p} (HF's
 *        {@code LabelSmoother}), in training and evaluation; needs class-index labels.
 * @param seed {@code seed}: Seed set at the start of training (torch.manual_seed) and, unless data_seed is set, of the data order.
 * @param dataSeed {@code data_seed}: Seed of the data order; defaults to seed.
 * @param bf16 {@code bf16}: bf16 mixed precision (CPU autocast).
 * @param gradientCheckpointing {@code gradient_checkpointing}: Recompute activations in backward to save memory.
 * @param autoFindBatchSize {@code auto_find_batch_size}: Halve the batch size and retry when a step runs out of memory.
 * @param groupByLength {@code group_by_length}: Batch examples of similar length together (HF's LengthGroupedSampler).
 * @param dataloaderNumWorkers {@code dataloader_num_workers}: Threads preparing batches ahead of the training loop (0 = on the loop's thread).
 * @param useCpu {@code use_cpu}: Train on the CPU; t4j always does, so both values behave alike.
 * @param loadBestModelAtEnd {@code load_best_model_at_end}: Load the best checkpoint (by metric_for_best_model) when training ends.
 * @param metricForBestModel {@code metric_for_best_model}: The metric that picks the best checkpoint; defaults to loss when load_best_model_at_end.
 * @param greaterIsBetter {@code greater_is_better}: Whether a larger metric is better; defaults to false for metrics ending in loss, else true.
 * @param labelNames {@code label_names}: The batch keys holding the labels, gathered for compute_metrics; defaults
 *                   to the model's own (labels; start_positions and end_positions for question answering).
 * @param removeUnusedColumns {@code remove_unused_columns}: Drop dataset columns the model does not take. The
 *                   collator only ever reads the model's columns, so false behaves as true.
 * @param resumeFromCheckpoint {@code resume_from_checkpoint}: A checkpoint folder to resume from (read by scripts and the CLI, as in HF).
 * @param disableTqdm {@code disable_tqdm}: Turn off the progress bar (periodic log lines are still printed).
 * @param predictionLossOnly {@code prediction_loss_only}: Evaluation and prediction return only the loss (no logits gathered).
 * @param dataloaderDropLast {@code dataloader_drop_last}: Drop the last incomplete training batch (with several ranks: the rows that do not divide among them).
 * @param localRank {@code local_rank}: This process's rank on its node for data-parallel training; -1 (default) reads LOCAL_RANK from the environment, as torchrun sets it.
 * @param ddpBackend {@code ddp_backend}: The collective backend; only gloo (t4j trains on the CPU).
 * @param ddpBucketCapMb {@code ddp_bucket_cap_mb}: Gradient bucket size in MB for the allreduce (DDP's default 25).
 * @param ddpFindUnusedParameters {@code ddp_find_unused_parameters}: Let parameters without a gradient in a step finish their bucket; defaults to true unless gradient_checkpointing, as HF.
 * @param ddpTimeout {@code ddp_timeout}: Seconds any collective (and the rendezvous) may wait for the other ranks before the job fails.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TrainingArguments(
        String outputDir,
        @JsonAlias("evaluation_strategy") IntervalStrategy evalStrategy,
        Double evalSteps,
        Boolean evalOnStart,
        Double evalDelay,
        IntervalStrategy loggingStrategy,
        Double loggingSteps,
        Boolean loggingFirstStep,
        IntervalStrategy saveStrategy,
        Double saveSteps,
        Integer saveTotalLimit,
        Double learningRate,
        Double weightDecay,
        Double adamBeta1,
        Double adamBeta2,
        Double adamEpsilon,
        OptimizerNames optim,
        SchedulerType lrSchedulerType,
        Double warmupRatio,
        Integer warmupSteps,
        Double numTrainEpochs,
        Integer maxSteps,
        Integer perDeviceTrainBatchSize,
        Integer perDeviceEvalBatchSize,
        Integer gradientAccumulationSteps,
        Double maxGradNorm,
        Double labelSmoothingFactor,
        Integer seed,
        Integer dataSeed,
        Boolean bf16,
        Boolean gradientCheckpointing,
        Boolean autoFindBatchSize,
        Boolean groupByLength,
        Integer dataloaderNumWorkers,
        Boolean useCpu,
        Boolean loadBestModelAtEnd,
        String metricForBestModel,
        Boolean greaterIsBetter,
        List<String> labelNames,
        Boolean removeUnusedColumns,
        String resumeFromCheckpoint,
        Boolean disableTqdm,
        Boolean predictionLossOnly,
        Boolean dataloaderDropLast,
        Integer localRank,
        String ddpBackend,
        Integer ddpBucketCapMb,
        Boolean ddpFindUnusedParameters,
        Integer ddpTimeout) {

    /** snake_case, strict: unknown fields fail. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public TrainingArguments {
        evalStrategy = evalStrategy != null ? evalStrategy : IntervalStrategy.NO;
        evalOnStart = evalOnStart != null ? evalOnStart : false;
        evalDelay = evalDelay != null ? evalDelay : 0.0;
        loggingStrategy = loggingStrategy != null ? loggingStrategy : IntervalStrategy.STEPS;
        loggingSteps = loggingSteps != null ? loggingSteps : 500.0;
        loggingFirstStep = loggingFirstStep != null ? loggingFirstStep : false;
        saveStrategy = saveStrategy != null ? saveStrategy : IntervalStrategy.STEPS;
        saveSteps = saveSteps != null ? saveSteps : 500.0;
        learningRate = learningRate != null ? learningRate : 5e-5;
        weightDecay = weightDecay != null ? weightDecay : 0.0;
        adamBeta1 = adamBeta1 != null ? adamBeta1 : 0.9;
        adamBeta2 = adamBeta2 != null ? adamBeta2 : 0.999;
        adamEpsilon = adamEpsilon != null ? adamEpsilon : 1e-8;
        optim = optim != null ? optim : OptimizerNames.ADAMW_TORCH;
        lrSchedulerType = lrSchedulerType != null ? lrSchedulerType : SchedulerType.LINEAR;
        warmupRatio = warmupRatio != null ? warmupRatio : 0.0;
        warmupSteps = warmupSteps != null ? warmupSteps : 0;
        numTrainEpochs = numTrainEpochs != null ? numTrainEpochs : 3.0;
        maxSteps = maxSteps != null ? maxSteps : -1;
        perDeviceTrainBatchSize = perDeviceTrainBatchSize != null ? perDeviceTrainBatchSize : 8;
        perDeviceEvalBatchSize = perDeviceEvalBatchSize != null ? perDeviceEvalBatchSize : 8;
        gradientAccumulationSteps = gradientAccumulationSteps != null ? gradientAccumulationSteps : 1;
        maxGradNorm = maxGradNorm != null ? maxGradNorm : 1.0;
        labelSmoothingFactor = labelSmoothingFactor != null ? labelSmoothingFactor : 0.0;
        LabelSmoother.checkFactor(labelSmoothingFactor);
        seed = seed != null ? seed : 42;
        bf16 = bf16 != null ? bf16 : false;
        gradientCheckpointing = gradientCheckpointing != null ? gradientCheckpointing : false;
        autoFindBatchSize = autoFindBatchSize != null ? autoFindBatchSize : false;
        groupByLength = groupByLength != null ? groupByLength : false;
        dataloaderNumWorkers = dataloaderNumWorkers != null ? dataloaderNumWorkers : 0;
        useCpu = useCpu != null ? useCpu : false;
        loadBestModelAtEnd = loadBestModelAtEnd != null ? loadBestModelAtEnd : false;
        removeUnusedColumns = removeUnusedColumns != null ? removeUnusedColumns : true;
        disableTqdm = disableTqdm != null ? disableTqdm : false;
        predictionLossOnly = predictionLossOnly != null ? predictionLossOnly : false;
        dataloaderDropLast = dataloaderDropLast != null ? dataloaderDropLast : false;
        localRank = localRank != null ? localRank : -1;
        ddpBucketCapMb = ddpBucketCapMb != null ? ddpBucketCapMb : 25;
        ddpTimeout = ddpTimeout != null ? ddpTimeout : 1800;
        checkPositive("ddp_bucket_cap_mb", ddpBucketCapMb);
        checkPositive("ddp_timeout", ddpTimeout);
        if (localRank < -1) {
            throw new IllegalArgumentException("local_rank must be -1 (not distributed) or a rank >= 0, got " + localRank);
        }
        if (outputDir == null || outputDir.isBlank()) {
            throw new IllegalArgumentException("output_dir is required (the folder for checkpoints and the final model)");
        }
        if (maxSteps <= 0 && !(numTrainEpochs > 0)) {
            throw new IllegalArgumentException("num_train_epochs must be > 0 (or set max_steps), got " + numTrainEpochs);
        }
        checkPositive("per_device_train_batch_size", perDeviceTrainBatchSize);
        checkPositive("per_device_eval_batch_size", perDeviceEvalBatchSize);
        checkPositive("gradient_accumulation_steps", gradientAccumulationSteps);
        if (dataloaderNumWorkers < 0) {
            throw new IllegalArgumentException("dataloader_num_workers must be >= 0, got " + dataloaderNumWorkers);
        }
        if (learningRate < 0) {
            throw new IllegalArgumentException("learning_rate must be >= 0, got " + learningRate);
        }
        if (warmupRatio < 0 || warmupRatio > 1) {
            throw new IllegalArgumentException("warmup_ratio must lie in range [0,1], got " + warmupRatio);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmup_steps must be >= 0, got " + warmupSteps);
        }
        if (!(evalDelay >= 0)) {
            throw new IllegalArgumentException("eval_delay must be >= 0, got " + evalDelay);
        }
        if (saveTotalLimit != null && saveTotalLimit < 1) {
            throw new IllegalArgumentException("save_total_limit must be >= 1 or null (keep all), got " + saveTotalLimit);
        }
        if (evalStrategy == IntervalStrategy.STEPS && (evalSteps == null || evalSteps == 0)) {
            if (loggingSteps <= 0) {
                throw new IllegalArgumentException("evaluation strategy steps requires either non-zero eval_steps or logging_steps");
            }
            evalSteps = loggingSteps;
        }
        if (loggingStrategy == IntervalStrategy.STEPS && loggingSteps == 0) {
            throw new IllegalArgumentException("logging strategy steps requires non-zero logging_steps");
        }
        checkSteps("logging_steps", loggingSteps);
        checkSteps("eval_steps", evalSteps);
        checkSteps("save_steps", saveSteps);
        if (loadBestModelAtEnd) {
            checkBestModelStrategies(evalStrategy, saveStrategy, evalSteps, saveSteps);
            if (metricForBestModel == null) {
                metricForBestModel = "loss";
            }
        }
        if (greaterIsBetter == null && metricForBestModel != null) {
            greaterIsBetter = !metricForBestModel.endsWith("loss");
        }
        labelNames = labelNames == null ? null : List.copyOf(labelNames);
        if (labelNames != null) {
            for (String name : labelNames) {
                if (!ModelInputs.isLabelName(name)) {
                    throw new IllegalArgumentException("label_names: unknown label '" + name + "' (known: "
                            + ModelInputs.LABEL_NAMES + ")");
                }
            }
        }
        if (Files.exists(Path.of(outputDir)) && !Files.isDirectory(Path.of(outputDir))) {
            throw new IllegalArgumentException("output_dir '" + outputDir + "' exists and is not a directory");
        }
    }

    /** HF's rule: the best model can only be loaded if a checkpoint is written at every evaluation. */
    private static void checkBestModelStrategies(IntervalStrategy eval, IntervalStrategy save, Double evalSteps, Double saveSteps) {
        if (eval != save) {
            throw new IllegalArgumentException("load_best_model_at_end requires the save and eval strategy to match, but found\n"
                    + "- Evaluation strategy: " + eval.value() + "\n- Save strategy: " + save.value());
        }
        if (eval == IntervalStrategy.STEPS) {
            boolean ratio = evalSteps < 1 || saveSteps < 1;
            if (ratio && !(evalSteps < 1 && saveSteps < 1)) {
                throw new IllegalArgumentException("load_best_model_at_end requires the saving steps to be a multiple of the "
                        + "evaluation steps, which cannot get guaranteed when mixing ratio and absolute steps for save_steps "
                        + saveSteps + " and eval_steps " + evalSteps);
            }
            long scale = ratio ? 1_000_000L : 1L;
            if (Math.round(saveSteps * scale) % Math.round(evalSteps * scale) != 0) {
                throw new IllegalArgumentException("load_best_model_at_end requires the saving steps to be a round multiple of "
                        + "the evaluation steps, but found save_steps " + saveSteps + ", which is not a round multiple of "
                        + "eval_steps " + evalSteps);
            }
        }
    }

    private static void checkPositive(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be >= 1, got " + value);
        }
    }

    private static void checkSteps(String field, Double value) {
        if (value == null) {
            return;
        }
        if (value < 0) {
            throw new IllegalArgumentException(field + " must be >= 0, got " + value);
        }
        if (value > 1 && value != Math.rint(value)) {
            throw new IllegalArgumentException(field + " must be an integer if bigger than 1: " + value);
        }
    }

    /** The training batch size ({@code train_batch_size}: per device, one device). */
    public int trainBatchSize() {
        return perDeviceTrainBatchSize;
    }

    public int evalBatchSize() {
        return perDeviceEvalBatchSize;
    }

    /** The data-order seed: {@code data_seed}, else {@code seed}. */
    public int effectiveDataSeed() {
        return dataSeed != null ? dataSeed : seed;
    }

    /** Reads HF training-arguments JSON ({@code output_dir}, {@code eval_strategy}, ...). */
    public static TrainingArguments fromJson(Path file) {
        com.fasterxml.jackson.databind.JsonNode tree;
        try {
            tree = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + (Files.exists(file) ? ": invalid training arguments: "
                    + e.getMessage() : ": no such file"), e);
        }
        return fromJson(tree, file.toString());
    }

    /**
     * Training arguments from a JSON object ({@code {"output_dir": ..., "learning_rate": 3e-5}}); {@code source}
     * names where it came from in error messages. Values may be JSON strings ("3e-5", "true"), as a command line gives.
     */
    public static TrainingArguments fromJson(com.fasterxml.jackson.databind.JsonNode tree, String source) {
        try {
            return JSON.treeToValue(tree, TrainingArguments.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(source + ": unknown training argument '" + e.getPropertyName()
                    + "' (t4j supports: " + String.join(", ", supportedFields()) + ")", e);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException(source + ": " + cause.getMessage(), cause);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "?" : e.getPath().getFirst().getFieldName();
            JsonNode value = field == null ? null : tree.get(field);
            throw new IllegalArgumentException(source + ": " + field + " must be " + expected(e.getTargetType())
                    + ", got " + (value == null ? "?" : value.isTextual() ? "'" + value.asText() + "'" : value.toString()), e);
        } catch (IOException e) {
            String m = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new IllegalArgumentException(source + ": invalid training arguments: " + m, e);
        }
    }

    /** What a field of {@code type} takes, for "--learning_rate abc"-style errors. */
    private static String expected(Class<?> type) {
        if (type == null) {
            return "a valid value";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        return "a " + type.getSimpleName();
    }

    /** These arguments as HF-named JSON (what {@code training_args.json} in a checkpoint holds). */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** HF's JSON field names of every supported argument. */
    public static List<String> supportedFields() {
        return java.util.Arrays.stream(TrainingArguments.class.getRecordComponents())
                .map(c -> PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(c.getName())).toList();
    }

    /** A builder with HF's defaults. */
    public static Builder builder(String outputDir) {
        return new Builder().outputDir(outputDir);
    }

    /** A builder starting from these arguments. */
    public Builder toBuilder() {
        Builder b = new Builder();
            b.outputDir = outputDir;
            b.evalStrategy = evalStrategy;
            b.evalSteps = evalSteps;
            b.evalOnStart = evalOnStart;
            b.evalDelay = evalDelay;
            b.loggingStrategy = loggingStrategy;
            b.loggingSteps = loggingSteps;
            b.loggingFirstStep = loggingFirstStep;
            b.saveStrategy = saveStrategy;
            b.saveSteps = saveSteps;
            b.saveTotalLimit = saveTotalLimit;
            b.learningRate = learningRate;
            b.weightDecay = weightDecay;
            b.adamBeta1 = adamBeta1;
            b.adamBeta2 = adamBeta2;
            b.adamEpsilon = adamEpsilon;
            b.optim = optim;
            b.lrSchedulerType = lrSchedulerType;
            b.warmupRatio = warmupRatio;
            b.warmupSteps = warmupSteps;
            b.numTrainEpochs = numTrainEpochs;
            b.maxSteps = maxSteps;
            b.perDeviceTrainBatchSize = perDeviceTrainBatchSize;
            b.perDeviceEvalBatchSize = perDeviceEvalBatchSize;
            b.gradientAccumulationSteps = gradientAccumulationSteps;
            b.maxGradNorm = maxGradNorm;
            b.labelSmoothingFactor = labelSmoothingFactor;
            b.seed = seed;
            b.dataSeed = dataSeed;
            b.bf16 = bf16;
            b.gradientCheckpointing = gradientCheckpointing;
            b.autoFindBatchSize = autoFindBatchSize;
            b.groupByLength = groupByLength;
            b.dataloaderNumWorkers = dataloaderNumWorkers;
            b.useCpu = useCpu;
            b.loadBestModelAtEnd = loadBestModelAtEnd;
            b.metricForBestModel = metricForBestModel;
            b.greaterIsBetter = greaterIsBetter;
            b.labelNames = labelNames;
            b.removeUnusedColumns = removeUnusedColumns;
            b.resumeFromCheckpoint = resumeFromCheckpoint;
            b.disableTqdm = disableTqdm;
            b.predictionLossOnly = predictionLossOnly;
            b.dataloaderDropLast = dataloaderDropLast;
            b.localRank = localRank;
            b.ddpBackend = ddpBackend;
            b.ddpBucketCapMb = ddpBucketCapMb;
            b.ddpFindUnusedParameters = ddpFindUnusedParameters;
            b.ddpTimeout = ddpTimeout;
        return b;
    }

    /** Fluent construction; {@link #build()} applies defaults and HF's checks. */
    public static final class Builder {
        private String outputDir;
        private IntervalStrategy evalStrategy;
        private Double evalSteps;
        private Boolean evalOnStart;
        private Double evalDelay;
        private IntervalStrategy loggingStrategy;
        private Double loggingSteps;
        private Boolean loggingFirstStep;
        private IntervalStrategy saveStrategy;
        private Double saveSteps;
        private Integer saveTotalLimit;
        private Double learningRate;
        private Double weightDecay;
        private Double adamBeta1;
        private Double adamBeta2;
        private Double adamEpsilon;
        private OptimizerNames optim;
        private SchedulerType lrSchedulerType;
        private Double warmupRatio;
        private Integer warmupSteps;
        private Double numTrainEpochs;
        private Integer maxSteps;
        private Integer perDeviceTrainBatchSize;
        private Integer perDeviceEvalBatchSize;
        private Integer gradientAccumulationSteps;
        private Double maxGradNorm;
        private Double labelSmoothingFactor;
        private Integer seed;
        private Integer dataSeed;
        private Boolean bf16;
        private Boolean gradientCheckpointing;
        private Boolean autoFindBatchSize;
        private Boolean groupByLength;
        private Integer dataloaderNumWorkers;
        private Boolean useCpu;
        private Boolean loadBestModelAtEnd;
        private String metricForBestModel;
        private Boolean greaterIsBetter;
        private List<String> labelNames;
        private Boolean removeUnusedColumns;
        private String resumeFromCheckpoint;
        private Boolean disableTqdm;
        private Boolean predictionLossOnly;
        private Boolean dataloaderDropLast;
        private Integer localRank;
        private String ddpBackend;
        private Integer ddpBucketCapMb;
        private Boolean ddpFindUnusedParameters;
        private Integer ddpTimeout;

        private Builder() {}

        /** HF's older name of {@code eval_strategy}. */
        public Builder evaluationStrategy(IntervalStrategy value) {
            return evalStrategy(value);
        }

        public Builder outputDir(String value) {
            this.outputDir = value;
            return this;
        }

        public Builder evalStrategy(IntervalStrategy value) {
            this.evalStrategy = value;
            return this;
        }

        public Builder evalSteps(Double value) {
            this.evalSteps = value;
            return this;
        }

        public Builder evalOnStart(Boolean value) {
            this.evalOnStart = value;
            return this;
        }

        public Builder evalDelay(Double value) {
            this.evalDelay = value;
            return this;
        }

        public Builder loggingStrategy(IntervalStrategy value) {
            this.loggingStrategy = value;
            return this;
        }

        public Builder loggingSteps(Double value) {
            this.loggingSteps = value;
            return this;
        }

        public Builder loggingFirstStep(Boolean value) {
            this.loggingFirstStep = value;
            return this;
        }

        public Builder saveStrategy(IntervalStrategy value) {
            this.saveStrategy = value;
            return this;
        }

        public Builder saveSteps(Double value) {
            this.saveSteps = value;
            return this;
        }

        public Builder saveTotalLimit(Integer value) {
            this.saveTotalLimit = value;
            return this;
        }

        public Builder learningRate(Double value) {
            this.learningRate = value;
            return this;
        }

        public Builder weightDecay(Double value) {
            this.weightDecay = value;
            return this;
        }

        public Builder adamBeta1(Double value) {
            this.adamBeta1 = value;
            return this;
        }

        public Builder adamBeta2(Double value) {
            this.adamBeta2 = value;
            return this;
        }

        public Builder adamEpsilon(Double value) {
            this.adamEpsilon = value;
            return this;
        }

        public Builder optim(OptimizerNames value) {
            this.optim = value;
            return this;
        }

        public Builder lrSchedulerType(SchedulerType value) {
            this.lrSchedulerType = value;
            return this;
        }

        public Builder warmupRatio(Double value) {
            this.warmupRatio = value;
            return this;
        }

        public Builder warmupSteps(Integer value) {
            this.warmupSteps = value;
            return this;
        }

        public Builder numTrainEpochs(Double value) {
            this.numTrainEpochs = value;
            return this;
        }

        public Builder maxSteps(Integer value) {
            this.maxSteps = value;
            return this;
        }

        public Builder perDeviceTrainBatchSize(Integer value) {
            this.perDeviceTrainBatchSize = value;
            return this;
        }

        public Builder perDeviceEvalBatchSize(Integer value) {
            this.perDeviceEvalBatchSize = value;
            return this;
        }

        public Builder gradientAccumulationSteps(Integer value) {
            this.gradientAccumulationSteps = value;
            return this;
        }

        public Builder maxGradNorm(Double value) {
            this.maxGradNorm = value;
            return this;
        }

        public Builder labelSmoothingFactor(Double value) {
            this.labelSmoothingFactor = value;
            return this;
        }

        public Builder seed(Integer value) {
            this.seed = value;
            return this;
        }

        public Builder dataSeed(Integer value) {
            this.dataSeed = value;
            return this;
        }

        public Builder bf16(Boolean value) {
            this.bf16 = value;
            return this;
        }

        public Builder gradientCheckpointing(Boolean value) {
            this.gradientCheckpointing = value;
            return this;
        }

        public Builder autoFindBatchSize(Boolean value) {
            this.autoFindBatchSize = value;
            return this;
        }

        public Builder groupByLength(Boolean value) {
            this.groupByLength = value;
            return this;
        }

        public Builder dataloaderNumWorkers(Integer value) {
            this.dataloaderNumWorkers = value;
            return this;
        }

        public Builder useCpu(Boolean value) {
            this.useCpu = value;
            return this;
        }

        public Builder loadBestModelAtEnd(Boolean value) {
            this.loadBestModelAtEnd = value;
            return this;
        }

        public Builder metricForBestModel(String value) {
            this.metricForBestModel = value;
            return this;
        }

        public Builder greaterIsBetter(Boolean value) {
            this.greaterIsBetter = value;
            return this;
        }

        public Builder labelNames(List<String> value) {
            this.labelNames = value;
            return this;
        }

        public Builder removeUnusedColumns(Boolean value) {
            this.removeUnusedColumns = value;
            return this;
        }

        public Builder resumeFromCheckpoint(String value) {
            this.resumeFromCheckpoint = value;
            return this;
        }

        public Builder predictionLossOnly(Boolean value) {
            this.predictionLossOnly = value;
            return this;
        }

        public Builder disableTqdm(Boolean value) {
            this.disableTqdm = value;
            return this;
        }

        public Builder dataloaderDropLast(Boolean value) {
            this.dataloaderDropLast = value;
            return this;
        }

        public Builder localRank(Integer value) {
            this.localRank = value;
            return this;
        }

        public Builder ddpBackend(String value) {
            this.ddpBackend = value;
            return this;
        }

        public Builder ddpBucketCapMb(Integer value) {
            this.ddpBucketCapMb = value;
            return this;
        }

        public Builder ddpFindUnusedParameters(Boolean value) {
            this.ddpFindUnusedParameters = value;
            return this;
        }

        public Builder ddpTimeout(Integer value) {
            this.ddpTimeout = value;
            return this;
        }

        public TrainingArguments build() {
            return new TrainingArguments(outputDir, evalStrategy, evalSteps, evalOnStart, evalDelay, loggingStrategy, loggingSteps, loggingFirstStep, saveStrategy, saveSteps, saveTotalLimit, learningRate, weightDecay, adamBeta1, adamBeta2, adamEpsilon, optim, lrSchedulerType, warmupRatio, warmupSteps, numTrainEpochs, maxSteps, perDeviceTrainBatchSize, perDeviceEvalBatchSize, gradientAccumulationSteps, maxGradNorm, labelSmoothingFactor, seed, dataSeed, bf16, gradientCheckpointing, autoFindBatchSize, groupByLength, dataloaderNumWorkers, useCpu, loadBestModelAtEnd, metricForBestModel, greaterIsBetter, labelNames, removeUnusedColumns, resumeFromCheckpoint, disableTqdm, predictionLossOnly,
                    dataloaderDropLast, localRank, ddpBackend, ddpBucketCapMb, ddpFindUnusedParameters, ddpTimeout);
        }
    }
}
