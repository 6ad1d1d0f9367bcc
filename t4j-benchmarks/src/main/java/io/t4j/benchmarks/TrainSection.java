package io.t4j.benchmarks;

import io.t4j.data.DataCollatorWithPadding;
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
     */
    public record Result(String config, TrainSteps.Throughput throughput, Double mfu, Double mfuPadded,
                         double peakRssMiB, double load1) {}

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
     */
    public record Report(String model, long nonEmbeddingParameters, int batchSize, int maxLength, int warmupSteps,
                         int timedSteps, int rounds, List<Result> results) implements SectionResult {
        @Override
        public List<Table> tables() {
            var rows = Table.newRows();
            for (Result r : results) {
                var t = r.throughput();
                rows.add(List.of(r.config(), Table.num(t.medianStepMs(), 0), Table.num(t.samplesPerSecond(), 1),
                        Table.num(t.realTokensPerSecond(), 0), Table.num(t.paddedTokensPerSecond(), 0),
                        Table.num(t.meanRealLength(), 1) + " / " + Table.num(t.meanPaddedLength(), 1),
                        Table.pct(r.mfu()), Table.pct(r.mfuPadded()), Table.num(r.peakRssMiB(), 0),
                        t.batchesNotReady() + "/" + t.steps(), Table.num(r.load1(), 2)));
            }
            return List.of(new Table(String.format(Locale.ROOT, "train: %s, batch %d, max_length %d, %d rounds x (%d warm-up + %d timed steps)",
                    model, batchSize, maxLength, rounds, warmupSteps, timedSteps),
                    List.of("config", "median step ms", "samples/s", "real tok/s", "padded tok/s", "real/padded len",
                            "MFU (real)", "MFU (padded)", "peak RSS MiB", "batch not ready", "load1"), rows,
                    List.of("MFU = 6 x " + nonEmbeddingParameters + " non-embedding parameters x tokens/s / peak of the "
                            + "same dtype measured in this run; bf16 = TrainingArguments.bf16 (autocast over fp32 weights)",
                            "MFU (real) is the work done: the encoder's projections and feed-forward run on real tokens only "
                                    + "(Unpadding); MFU (padded) counts the padded input grid, for comparison with dense runs",
                            "HF transformers 4.46.1 reference on this machine (issue 6): 13.8 samples/s fp32, 39-55 with bf16 "
                                    + "autocast (random batches of 32, mean padded length 40)")));
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
            Map<Config, Accumulator> acc = new LinkedHashMap<>();
            o.trainConfigs().forEach(c -> acc.put(c, new Accumulator()));
            for (int round = 0; round < o.rounds(); round++) {
                for (Config c : o.trainConfigs()) {
                    Progress.say("train %s round %d/%d", c.name(), round + 1, o.rounds());
                    acc.get(c).add(runOnce(model, data, c, o, 42 + round), o.warmupSteps());
                }
            }
            List<Result> results = new ArrayList<>();
            acc.forEach((c, a) -> results.add(a.result(c, n, ctx.peakFlops(c.dtype()))));
            return new Report("bge-small-en-v1.5", n, o.batchSize(), o.maxLength(), o.warmupSteps(), o.steps(),
                    o.rounds(), results);
        } finally {
            model.close();
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
        private final List<TrainSteps.Step> timed = new ArrayList<>();
        private double peakRss;
        private double load1;

        void add(List<TrainSteps.Step> steps, int warmup) {
            timed.addAll(steps.subList(Math.min(warmup, steps.size()), steps.size()));
            peakRss = Math.max(peakRss, Proc.peakRssMiB());
            load1 = Proc.load1();
        }

        Result result(Config c, long n, Double peak) {
            TrainSteps.Throughput t = TrainSteps.summarize(timed, 0);
            return new Result(c.name(), t, Mfu.of(n, t.realTokensPerSecond(), peak),
                    Mfu.of(n, t.paddedTokensPerSecond(), peak), peakRss, load1);
        }
    }
}
