package io.t4j.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.t4j.data.DataCollatorWithPadding;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.trainer.TrainerDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The same train-step measurement under each lever, side by side in one run. Thread policy and the allocator are read
 * from the environment when libtorch, libgomp and OpenBLAS load, so each such setting runs in a child JVM with that
 * environment (the same java, JVM flags and classpath, {@code --sections train}); the other levers run in this JVM,
 * interleaved round by round.
 */
public final class LeversSection {
    private LeversSection() {}

    /**
     * One lever setting.
     *
     * @param lever            what is varied
     * @param setting          the value
     * @param config           train configuration measured
     * @param samplesPerSecond samples/s over the timed steps
     * @param medianStepMs     median step
     * @param realTokensPerSecond real tokens/s
     * @param relative         samples/s over the lever's baseline row
     */
    public record Lever(String lever, String setting, String config, double samplesPerSecond, double medianStepMs,
                        double realTokensPerSecond, double relative) {}

    /**
     * The section's result.
     *
     * @param steps   timed steps per measurement (after warm-up)
     * @param levers  every setting
     */
    public record Result(int steps, List<Lever> levers) implements SectionResult {
        @Override
        public List<Table> tables() {
            var rows = Table.newRows();
            levers.forEach(l -> rows.add(List.of(l.lever(), l.setting(), l.config(), Table.num(l.samplesPerSecond(), 1),
                    Table.num(l.medianStepMs(), 0), Table.num(l.realTokensPerSecond(), 0), Table.num(l.relative(), 2) + "x")));
            return List.of(new Table("levers: Trainer steps on bge-small, batch 32, SST-2 (" + steps + " timed steps each)",
                    List.of("lever", "setting", "config", "samples/s", "median step ms", "real tok/s", "vs first row of lever"),
                    rows, List.of("thread settings: child JVMs with that environment, run one after another (not "
                            + "interleaved within a step); the launcher default runs first and again last: a setting "
                            + "counts only where it beats both of those rows by more than they differ from each other",
                            "bf16 weights: PretrainedOptions.withDtype(BFloat16) with TrainingArguments.bf16=false; the Trainer "
                                    + "has no fp32 master copy today, so AdamW updates the bf16 weights in place")));
        }
    }

    /** An environment variant for a child JVM: variables to set, and ones to remove. */
    record EnvVariant(String lever, String setting, Map<String, String> set, List<String> remove) {}

    static List<EnvVariant> envVariants() {
        return List.of(
                new EnvVariant("threads", "launcher default (GOMP_SPINCOUNT=3000, OMP_WAIT_POLICY=PASSIVE, "
                        + "OPENBLAS_THREAD_TIMEOUT=4, 2 threads, tcmalloc where installed)", Map.of(), List.of()),
                new EnvVariant("threads", "GOMP_SPINCOUNT=0 (no spin: t4j's default before 2026-12-06)", Map.of("GOMP_SPINCOUNT", "0"), List.of()),
                new EnvVariant("threads", "T4J_NUM_THREADS=1", Map.of("T4J_NUM_THREADS", "1"), List.of()),
                new EnvVariant("threads", "T4J_NUM_THREADS=2", Map.of("T4J_NUM_THREADS", "2"), List.of()),
                new EnvVariant("threads", "OPENBLAS_NUM_THREADS=1", Map.of("OPENBLAS_NUM_THREADS", "1"), List.of()),
                new EnvVariant("threads", "OPENBLAS_NUM_THREADS=2", Map.of("OPENBLAS_NUM_THREADS", "2"), List.of()),
                new EnvVariant("threads", "OPENBLAS_THREAD_TIMEOUT=28 (OpenBLAS's default: workers spin about 0.1 s; "
                        + "t4j's default before 2026-12-07)", Map.of("OPENBLAS_THREAD_TIMEOUT", "28"), List.of()),
                new EnvVariant("threads", "GOMP_SPINCOUNT=300000 (libgomp's default spin)",
                        Map.of("GOMP_SPINCOUNT", "300000"), List.of("OMP_WAIT_POLICY")),
                new EnvVariant("threads", "OPENBLAS_THREAD_TIMEOUT=4 + GOMP_SPINCOUNT=30000 (OpenBLAS sleeps, OpenMP spins briefly)",
                        Map.of("OPENBLAS_THREAD_TIMEOUT", "4", "GOMP_SPINCOUNT", "30000", "OMP_WAIT_POLICY", "ACTIVE"), List.of()),
                new EnvVariant("threads", "glibc's malloc (LD_PRELOAD removed: without the tcmalloc the launcher "
                        + "preloads where installed)", Map.of(), List.of("LD_PRELOAD", "T4J_PRELOADED")),
                // the children run one after another: the first row again, last, shows how far the machine drifted
                new EnvVariant("threads", "launcher default again, last (the drift across these rows)", Map.of(), List.of()));
    }

