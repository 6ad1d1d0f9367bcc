package io.t4j.benchmarks;

import io.t4j.data.DataCollatorWithPadding;
import io.t4j.engine.gemm.Gemm;
import io.t4j.engine.gemm.GemmPath;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.trainer.TrainerDataset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trainer throughput on the embedded default (bge-small-en-v1.5, BertForSequenceClassification) over real SST-2
 * sentences: for each configuration (fp32 or bf16 autocast, random order or group_by_length), warm-up steps
 * then timed steps, configurations interleaved round by round so they share the machine's background load.
 */
public final class TrainSection {
    private TrainSection() {}

    /**
     * A train configuration.
     *
     * @param dtype         "fp32" (TrainingArguments.bf16=false) or "bf16" (bf16=true: autocast over fp32 weights)
     * @param groupByLength TrainingArguments.group_by_length
     */
    public record Config(String dtype, boolean groupByLength) {
        public Config {
            if (!dtype.equals("fp32") && !dtype.equals("bf16")) {
                throw new IllegalArgumentException("train config dtype must be fp32 or bf16, got '" + dtype + "'");
            }
        }

        /** "fp32-random", "bf16-grouped", ... */
        public String name() {
            return dtype + "-" + (groupByLength ? "grouped" : "random");
        }

        /** Parses {@link #name()}: the error names the option and the accepted values. */
        public static Config parse(String name) {
            String[] p = name.trim().split("-");
            if (p.length != 2 || !(p[0].equals("fp32") || p[0].equals("bf16"))
                    || !(p[1].equals("random") || p[1].equals("grouped"))) {
                throw new IllegalArgumentException("--train-configs: '" + name + "' is not one of fp32-random, "
                        + "fp32-grouped, bf16-random, bf16-grouped");
            }
            return new Config(p[0], p[1].equals("grouped"));
        }
    }

    /**
     * One configuration's measurement.
     *
     * @param config                 {@link Config#name()}
     * @param throughput             the timed steps of every round together
     * @param mfu                    6 N real tokens/s / peak of the dtype (null without a peak)
     * @param mfuPadded              the same with padded tokens (the input grid; the encoder's token-wise work skips
     *                               padding, so only attention still sees it)
     * @param peakRssMiB             VmHWM over this configuration's runs (reset before each)
     * @param load1                  1-minute load average after its last round
     * @param competingLoad          whether a one-core competing load ran during these steps ({@code --competing-load})
     * @param gemmPaths              the share of Linear calls (forward, and the measured backward of the calibration)
     *                               that took each kernel path, by path label
     */
    public record Result(String config, TrainSteps.Throughput throughput, Double mfu, Double mfuPadded,
                         double peakRssMiB, double load1, boolean competingLoad, Map<String, Double> gemmPaths) {
        /** The row's name: the config, marked when it ran beside the competing load. */
        public String name() {
            return config + (competingLoad ? " + load" : "");
        }
    }

    /**
     * One configuration of the PyTorch reference ({@code --torch-reference}): HF's training step in PyTorch eager on
     * the same batches, under one OpenMP wait policy.
     *
     * @param config       {@link Config#name()}
     * @param policy       {@link TorchReference.Policy#name()}
     * @param torchVersion the child's {@code torch.__version__}
     * @param throughput   the timed steps of every round together
     * @param mfu          6 N real tokens/s / peak of the dtype (null without a peak)
     */
    public record Reference(String config, String policy, String torchVersion, TrainSteps.Throughput throughput, Double mfu) {}

