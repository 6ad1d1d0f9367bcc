package io.t4j.trainer;

import io.t4j.data.DataCollator;
import io.t4j.data.DataCollatorWithPadding;
import io.t4j.data.NdArray;
import io.t4j.data.Dataset;
import io.t4j.data.Feature;
import io.t4j.engine.Autocast;
import io.t4j.engine.CheckpointException;
import io.t4j.engine.Engine;
import io.t4j.engine.NativeMemory;
import io.t4j.engine.nn.ActivationCheckpoint;
import io.t4j.engine.nn.Embedding;
import io.t4j.engine.nn.GradientCheckpointable;
import io.t4j.engine.nn.Module;
import io.t4j.engine.nn.StateDict;
import io.t4j.engine.safetensors.Checkpoint;
import io.t4j.models.ModelOutput;
import io.t4j.models.ModelWithLoss;
import io.t4j.models.ModelInputs;
import io.t4j.models.PreTrainedModel;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.trainer.distributed.DistributedContext;
import io.t4j.trainer.distributed.GradientSync;
import io.t4j.trainer.distributed.Shard;
import io.t4j.trainer.metrics.EvalPrediction;
import io.t4j.trainer.optim.AdamW;
import io.t4j.trainer.optim.ClipGrad;
import io.t4j.trainer.optim.LrScheduler;
import io.t4j.trainer.optim.ParamGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HF's {@code Trainer} (trainer.py) on the CPU: {@link #train}, {@link #evaluate}, {@link #predict}, with HF's
 * TrainingArguments semantics, metric names, callbacks, {@code trainer_state.json} and checkpoint layout. Built with
 * {@link #builder}. It trains any {@link ModelWithLoss} (HF's contract: {@code loss = model(**inputs)["loss"]}):
 * encoder heads and decoders alike, with the data collator their task needs. The label tensors it gathers for
 * {@code compute_metrics} are HF's {@code label_names} (the model's own by default: {@code labels}, or
 * {@code start_positions}/{@code end_positions}), in any shape; a classifier's class ids are checked against its
 * num_labels. Without {@code compute_metrics} evaluation needs only the loss (HF's {@code prediction_loss_only}),
 * so [B,T,V] logits are never gathered unless metrics ask for them.
 *
 * <p>Where it follows current HF rather than 4.46: gradient accumulation steps at the end of each epoch even when
 * the last window is short (its loss is divided by the window's real size), so an epoch is
 * {@code ceil(batches / accumulation)} updates (HF fixed 4.46's carry-over of a partial window into the next epoch);
 * the logged {@code learning_rate} is the rate the step used. Where it differs from HF on purpose: a NaN or infinite
 * loss or gradient norm stops training with a {@link TrainingDivergedException} naming the step (HF's
 * {@code logging_nan_inf_filter} only hides it from the logs), so the last checkpoint stays the last good one.
 * {@code gradient_checkpointing} recomputes each encoder layer in backward ({@code ActivationCheckpoint}: a tensor
 * hook re-runs the layer with the saved RNG state; the presets have no custom autograd Function).
 *
 * <p>Native memory: each training batch and each evaluation batch runs in its own {@link PointerScope}, owned
 * here; parameters and optimizer state are created outside and retained.
 *
 * <p>Data-parallel training (HF's DDP path) lives in {@code io.t4j.trainer.distributed}; the Trainer calls its
 * {@link DistributedContext} at a few points: each rank's shard of the training data, the broadcast of rank 0's
 * weights, the gradient averaging around backward ({@link GradientSync}), the mean of the logged loss, and
 * rank 0 alone evaluating (its metrics sent to every rank, so all take the same decisions) and saving.
 */
public final class Trainer<M extends Module & ModelWithLoss> {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final M model;
    private final TrainingArguments args;
    private final TrainerDataset trainDataset;
    private final TrainerDataset evalDataset;
    private final SavesPretrained tokenizer;
    private final Function<EvalPrediction, Map<String, Double>> computeMetrics;
    private final TrainerControl control = new TrainerControl();
    private final CallbackHandler handler;
    private final double flopsPerToken;
    private TrainerState state = new TrainerState();
    private AdamW optimizer;
    private LrScheduler scheduler;
    private double trLoss;
    private double totalLoss;
    private double currentFlos;
    private int lastLoggedStep;
    private Double gradNorm;
    private Double learningRate;
    private final Function<Dataset, TrainerDataset> datasetAdapter;
    private final List<String> labelNames;
    /** HF's {@code label_smoother}: set when {@code label_smoothing_factor} is not 0. */
    private final LabelSmoother labelSmoother;
    private final DistributedContext dist;
    /**
     * malloc_trim after batches, at most every {@code -Dt4j.trainer.mallocTrimMs} (default 60,000; 0: never). Each trim
     * makes the next batch fault its working set in again: trimming every 2 s made an evaluation of 384-token windows
     * 2.5x slower (QuestionAnsweringBgeTest: 103 against 42 s), while the growth it stops is slow (an untrimmed QA
     * run reached 15.4 GB after about 30 minutes), so once a minute.
     */
    private final NativeMemory nativeMemory = NativeMemory.fromSystemProperty("t4j.trainer.mallocTrimMs", 60_000);
    private GradientSync gradients = GradientSync.NONE;

    private Trainer(Builder<M> b) {
        Engine.init();
        if (b.args.evalStrategy() != IntervalStrategy.NO && b.evalDataset == null) {
            throw new IllegalArgumentException("You have set eval_strategy to " + b.args.evalStrategy().value() + " but you "
                    + "didn't pass an eval_dataset to the Trainer. Either set eval_strategy to no or pass an eval_dataset.");
        }
        if (b.args.gradientCheckpointing()) {
            enableGradientCheckpointing(b.model);
        }
        this.model = b.model;
        this.args = b.args;
        this.trainDataset = b.trainDataset;
        this.evalDataset = b.evalDataset;
        this.tokenizer = b.processingClass;
        this.computeMetrics = b.computeMetrics;
        this.datasetAdapter = b.datasetAdapter;
        this.labelNames = b.args.labelNames() != null ? b.args.labelNames() : b.model.labelNames();
        this.labelSmoother = b.args.labelSmoothingFactor() != 0 ? new LabelSmoother(b.args.labelSmoothingFactor()) : null;
        this.dist = b.distributed != null ? b.distributed : DistributedContext.fromEnvironment(b.args);
        List<TrainerCallback> all = new ArrayList<>(List.of(new DefaultFlowCallback(), new ProgressCallback()));
        all.addAll(b.callbacks);
        this.handler = new CallbackHandler(all, args, control);
        this.flopsPerToken = 6.0 * nonEmbeddingParameters(model);
        setSeed(args.seed());
    }

    /**
     * HF's {@code Trainer(model=..., args=..., ...)}: every other argument is optional and set on the builder
     * ({@code train_dataset}, {@code eval_dataset}, {@code data_collator}, {@code processing_class},
     * {@code compute_metrics}, {@code callbacks}). Sets {@code torch.manual_seed(args.seed)} when built, as HF's
     * constructor does.
     */
    public static <M extends Module & ModelWithLoss> Builder<M> builder(M model, TrainingArguments args) {
        return new Builder<>(model, args);
    }

    /** The keyword arguments of HF's {@code Trainer(...)}. */
    public static final class Builder<M extends Module & ModelWithLoss> {
        private final M model;
        private final TrainingArguments args;
        private Dataset trainData;
        private Dataset evalData;
        private TrainerDataset trainDataset;
        private TrainerDataset evalDataset;
        private DataCollator dataCollator;
        private PreTrainedTokenizer tokenizer;
        private SavesPretrained processingClass;
        private Function<EvalPrediction, Map<String, Double>> computeMetrics;
        private final List<TrainerCallback> callbacks = new ArrayList<>();
        private Function<Dataset, TrainerDataset> datasetAdapter;
        private DistributedContext distributed;

        private Builder(M model, TrainingArguments args) {
            this.model = java.util.Objects.requireNonNull(model, "model");
            this.args = java.util.Objects.requireNonNull(args, "args");
        }

        /** {@code train_dataset}: a tokenized Dataset, batched by the data collator. */
        public Builder<M> trainDataset(Dataset dataset) {
            this.trainData = dataset;
            return this;
        }

        /** {@code train_dataset} already paired with its collation. */
        public Builder<M> trainDataset(TrainerDataset dataset) {
            this.trainDataset = dataset;
            return this;
        }

        /** {@code eval_dataset}: a tokenized Dataset, batched by the data collator. */
        public Builder<M> evalDataset(Dataset dataset) {
            this.evalData = dataset;
            return this;
        }

        /** {@code eval_dataset} already paired with its collation. */
        public Builder<M> evalDataset(TrainerDataset dataset) {
            this.evalDataset = dataset;
            return this;
        }

        /** {@code data_collator}; HF's default is {@code DataCollatorWithPadding(processing_class)}. */
        public Builder<M> dataCollator(DataCollator collator) {
            this.dataCollator = collator;
            return this;
        }

        /** {@code processing_class}: the tokenizer, saved into every checkpoint and the default collator's padder. */
        public Builder<M> processingClass(PreTrainedTokenizer tokenizer) {
            this.tokenizer = tokenizer;
            this.processingClass = tokenizer == null ? null : tokenizer::savePretrained;
            return this;
        }

        /** Anything saved into every checkpoint beside the model (HF's processing_class, without a tokenizer). */
        public Builder<M> processingClass(SavesPretrained saves) {
            this.tokenizer = null;
            this.processingClass = saves;
            return this;
        }

        /** {@code compute_metrics}: {@link EvalPrediction} → metrics, prefixed with eval_ by the Trainer. */
        public Builder<M> computeMetrics(Function<EvalPrediction, Map<String, Double>> f) {
            this.computeMetrics = f;
            return this;
        }

        /** {@code callbacks}, after the default flow and progress callbacks. */
        public Builder<M> callbacks(List<TrainerCallback> list) {
            this.callbacks.addAll(list);
            return this;
        }

        public Builder<M> callback(TrainerCallback callback) {
            this.callbacks.add(callback);
            return this;
        }

        /**
         * This process's rank in a data-parallel job (default: torchrun's environment, see
         * {@link DistributedContext#fromEnvironment}; one process when it sets nothing).
         */
        public Builder<M> distributed(DistributedContext context) {
            this.distributed = context;
            return this;
        }

        public Trainer<M> build() {
            if (trainData != null || evalData != null) {
                DataCollator collator = dataCollator;
                if (collator == null) {
                    if (tokenizer == null) {
                        throw new IllegalArgumentException("a Dataset needs a data_collator, or a processing_class "
                                + "(tokenizer) for HF's default DataCollatorWithPadding");
                    }
                    collator = new DataCollatorWithPadding(tokenizer);
                }
                DataCollator c = collator;
                datasetAdapter = d -> TrainerDataset.of(d, c);
                if (trainData != null) {
                    checkClassLabels(model, trainData, "train_dataset");
                    trainDataset = datasetAdapter.apply(trainData);
                }
                if (evalData != null) {
                    checkClassLabels(model, evalData, "eval_dataset");
                    evalDataset = datasetAdapter.apply(evalData);
                }
            }
            return new Trainer<>(this);
        }
    }

    /** A ClassLabel column with another number of classes than the classifier's head is an error naming both. */
    private static void checkClassLabels(ModelWithLoss model, Dataset data, String which) {
        Map<Integer, String> classes = model.classLabels();
        if (classes.isEmpty()) {
            return;
        }
        for (String column : List.of("labels", "label")) {
            if (data.hasColumn(column) && data.features().get(column) instanceof Feature.ClassLabel labels
                    && labels.names().size() != classes.size()) {
                throw new IllegalArgumentException(which + " column '" + column + "' has " + labels.names().size()
                        + " classes " + labels.names() + " but the model has num_labels = " + classes.size()
                        + " (id2label " + classes + "): load it with PretrainedOptions.numLabels("
                        + labels.names().size() + ") or withId2label(...)");
            }
        }
    }

    /**
     * HF's {@code transformers.set_seed}: seeds torch's default CPU generator, which new weights and dropout draw
     * from. libtorch, like PyTorch, seeds it differently in every process, so a model with newly initialised weights
     * (a classification head on an encoder checkpoint) is reproducible only when this runs before the model is
     * created, as HF's example scripts do; the Trainer seeds again for training.
     */
    public static void setSeed(long seed) {
        Engine.init();
        torch.manual_seed(seed);
    }

    public M model() { return model; }
    public TrainingArguments args() { return args; }
    public TrainerState state() { return state; }
    public TrainerControl control() { return control; }
    /** The optimizer of the last {@link #train} call (null before). */
    public AdamW optimizer() { return optimizer; }
    public List<TrainerCallback> callbacks() { return java.util.Collections.unmodifiableList(handler.callbacks()); }
    /** This process's place in a data-parallel job ({@link DistributedContext#single()} for one process). */
    public DistributedContext distributed() { return dist; }
    /** HF's {@code is_world_process_zero()}: the process that logs, evaluates and saves. */
    public boolean isWorldProcessZero() { return dist.isWorldProcessZero(); }
    /** Communication timings of the last {@link #train} (none for one process). */
    public io.t4j.trainer.distributed.CommStats commStats() { return gradients.stats(); }

    /** HF's {@code add_callback}. */
    public void addCallback(TrainerCallback callback) {
        handler.callbacks().add(callback);
    }

    /** HF's {@code remove_callback}: removes the first callback of {@code type} (e.g. {@code ProgressCallback}). */
    public void removeCallback(Class<? extends TrainerCallback> type) {
        handler.callbacks().stream().filter(type::isInstance).findFirst().ifPresent(handler.callbacks()::remove);
    }

    /** Trains from scratch. */
    public TrainOutput train() {
        return train(null);
    }

    /**
     * HF's {@code train(resume_from_checkpoint=True)}: resumes from the last {@code checkpoint-<step>} in
     * {@code output_dir}.
     */
    public TrainOutput trainFromLastCheckpoint() {
        Path last = Checkpoints.last(Path.of(args.outputDir()));
        if (last == null) {
            throw new CheckpointException("No valid checkpoint found in output directory (" + args.outputDir() + ")");
        }
        return train(last.toString());
    }

    /**
     * Trains, resuming from {@code resumeFromCheckpoint} (a checkpoint folder) when non-null: model, optimizer,
     * scheduler, trainer state and RNG are restored and the batches already trained in the current epoch skipped,
     * so the result equals an uninterrupted run's.
     */
    public TrainOutput train(String resumeFromCheckpoint) {
        if (trainDataset == null) {
            throw new IllegalStateException("Trainer: training requires a train_dataset.");
        }
        Checkpoints.requireWritable(Path.of(args.outputDir())); // before training, not at the first save
        Path resume = resumeFromCheckpoint == null ? null : Path.of(resumeFromCheckpoint);
        int batchSize = args.trainBatchSize();
        if (resume != null) {
            Checkpoints.requireComplete(resume);
            Integer saved = TrainerState.load(resume.resolve(TrainerState.FILE_NAME)).trainBatchSize();
            batchSize = saved != null ? saved : batchSize;
        }
        while (true) {
            try {
                return innerTrainingLoop(batchSize, resume);
            } catch (RuntimeException e) {
                closeOptimizer();
                if (!args.autoFindBatchSize() || !isOutOfMemory(e)) {
                    handler.callbacks().stream().filter(c -> c instanceof ProgressCallback)
                            .forEach(c -> c.onTrainEnd(args, state, control));
                    throw e;
                }
                if (batchSize == 1) {
                    throw new IllegalStateException("No executable batch size found, reached zero: out of memory at "
                            + "per_device_train_batch_size 1", e);
                }
                batchSize /= 2;
                LOG.warn("Out of memory ({}); auto_find_batch_size retries with batch size {}", e.getMessage(), batchSize);
            }
        }
    }

    /** HF's {@code should_reduce_batch_size}: libtorch's CPU allocator failure, or a CUDA out-of-memory error. */
    static boolean isOutOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof OutOfMemoryError || m.contains("can't allocate memory") || m.contains("out of memory")) {
                return true;
            }
        }
        return false;
    }

    private TrainOutput innerTrainingLoop(int batchSize, Path resume) {
        Shard shard = dist.trainShard(trainDataset.size(), args.effectiveDataSeed(), args.dataloaderDropLast());
        int numBatches = args.dataloaderDropLast() ? shard.length() / batchSize : Math.ceilDiv(shard.length(), batchSize);
        int accum = args.gradientAccumulationSteps();
        int updatesPerEpoch = Math.max(Math.ceilDiv(numBatches, accum), 1);
        boolean byEpochs = args.maxSteps() <= 0;
        int maxSteps = byEpochs ? (int) Math.ceil(args.numTrainEpochs() * updatesPerEpoch) : args.maxSteps();
        int numEpochs = byEpochs ? (int) Math.ceil(args.numTrainEpochs()) : Math.ceilDiv(maxSteps, updatesPerEpoch);
        double numSamples = byEpochs ? (double) shard.length() * dist.worldSize() * args.numTrainEpochs()
                : (double) maxSteps * batchSize * accum * dist.worldSize();

        createOptimizerAndScheduler(maxSteps);
        state = new TrainerState();
        state.computeSteps(args, maxSteps);
        state.trainBatchSize(batchSize);
        state.numTrainEpochs(numEpochs);
        state.epoch(0);
        int epochsTrained = 0;
        int skip = 0;
        if (resume != null) {
            loadModel(resume);
            optimizer.load(resume);
            scheduler.load(resume);
            state = TrainerState.load(resume.resolve(TrainerState.FILE_NAME));
            epochsTrained = state.globalStep() / updatesPerEpoch;
            skip = (state.globalStep() % updatesPerEpoch) * accum;
        }
        trLoss = 0;
        totalLoss = 0;
        currentFlos = 0;
        lastLoggedStep = state.globalStep();
        optimizer.zeroGrad();
        state.processZero(dist.isLocalProcessZero(), dist.isWorldProcessZero());
        dist.broadcastParameters(model); // DDP's start: every rank from rank 0's weights
        gradients.close();
        gradients = dist.gradientSync(model, args);
        long start = System.nanoTime();
        handler.onTrainBegin(state);
        if (args.evalOnStart()) {
            evaluate();
        }
        boolean done = state.globalStep() >= maxSteps; // resuming a finished run trains nothing (HF would do a step)
        for (int epoch = epochsTrained; epoch < numEpochs && !done && !control.shouldTrainingStop(); epoch++) {
            runEpoch(epoch, batchSize, shard, epoch == epochsTrained ? skip : 0, epoch == epochsTrained ? resume : null);
        }
        return finishTraining(start, numSamples, maxSteps);
    }

    private void createOptimizerAndScheduler(int maxSteps) {
        closeOptimizer();
        optimizer = switch (args.optim()) {
            case ADAMW_TORCH -> new AdamW(ParamGroup.withDecayExclusions(model, args.learningRate(), args.weightDecay()),
                    args.adamBeta1(), args.adamBeta2(), args.adamEpsilon());
        };
        int warmup = LrScheduler.warmupSteps(args.warmupSteps(), args.warmupRatio(), maxSteps);
        scheduler = new LrScheduler(optimizer, args.lrSchedulerType(), warmup, maxSteps);
    }

    private void closeOptimizer() {
        if (optimizer != null) {
            optimizer.close();
            optimizer = null;
        }
    }

    private void runEpoch(int epoch, int batchSize, Shard shard, int skip, Path resume) {
        List<int[]> batches = BatchPlan.training(trainDataset, batchSize, args.gradientAccumulationSteps(),
                args.effectiveDataSeed(), args.groupByLength(), epoch, shard.sampler(), args.dataloaderDropLast());
        handler.onEpochBegin(state);
        if (resume != null) {
            RngState.restore(resume, args.effectiveDataSeed());
        }
        int step = skip - 1;
        try (BatchLoader loader = new BatchLoader(trainDataset, batches, args.dataloaderNumWorkers(), skip)) {
            while (loader.hasNext() && !control.shouldEpochStop() && !control.shouldTrainingStop()) {
                step++;
                trainOneBatch(loader, step, batches.size(), epoch);
            }
        }
        if (step < 0) {
            LOG.warn("There seems not to be a single sample in your epoch, stopping training at step {}", state.globalStep());
            control.shouldTrainingStop(true);
        }
        handler.onEpochEnd(state);
        maybeLogSaveEvaluate();
    }

    private void trainOneBatch(BatchLoader loader, int step, int stepsInEpoch, int epoch) {
        int accum = args.gradientAccumulationSteps();
        int windowStart = step - step % accum;
        int window = Math.min(accum, stepsInEpoch - windowStart);
        if (step % accum == 0) {
            handler.onStepBegin(state);
        }
        boolean endsWindow = (step + 1) % accum == 0 || step + 1 == stepsInEpoch;
        try (PointerScope scope = new PointerScope()) {
            ModelInputs batch = loader.next();
            trainingStep(batch, window, endsWindow);
        } finally {
            ActivationCheckpoint.clear(); // nothing stays pending after backward, or after a failed step
        }
        nativeMemory.afterBatch(); // the batch's tensors are freed: let glibc give their pages back
        if (endsWindow) {
            optimizerStep();
            state.globalStep(state.globalStep() + 1);
            state.epoch(epoch + (step + 1.0) / stepsInEpoch);
            handler.onStepEnd(state);
            maybeLogSaveEvaluate();
        } else {
            handler.onSubstepEnd(state);
        }
    }

    /**
     * HF's {@code training_step}: forward (autocast with bf16), loss divided by the accumulation window, backward
     * ({@code sync}: the window's last micro-batch, whose backward averages the gradients across ranks).
     */
    private void trainingStep(ModelInputs batch, int window, boolean sync) {
        checkLabels(batch);
        model.train();
        Tensor loss;
        try (Autocast ac = args.bf16() ? Autocast.bf16() : null) {
            loss = computeLoss(batch).loss();
        }
        if (loss == null) {
            List<String> present = ModelInputs.LABEL_NAMES.stream().filter(n -> batch.label(n) != null).toList();
            throw new IllegalArgumentException("The model did not return a loss: the batch has no labels, or lacks "
                    + "one the model needs (label_names " + labelNames + "; " + model.getClass().getSimpleName()
                    + " got " + (present.isEmpty() ? "no labels" : present) + ")");
        }
        double value = loss.item_double();
        if (!Double.isFinite(value)) {
            throw diverged("loss is " + value);
        }
        gradients.backward(loss.div(new Scalar((double) window)), sync);
        trLoss += value / window;
        currentFlos += flopsPerToken * batch.inputIds().numel();
    }

    /** A forward's output and the loss the Trainer uses (the model's, or the label smoother's); the loss may be null. */
    private record Forward(ModelOutput output, Tensor loss) {}

    /**
     * HF's {@code compute_loss}: the model's own loss, or, with a label smoother and a batch carrying {@code labels},
     * a forward without them and the smoothed loss of the first prediction (the logits; shifted for a causal LM).
     */
    private Forward computeLoss(ModelInputs batch) {
        if (labelSmoother == null || batch.labels() == null) {
            ModelOutput out = model.forward(batch);
            return new Forward(out, out.loss());
        }
        ModelOutput out = model.forward(batch.withLabels(null));
        return new Forward(out, labelSmoother.loss(out.predictions().get(0), batch.labels(), model.shiftsLabels()));
    }

    private void optimizerStep() {
        gradients.finish(); // every rank now holds the mean gradient
        gradNorm = null;
        if (args.maxGradNorm() != null && args.maxGradNorm() > 0) {
            gradNorm = ClipGrad.clipGradNorm(optimizer.parameters(), args.maxGradNorm());
            if (!Double.isFinite(gradNorm)) {
                throw diverged("gradient norm is " + gradNorm);
            }
        }
        optimizer.step();
        learningRate = scheduler.lastLr();
        scheduler.step();
        optimizer.zeroGrad();
    }

    private TrainingDivergedException diverged(String what) {
        String last = Checkpoints.last(Path.of(args.outputDir())) instanceof Path p ? p.toString() : "none written";
        return new TrainingDivergedException("Training stopped: " + what + " at step " + (state.globalStep() + 1)
                + " (epoch " + state.epoch() + "); nothing was saved after it. Last good checkpoint: " + last
                + ". Lower learning_rate, set max_grad_norm, or check the inputs of that step.");
    }

    /**
     * A classifier's labels outside {@code [0, num_labels)} (-100, the ignored index, aside) fail with the config's
     * labels named, not libtorch's index error.
     */
    private void checkLabels(ModelInputs batch) {
        Map<Integer, String> classes = model.classLabels();
        Tensor labels = batch.labels();
        if (classes.isEmpty() || labels == null || labels.is_floating_point()) {
            return;
        }
        Tensor real = labels.masked_select(labels.ne(new Scalar(-100L)));
        if (real.numel() == 0) {
            return;
        }
        long min = real.min().item_long();
        long max = real.max().item_long();
        int n = classes.size();
        if (min < 0 || max >= n) {
            throw new IllegalArgumentException("labels in the data include " + (min < 0 ? min : max) + " but the model has "
                    + "num_labels = " + n + " (id2label " + classes + "): load it with "
                    + "PretrainedOptions.numLabels(" + Math.max(n, max + 1) + ") or fix the dataset's labels");
        }
    }

    private void maybeLogSaveEvaluate() {
        if (control.shouldLog() && state.globalStep() > lastLoggedStep) {
            Map<String, Double> logs = new LinkedHashMap<>();
            trLoss = dist.allreduceSum(trLoss, "mean of the logged loss") / dist.worldSize(); // HF: _nested_gather(tr_loss).mean()
            logs.put("loss", SpeedMetrics.round(trLoss / (state.globalStep() - lastLoggedStep), 4));
            if (gradNorm != null) {
                logs.put("grad_norm", gradNorm);
            }
            logs.put("learning_rate", learningRate != null ? learningRate : scheduler.lastLr());
            totalLoss += trLoss;
            trLoss = 0;
            lastLoggedStep = state.globalStep();
            storeFlos();
            log(logs);
        }
        Map<String, Double> metrics = control.shouldEvaluate() ? evaluate() : null;
        if (control.shouldSave()) {
            saveCheckpoint(metrics);
            handler.onSave(state);
        }
    }

    /** HF's {@code log}: adds {@code epoch}, appends to {@code log_history} with the step, calls {@code on_log}. */
    public void log(Map<String, Double> logs) {
        if (state.epoch() != null) {
            logs.put("epoch", state.epoch());
        }
        state.log(logs);
        handler.onLog(state, logs);
    }

    /** HF's {@code store_flos}: the ranks' floating-point operations, summed. */
    private void storeFlos() {
        state.addFlos(dist.allreduceSum(currentFlos, "sum of the ranks' flos"));
        currentFlos = 0;
    }

    private TrainOutput finishTraining(long start, double numSamples, int maxSteps) {
        if (args.loadBestModelAtEnd() && state.bestModelCheckpoint() != null) {
            if (dist.isWorldProcessZero()) { // the checkpoint is on rank 0's disk; the others receive its weights
                LOG.info("Loading best model from {} (score: {}).", state.bestModelCheckpoint(), state.bestMetric());
                loadModel(Path.of(state.bestModelCheckpoint()));
            }
            dist.broadcastParameters(model);
        }
        totalLoss += dist.allreduceSum(trLoss, "mean of the training loss") / dist.worldSize();
        trLoss = 0;
        double trainLoss = totalLoss / Math.max(state.globalStep(), 0.001);
        Map<String, Double> metrics = SpeedMetrics.of("train", start, numSamples, maxSteps);
        storeFlos();
        metrics.put("total_flos", state.totalFlos());
        metrics.put("train_loss", trainLoss);
        log(metrics);
        if (args.saveTotalLimit() != null && args.saveTotalLimit() == 1 && state.bestModelCheckpoint() != null
                && dist.isWorldProcessZero()) {
            for (Path p : Checkpoints.sorted(Path.of(args.outputDir()), null)) {
                if (!p.equals(Path.of(state.bestModelCheckpoint()))) {
                    Checkpoints.deleteTree(p);
                }
            }
        }
        handler.onTrainEnd(state);
        return new TrainOutput(state.globalStep(), trainLoss, metrics);
    }

    /** Evaluates on the eval dataset: eval_loss, eval_&lt;metric&gt;, eval_runtime, ..., epoch (during training). */
    public Map<String, Double> evaluate() {
        if (evalDataset == null) {
            throw new IllegalStateException("Trainer: evaluation requires an eval_dataset.");
        }
        long start = System.nanoTime();
        Map<String, Double> metrics = null;
        if (dist.isWorldProcessZero()) { // rank 0 evaluates alone; every rank gets its metrics and decides alike
            EvalLoopOutput out = evaluationLoop(evalDataset, "eval", computeMetrics == null || args.predictionLossOnly());
            metrics = out.metrics();
            metrics.putAll(SpeedMetrics.of("eval", start, out.numSamples(), Math.ceilDiv(out.numSamples(), args.evalBatchSize())));
        }
        metrics = dist.broadcastMetrics(metrics, "evaluation metrics");
        log(metrics);
        handler.onEvaluate(state, metrics);
        return metrics;
    }

    /** {@link #predict(TrainerDataset)} on a tokenized Dataset, collated as the training data is. */
    public PredictionOutput predict(Dataset testDataset) {
        if (datasetAdapter == null) {
            throw new IllegalStateException("this Trainer was built over TrainerDatasets: pass TrainerDataset.of(dataset, collator)");
        }
        return predict(datasetAdapter.apply(testDataset));
    }

    /**
     * Predicts on {@code testDataset}: the model's prediction arrays (logits; start and end logits for question
     * answering), the labels (if the data has them) and test_* metrics; with {@code prediction_loss_only} only the
     * metrics.
     */
    public PredictionOutput predict(TrainerDataset testDataset) {
        long start = System.nanoTime();
        EvalLoopOutput out = evaluationLoop(testDataset, "test", args.predictionLossOnly());
        Map<String, Double> metrics = out.metrics();
        metrics.putAll(SpeedMetrics.of("test", start, out.numSamples(), Math.ceilDiv(out.numSamples(), args.evalBatchSize())));
        handler.onPredict(state, metrics);
        return new PredictionOutput(out.predictions(), out.labelIds(), metrics);
    }

    private record EvalLoopOutput(List<NdArray> predictions, List<NdArray> labelIds, Map<String, Double> metrics, int numSamples) {}

    /**
     * HF's {@code evaluation_loop}: eval mode, no grad, one scope per batch; eval_loss is the mean over samples of
     * their batch's loss (HF repeats each batch loss batch_size times), so a short last batch weighs what it holds.
     * The output's prediction tensors and the batch's label_names tensors are gathered as arrays and concatenated as
     * HF's {@code nested_concat} does (a shorter second axis padded with -100).
     */
    private EvalLoopOutput evaluationLoop(TrainerDataset data, String prefix, boolean lossOnly) {
        model.eval();
        List<List<NdArray>> preds = new ArrayList<>();
        List<List<NdArray>> labels = new ArrayList<>();
        boolean allLabels = true;
        double lossSum = 0;
        long lossCount = 0;
        try (BatchLoader loader = new BatchLoader(data, BatchPlan.sequential(data.size(), args.evalBatchSize()),
                args.dataloaderNumWorkers(), 0)) {
            while (loader.hasNext()) {
                try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard();
                     Autocast ac = args.bf16() ? Autocast.bf16() : null) {
                    ModelInputs batch = loader.next();
                    Forward f = computeLoss(batch);
                    ModelOutput out = f.output();
                    if (f.loss() != null) {
                        long batchSize = batch.inputIds().size(0);
                        lossSum += f.loss().item_double() * batchSize;
                        lossCount += batchSize;
                    }
                    if (!lossOnly) {
                        gather(out.predictions(), preds);
                        List<Tensor> batchLabels = labelNames.stream().map(batch::label).toList();
                        allLabels &= batchLabels.stream().allMatch(java.util.Objects::nonNull);
                        if (allLabels) {
                            gather(batchLabels, labels);
                        }
                    }
                }
                nativeMemory.afterBatch();
                handler.onPredictionStep(state);
            }
        }
        List<NdArray> p = lossOnly ? List.of() : concatenate(preds);
        List<NdArray> l = lossOnly || !allLabels ? List.of() : concatenate(labels);
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (computeMetrics != null && !p.isEmpty() && !l.isEmpty()) {
            metrics.putAll(computeMetrics.apply(new EvalPrediction(p, l)));
        }
        if (lossCount > 0) {
            metrics.put(prefix + "_loss", lossSum / lossCount);
        }
        return new EvalLoopOutput(p, l, prefixed(metrics, prefix), data.size());
    }

    /** Appends each tensor of a batch, as an array, to its own list. */
    private static void gather(List<Tensor> tensors, List<List<NdArray>> into) {
        for (int i = 0; i < tensors.size(); i++) {
            if (into.size() <= i) {
                into.add(new ArrayList<>());
            }
            into.get(i).add(NdArray.of(tensors.get(i)));
        }
    }

    private static List<NdArray> concatenate(List<List<NdArray>> parts) {
        return parts.stream().map(list -> NdArray.concatenate(list, -100)).toList();
    }

    /** HF's renaming: keys without the prefix get it and move to the end, so eval_loss comes first. */
    private static Map<String, Double> prefixed(Map<String, Double> metrics, String prefix) {
        Map<String, Double> out = new LinkedHashMap<>();
        metrics.forEach((k, v) -> {
            if (k.startsWith(prefix + "_")) {
                out.put(k, v);
            }
        });
        metrics.forEach((k, v) -> {
            if (!k.startsWith(prefix + "_")) {
                out.put(prefix + "_" + k, v);
            }
        });
        return out;
    }

    /** HF's {@code _save_checkpoint}: the folder {@code checkpoint-<global_step>}, written atomically. */
    private void saveCheckpoint(Map<String, Double> metrics) {
        storeFlos();
        Path outputDir = outputDir();
        Path target = outputDir.resolve(Checkpoints.PREFIX + state.globalStep());
        updateBest(metrics, target);
        // Rank 0 writes (the ranks' weights, optimizer state and generator state are equal: see DistributedContext).
        if (dist.isWorldProcessZero()) {
            Checkpoints.write(outputDir, state.globalStep(), dir -> {
                saveModel(dir);
                optimizer.save(dir);
                scheduler.save(dir);
                RngState.save(dir, args.effectiveDataSeed());
                state.save(dir.resolve(TrainerState.FILE_NAME));
            });
            Checkpoints.rotate(outputDir, args.saveTotalLimit(), state.bestModelCheckpoint());
        }
        dist.barrier("saving " + target.getFileName());
    }

    private void updateBest(Map<String, Double> metrics, Path checkpoint) {
        if (metrics == null || args.metricForBestModel() == null) {
            return;
        }
        String key = args.metricForBestModel().startsWith("eval_") ? args.metricForBestModel() : "eval_" + args.metricForBestModel();
        Double value = metrics.get(key);
        if (value == null) {
            throw new IllegalArgumentException("The metric_for_best_model training argument is set to '" + key
                    + "', which is not found in the evaluation metrics. The available evaluation metrics are: "
                    + metrics.keySet() + ". Consider changing metric_for_best_model.");
        }
        Double best = state.bestMetric();
        if (best == null || state.bestModelCheckpoint() == null || (args.greaterIsBetter() ? value > best : value < best)) {
            state.best(value, checkpoint.toString());
        }
    }

    /**
     * HF's {@code save_model}: the model ({@code save_pretrained}'s config.json + model.safetensors, or the state
     * dict for a plain module), the tokenizer's files and {@code training_args.json} (HF: training_args.bin).
     */
    public void saveModel(Path dir) {
        if (!dist.isWorldProcessZero()) {
            return; // HF's should_save: rank 0 alone writes
        }
        try {
            Files.createDirectories(dir);
            if (model instanceof PreTrainedModel<?> p) {
                p.savePretrained(dir);
            } else {
                Checkpoint.write(dir, StateDict.tensors(model), Checkpoint.DEFAULT_MAX_SHARD_BYTES);
            }
            if (tokenizer != null) {
                tokenizer.savePretrained(dir);
            }
            Files.writeString(dir.resolve("training_args.json"), args.toJson());
        } catch (IOException e) {
            throw new CheckpointException(dir + ": cannot save the model: " + e.getMessage(), e);
        }
    }

    private Path outputDir() {
        Path dir = Path.of(args.outputDir());
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CheckpointException("output_dir '" + dir + "' exists and is not a directory");
        }
        return dir;
    }

    private void loadModel(Path dir) {
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            StateDict.load(model, checkpoint, StateDict.Options.strict());
        }
    }

    /** HF's {@code gradient_checkpointing_enable()} on every layer stack of the model that supports it. */
    private static void enableGradientCheckpointing(Module model) {
        var stacks = model.namedModules().values().stream().filter(m -> m instanceof GradientCheckpointable).toList();
        if (stacks.isEmpty()) {
            throw new UnsupportedOperationException("gradient_checkpointing: " + model.getClass().getSimpleName()
                    + " has no layer stack that supports gradient checkpointing (GradientCheckpointable)");
        }
        stacks.forEach(m -> ((GradientCheckpointable) m).gradientCheckpointing(true));
    }

    /** HF's {@code num_parameters(exclude_embeddings=True)}, for total_flos = 6 * N * tokens. */
    private static long nonEmbeddingParameters(Module model) {
        long embeddings = model.namedModules().values().stream().filter(m -> m instanceof Embedding)
                .mapToLong(m -> ((Embedding) m).weight.numel()).sum();
        return model.numParameters() - embeddings;
    }
}