    public static Result run(BenchContext ctx) throws IOException, InterruptedException {
        BenchOptions o = ctx.options();
        List<Lever> levers = new ArrayList<>(inProcess(ctx));
        List<Lever> env = new ArrayList<>();
        for (EnvVariant v : envVariants()) {
            Progress.say("levers: child JVM with %s", v.setting());
            env.addAll(child(o, v));
        }
        levers.addAll(relativeTo(env));
        return new Result(o.leverSteps(), levers);
    }

    /**
     * In this JVM, interleaved per round: weights dtype vs autocast, group_by_length, and the training-time dropout
     * and attention implementations (system properties read at each call).
     */
    private static List<Lever> inProcess(BenchContext ctx) {
        BenchOptions o = ctx.options();
        TokenCountingDataset data = new TokenCountingDataset(
                TrainerDataset.of(ctx.trainTokenized(), new DataCollatorWithPadding(ctx.tokenizer())));
        record Setting(String lever, String setting, String config, boolean bf16Weights, boolean autocast, boolean grouped,
                       Map<String, String> properties) {
            Setting(String lever, String setting, String config, boolean bf16Weights, boolean autocast, boolean grouped) {
                this(lever, setting, config, bf16Weights, autocast, grouped, Map.of());
            }
        }
        Map<String, String> libtorchDropout = Map.of("t4j.dropout", "torch");
        Map<String, String> sdpaMath = Map.of("t4j.attention", "sdpa", "t4j.dropout", "torch");
        Map<String, String> bmmProducts = Map.of("t4j.attention.products", "bmm");
        List<Setting> settings = List.of(
                new Setting("bf16 mode", "fp32 weights, no autocast", "fp32-random", false, false, false),
                new Setting("bf16 mode", "fp32 weights + bf16 autocast (Trainer bf16=true)", "bf16-random", false, true, false),
                new Setting("bf16 mode", "bf16 weights, no autocast", "bf16w-random", true, false, false),
                new Setting("group_by_length", "off", "fp32-random", false, false, false),
                new Setting("group_by_length", "on", "fp32-grouped", false, false, true),
                new Setting("group_by_length (bf16)", "off", "bf16-random", false, true, false),
                new Setting("group_by_length (bf16)", "on", "bf16-grouped", false, true, true),
                new Setting("dropout", "torch.dropout (libtorch bernoulli_, -Dt4j.dropout=torch)", "fp32-grouped", false, false, true, libtorchDropout),
                new Setting("dropout", "t4j mask (Dropout.mask, default)", "fp32-grouped", false, false, true),
                new Setting("attention + dropout in training", "SDPA math path + torch.dropout (before)", "fp32-grouped", false, false, true, sdpaMath),
                new Setting("attention + dropout in training", "eager + t4j mask (default)", "fp32-grouped", false, false, true),
                new Setting("attention + dropout in training (random)", "SDPA math path + torch.dropout (before)", "fp32-random", false, false, false, sdpaMath),
                new Setting("attention + dropout in training (random)", "eager + t4j mask (default)", "fp32-random", false, false, false),
                new Setting("fp32 attention products", "libtorch bmm (-Dt4j.attention.products=bmm)", "fp32-grouped", false, false, true, bmmProducts),
                new Setting("fp32 attention products", "grouped 1x1 convolutions (BatchedProducts, default)", "fp32-grouped", false, false, true),
                new Setting("fp32 attention products (random)", "libtorch bmm (-Dt4j.attention.products=bmm)", "fp32-random", false, false, false, bmmProducts),
                new Setting("fp32 attention products (random)", "grouped 1x1 convolutions (BatchedProducts, default)", "fp32-random", false, false, false));
        Map<Setting, List<TrainSteps.Step>> timed = new LinkedHashMap<>();
        settings.forEach(s -> timed.put(s, new ArrayList<>()));
        try (var fp32 = BertForSequenceClassification.fromPretrained(ctx.bgeSmall(), PretrainedOptions.numLabels(2));
             var bf16 = BertForSequenceClassification.fromPretrained(ctx.bgeSmall(),
                     PretrainedOptions.numLabels(2).withDtype(ScalarType.BFloat16))) {
            for (int round = 0; round < o.rounds(); round++) {
                for (Setting s : settings) {
                    Progress.say("levers: %s = %s, round %d", s.lever(), s.setting(), round + 1);
                    var spec = new TrainerRunner.Spec(s.autocast(), s.grouped(), o.batchSize(), o.warmupSteps() + o.leverSteps(), 42 + round);
                    s.properties().forEach(System::setProperty);
                    List<TrainSteps.Step> steps;
                    try {
                        steps = TrainerRunner.run(s.bf16Weights() ? bf16 : fp32, data, spec, x -> {});
                    } finally {
                        s.properties().keySet().forEach(System::clearProperty);
                    }
                    timed.get(s).addAll(steps.subList(o.warmupSteps(), steps.size()));
                }
            }
        }
        List<Lever> out = new ArrayList<>();
        timed.forEach((s, steps) -> {
            var t = TrainSteps.summarize(steps, 0);
            out.add(new Lever(s.lever(), s.setting(), s.config(), t.samplesPerSecond(), t.medianStepMs(), t.realTokensPerSecond(), 1.0));
        });
        return relativeTo(out);
    }

