package io.t4j.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.t4j.data.DataCollatorWithPadding;
import io.t4j.engine.Engine;
import io.t4j.engine.nn.Parameter;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.models.onnx.DefaultModels;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.trainer.IntervalStrategy;
import io.t4j.trainer.Trainer;
import io.t4j.trainer.TrainingArguments;
import io.t4j.trainer.distributed.CommStats;
import io.t4j.trainer.distributed.DistributedContext;
import io.t4j.trainer.distributed.GlooProcessGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;

/**
 * One rank of the {@code ddp} bench section, started by {@link io.t4j.trainer.distributed.Launcher} with torchrun's
 * variables: Trainer steps on bge-small over SST-2 train with a global batch of 32 split over the ranks, each step
 * timed; then (two ranks and more) the bare allreduce of bge-small's gradient bytes in DDP's 25 MB buckets. Rank 0
 * writes the JSON the section reads.
 *
 * <p>Arguments: {@code OUT_JSON SST2_DIR COMM(reducer|allreduce|none) WARMUP STEPS MAX_LENGTH GLOBAL_BATCH}.
 */
public final class DdpBenchWorker {
    private DdpBenchWorker() {}

    public static void main(String[] argv) throws Exception {
        Path out = Path.of(argv[0]);
        Path sst2 = Path.of(argv[1]);
        String comm = argv[2];
        int warmup = Integer.parseInt(argv[3]);
        int steps = Integer.parseInt(argv[4]);
        int maxLength = Integer.parseInt(argv[5]);
        int globalBatch = Integer.parseInt(argv[6]);
        if (!comm.equals("none")) {
            System.setProperty(DistributedContext.COMM_PROPERTY, comm);
        }
        Engine.init();
        Path base = DefaultModels.bgeSmallEnV15();
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(base)) {
            var train = Sst2.tokenize(new Sst2(sst2).train(), tokenizer, maxLength);
            int world = System.getenv("WORLD_SIZE") == null ? 1 : Integer.parseInt(System.getenv("WORLD_SIZE"));
            Trainer.setSeed(42);
            var model = BertForSequenceClassification.fromPretrained(base, PretrainedOptions.numLabels(2));
            var args = TrainingArguments.builder(Files.createTempDirectory("t4j-ddp-bench").toString())
                    .perDeviceTrainBatchSize(globalBatch / world).maxSteps(warmup + steps).learningRate(2e-5)
                    .saveStrategy(IntervalStrategy.NO).loggingStrategy(IntervalStrategy.NO).disableTqdm(true).build();
            StepTimer timer = new StepTimer();
            var trainer = Trainer.builder(model, args).trainDataset(train).dataCollator(new DataCollatorWithPadding(tokenizer))
                    .callback(timer).build();
            trainer.train();
            List<Double> stepMs = new ArrayList<>();
            for (int i = warmup; i < timer.ends().size(); i++) {
                stepMs.add((timer.ends().get(i) - timer.begins().get(i)) / 1e6);
            }
            CommStats stats = trainer.commStats();
            DistributedContext dist = trainer.distributed();
            List<Double> allreduceMs = dist.isDistributed() ? bareAllreduce(dist.group(), model.parameters(), 5) : List.of();
            long gradientBytes = model.parameters().stream().filter(Parameter::requiresGrad)
                    .mapToLong(p -> p.numel() * 4).sum();
            if (dist.isWorldProcessZero()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("world_size", world);
                r.put("threads", torch.get_num_threads());
                r.put("comm", stats.mode());
                r.put("per_device_batch", globalBatch / world);
                r.put("step_ms", stepMs);
                r.put("exposed_comm_ms_per_step", stats.steps() == 0 ? 0.0 : stats.exposedNanos() / 1e6 / stats.steps());
                r.put("backward_ms_per_step", stats.steps() == 0 ? 0.0 : stats.backwardNanos() / 1e6 / stats.steps());
                r.put("gradient_bytes", gradientBytes);
                r.put("bare_allreduce_ms", allreduceMs);
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), r);
            }
            model.close();
        }
        System.exit(0);
    }

    /** DDP's buckets (25 MB, parameters in reverse) of the model's gradient sizes, all started then awaited; ms per pass. */
    private static List<Double> bareAllreduce(GlooProcessGroup group, List<Parameter> params, int reps) {
        List<Double> ms = new ArrayList<>();
        try (PointerScope scope = new PointerScope()) {
            List<Tensor> buckets = new ArrayList<>();
            long size = 0;
            long cap = 25L * 1024 * 1024 / 4;
            for (int i = params.size() - 1; i >= 0; i--) {
                size += params.get(i).numel();
                if (size >= cap || i == 0) {
                    buckets.add(torch.ones(size));
                    size = 0;
                }
            }
            for (int r = 0; r < reps + 1; r++) {
                group.barrier("bench barrier");
                long t0 = System.nanoTime();
                List<Work> works = new ArrayList<>();
                for (Tensor b : buckets) {
                    works.add(group.allreduceAsync(b));
                }
                for (Work w : works) {
                    group.await(w, "bench allreduce");
                }
                if (r > 0) { // the first pass connects and warms up
                    ms.add((System.nanoTime() - t0) / 1e6);
                }
            }
        }
        return ms;
    }
}