    /**
     * The section's result.
     *
     * @param model                  the model trained
     * @param nonEmbeddingParameters N of the MFU formula
     * @param batchSize              per-device batch
     * @param maxLength              truncation of the tokenized sentences
     * @param warmupSteps            untimed steps per round
     * @param timedSteps             timed steps per round
     * @param rounds                 rounds (each runs every configuration once)
     * @param results                one per configuration
     * @param reference              the PyTorch reference per configuration and policy (empty without it)
     */
    public record Report(String model, long nonEmbeddingParameters, int batchSize, int maxLength, int warmupSteps,
                         int timedSteps, int rounds, List<Result> results, List<Reference> reference) implements SectionResult {
        /** Without a PyTorch reference. */
        public Report(String model, long nonEmbeddingParameters, int batchSize, int maxLength, int warmupSteps,
                      int timedSteps, int rounds, List<Result> results) {
            this(model, nonEmbeddingParameters, batchSize, maxLength, warmupSteps, timedSteps, rounds, results, List.of());
        }

        @Override
        public List<Table> tables() {
            var rows = Table.newRows();
            for (Result r : results) {
                var t = r.throughput();
                rows.add(List.of(r.name(), Table.num(t.medianStepMs(), 0), Table.num(t.samplesPerSecond(), 1),
                        Table.num(t.realTokensPerSecond(), 0), Table.num(t.paddedTokensPerSecond(), 0),
                        Table.num(t.meanRealLength(), 1) + " / " + Table.num(t.meanPaddedLength(), 1),
                        Table.pct(r.mfu()), Table.pct(r.mfuPadded()), Table.num(r.peakRssMiB(), 0),
                        t.batchesNotReady() + "/" + t.steps(), Table.num(r.load1(), 2), formatShares(r.gemmPaths())));
            }
            List<Table> tables = new ArrayList<>();
            tables.add(new Table(String.format(Locale.ROOT, "train: %s, batch %d, max_length %d, %d rounds x (%d warm-up + %d timed steps)",
                    model, batchSize, maxLength, rounds, warmupSteps, timedSteps),
                    List.of("config", "median step ms", "samples/s", "real tok/s", "padded tok/s", "real/padded len",
                            "MFU (real)", "MFU (padded)", "peak RSS MiB", "batch not ready", "load1", "GEMM paths"), rows,
                    List.of("MFU = 6 x " + nonEmbeddingParameters + " non-embedding parameters x tokens/s / peak of the "
                            + "same dtype measured in this run (the best kernel path of that dtype, see peak); bf16 = "
                            + "TrainingArguments.bf16 (autocast over fp32 weights)",
                            "MFU (real) is the work done: the encoder's projections and feed-forward run on real tokens only "
                                    + "(Unpadding); MFU (padded) counts the padded input grid, for comparison with dense runs",
                            reference.isEmpty() ? "no PyTorch reference in this run: --torch-reference PYTHON adds HF's "
                                    + "training step in PyTorch eager on the same batches" : "PyTorch reference: see the next table",
                            "GEMM paths: share of Linear forward calls per kernel path (T4J_GEMM=" + System.getenv("T4J_GEMM") + ")")));
            if (!reference.isEmpty()) {
                tables.add(referenceTable());
            }
            var loadRows = Table.newRows();
            for (Result loaded : results) {
                if (!loaded.competingLoad()) {
                    continue;
                }
                results.stream().filter(q -> !q.competingLoad() && q.config().equals(loaded.config())).findFirst()
                        .ifPresent(quiet -> loadRows.add(List.of(loaded.config(),
                                Table.num(quiet.throughput().medianStepMs(), 0), Table.num(loaded.throughput().medianStepMs(), 0),
                                Table.num(loaded.throughput().medianStepMs() / quiet.throughput().medianStepMs(), 2) + "x")));
            }
            if (!loadRows.isEmpty()) {
                tables.add(new Table("train under a competing load on one core (a shell busy loop started and stopped around "
                        + "the loaded steps)", List.of("config", "quiet median step ms", "loaded median step ms", "loaded / quiet"),
                        loadRows, List.of("quiet and loaded runs alternate within each round, on the same batches (same seed)")));
            }
            return tables;
        }

        /** t4j against the better policy of the PyTorch reference, per configuration. */
        Table referenceTable() {
            List<String> policies = reference.stream().map(Reference::policy).distinct().toList();
            List<String> header = new ArrayList<>(List.of("config", "t4j samples/s"));
            policies.forEach(p -> header.add("PyTorch eager, " + p + " samples/s"));
            header.addAll(List.of("t4j / best PyTorch", "t4j MFU", "best PyTorch MFU"));
            var rows = Table.newRows();
            for (Result r : results) {
                List<Reference> refs = reference.stream().filter(x -> x.config().equals(r.config())).toList();
                if (r.competingLoad() || refs.isEmpty()) {
                    continue;
                }
                Reference best = refs.stream().max(java.util.Comparator.comparingDouble(x -> x.throughput().samplesPerSecond())).get();
                List<String> row = new ArrayList<>(List.of(r.config(), Table.num(r.throughput().samplesPerSecond(), 1)));
                for (String p : policies) {
                    row.add(refs.stream().filter(x -> x.policy().equals(p)).findFirst()
                            .map(x -> Table.num(x.throughput().samplesPerSecond(), 1)).orElse(""));
                }
                row.addAll(List.of(Table.num(r.throughput().samplesPerSecond() / best.throughput().samplesPerSecond(), 2) + "x",
                        Table.pct(r.mfu()), Table.pct(best.mfu())));
                rows.add(row);
            }
            return new Table("train: t4j's Trainer against HF's training step in PyTorch eager, the same batches and rounds",
                    header, rows, List.of("PyTorch " + reference.get(0).torchVersion() + " running torch_train_step.py (a "
                            + "resource of t4j-benchmarks): BertForSequenceClassification's sdpa forward (modeling_bert.py), "
                            + "autocast for bf16, backward, clip_grad_norm_, AdamW fused (TrainingArguments' default optim "
                            + "with torch >= 2.8), linear schedule, zero_grad; transformers itself is not installed",
                            "one child process per round and OpenMP wait policy, after t4j's configurations of that round; "
                            + "samples/s = samples / total step time over the timed steps, as t4j's column"));
        }

        static String formatShares(Map<String, Double> paths) {
            if (paths == null || paths.isEmpty()) {
                return "";
            }
            List<String> parts = new ArrayList<>();
            paths.forEach((p, share) -> parts.add(p + " " + Math.round(100 * share) + "%"));
            return String.join(", ", parts);
        }
    }