    /** Sets each row's {@code relative} to its samples/s over the first row of the same lever. */
    static List<Lever> relativeTo(List<Lever> levers) {
        Map<String, Double> first = new LinkedHashMap<>();
        List<Lever> out = new ArrayList<>();
        for (Lever l : levers) {
            String key = l.lever() + "|" + l.config();
            double base = first.computeIfAbsent(key, k -> l.samplesPerSecond());
            out.add(new Lever(l.lever(), l.setting(), l.config(), l.samplesPerSecond(), l.medianStepMs(),
                    l.realTokensPerSecond(), l.samplesPerSecond() / base));
        }
        return out;
    }

    /** Runs {@code t4j bench --sections train} in a child JVM with the variant's environment. */
    private static List<Lever> child(BenchOptions o, EnvVariant v) throws IOException, InterruptedException {
        Path json = Files.createTempFile("t4j-bench-lever", ".json");
        Path log = Files.createTempFile("t4j-bench-lever", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(childCommand(o, json)).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(v.set());
            v.remove().forEach(pb.environment()::remove);
            int rc = pb.start().waitFor();
            if (rc != 0) {
                List<String> lines = Files.readAllLines(log);
                throw new IllegalStateException("levers: the child JVM with " + v.setting() + " exited with " + rc + "; its "
                        + "last lines:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
            }
            List<Lever> out = new ArrayList<>();
            for (JsonNode r : Bench.JSON.readTree(json.toFile()).path("sections").path("train").path("results")) {
                JsonNode t = r.path("throughput");
                out.add(new Lever(v.lever(), v.setting(), r.path("config").asText(), t.path("samples_per_second").asDouble(),
                        t.path("median_step_ms").asDouble(), t.path("real_tokens_per_second").asDouble(), 1.0));
            }
            return out;
        } finally {
            Files.deleteIfExists(json);
            Files.deleteIfExists(log);
        }
    }

    static List<String> childCommand(BenchOptions o, Path json) {
        List<String> cmd = Proc.javaLikeThis(Bench.class);
        cmd.addAll(List.of("--sections", "train",
                "--no-peak", "--train-configs", "fp32-random,bf16-random", "--steps", String.valueOf(o.leverSteps()),
                "--warmup-steps", String.valueOf(o.warmupSteps()), "--rounds", "1", "--batch-size", String.valueOf(o.batchSize()),
                "--max-length", String.valueOf(o.maxLength()), "--sst2", o.sst2().toString(), "--json", json.toString()));
        return cmd;
    }
}