    /** Runs every configuration of the options, interleaved, on one fp32 bge-small model. */
    public static Report run(BenchContext ctx) {
        BenchOptions o = ctx.options();
        var model = BertForSequenceClassification.fromPretrained(ctx.bgeSmall(), PretrainedOptions.numLabels(2));
        try {
            TrainerDataset base = TrainerDataset.of(ctx.trainTokenized(), new DataCollatorWithPadding(ctx.tokenizer()));
            TokenCountingDataset data = new TokenCountingDataset(base);
            long n = Mfu.nonEmbeddingParameters(model);
            Map<Config, Accumulator> quiet = new LinkedHashMap<>();
            Map<Config, Accumulator> loaded = new LinkedHashMap<>();
            o.trainConfigs().forEach(c -> {
                quiet.put(c, new Accumulator(false));
                loaded.put(c, new Accumulator(true));
            });
            List<Reference> reference = List.of();
            try (TorchReference torch = o.torchReference() == null ? null
                    : TorchReference.prepare(o.torchReference(), ctx.trainTokenized().tokens("input_ids").lengths())) {
                for (int round = 0; round < o.rounds(); round++) {
                    for (Config c : o.trainConfigs()) {
                        runRound(model, data, c, o, round, quiet.get(c), loaded.get(c));
                    }
                    if (torch != null) {
                        Progress.say("train round %d/%d: PyTorch reference", round + 1, o.rounds());
                        torch.runRound(o.trainConfigs(), 42 + round, org.bytedeco.pytorch.global.torch.get_num_threads(),
                                o.batchSize(), o.warmupSteps(), o.steps());
                    }
                }
                if (torch != null) {
                    reference = torch.results(n, dtype -> ctx.peakFlops(dtype));
                }
            }
            List<Result> results = new ArrayList<>();
            quiet.forEach((c, a) -> results.add(a.result(c, n, ctx.peakFlops(c.dtype()))));
            requireSameBatches(results, reference);
            if (o.competingLoad()) {
                loaded.forEach((c, a) -> results.add(a.result(c, n, ctx.peakFlops(c.dtype()))));
            }
            return new Report("bge-small-en-v1.5", n, o.batchSize(), o.maxLength(), o.warmupSteps(), o.steps(),
                    o.rounds(), results, reference);
        } finally {
            model.close();
        }
    }

    /**
     * The reference must have trained on t4j's batches: the same real and padded tokens per example over the same
     * timed steps (its samplers are ports of t4j's); otherwise the comparison is void, and that is an error.
     */
    static void requireSameBatches(List<Result> results, List<Reference> reference) {
        for (Reference ref : reference) {
            for (Result r : results) {
                var a = r.throughput();
                var b = ref.throughput();
                if (!r.competingLoad() && r.config().equals(ref.config()) && (a.steps() != b.steps()
                        || Math.abs(a.meanRealLength() - b.meanRealLength()) > 1e-9
                        || Math.abs(a.meanPaddedLength() - b.meanPaddedLength()) > 1e-9)) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "--torch-reference trained %s (%s) on other "
                            + "batches than t4j: %d steps, real/padded tokens per example %.4f / %.4f against t4j's %d steps, "
                            + "%.4f / %.4f", ref.config(), ref.policy(), b.steps(), b.meanRealLength(), b.meanPaddedLength(),
                            a.steps(), a.meanRealLength(), a.meanPaddedLength()));
                }
            }
        }
    }

    /** One round of one configuration: quiet, then (with --competing-load) beside the one-core load. */
    private static void runRound(BertForSequenceClassification model, TokenCountingDataset data, Config c,
                                 BenchOptions o, int round, Accumulator quiet, Accumulator loaded) {
        Progress.say("train %s round %d/%d", c.name(), round + 1, o.rounds());
        Gemm.resetPathCounts();
        quiet.add(runOnce(model, data, c, o, 42 + round), o.warmupSteps(), Gemm.pathCounts());
        if (o.competingLoad()) {
            Progress.say("train %s round %d/%d beside a one-core load", c.name(), round + 1, o.rounds());
            try (CompetingLoad load = CompetingLoad.start()) {
                Gemm.resetPathCounts();
                var steps = runOnce(model, data, c, o, 42 + round);
                if (!load.alive()) {
                    throw new IllegalStateException("--competing-load: the load process ended early");
                }
                loaded.add(steps, o.warmupSteps(), Gemm.pathCounts());
            }
        }
    }

    private static List<TrainSteps.Step> runOnce(BertForSequenceClassification model, TokenCountingDataset data,
                                                 Config c, BenchOptions o, int seed) {
        Proc.resetPeak();
        var spec = new TrainerRunner.Spec(c.dtype().equals("bf16"), c.groupByLength(), o.batchSize(),
                o.warmupSteps() + o.steps(), seed);
        return TrainerRunner.run(model, data, spec, step -> {});
    }

    /** The timed steps of one configuration across rounds, with its peak RSS. */
    private static final class Accumulator {
        private final boolean competingLoad;
        private final List<TrainSteps.Step> timed = new ArrayList<>();
        private final Map<GemmPath, Long> paths = new java.util.EnumMap<>(GemmPath.class);
        private double peakRss;
        private double load1;

        Accumulator(boolean competingLoad) {
            this.competingLoad = competingLoad;
        }

        void add(List<TrainSteps.Step> steps, int warmup, Map<GemmPath, Long> calls) {
            timed.addAll(steps.subList(Math.min(warmup, steps.size()), steps.size()));
            peakRss = Math.max(peakRss, Proc.peakRssMiB());
            load1 = Proc.load1();
            calls.forEach((p, k) -> paths.merge(p, k, Long::sum));
        }

        Result result(Config c, long n, Double peak) {
            TrainSteps.Throughput t = TrainSteps.summarize(timed, 0);
            return new Result(c.name(), t, Mfu.of(n, t.realTokensPerSecond(), peak),
                    Mfu.of(n, t.paddedTokensPerSecond(), peak), peakRss, load1, competingLoad, shares(paths));
        }
    }

    /** Calls per path → share of all calls per path label. */
    static Map<String, Double> shares(Map<GemmPath, Long> calls) {
        long total = calls.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Double> out = new LinkedHashMap<>();
        calls.forEach((p, k) -> out.put(p.label(), total == 0 ? 0.0 : (double) k / total));
        return out;
    }
}
