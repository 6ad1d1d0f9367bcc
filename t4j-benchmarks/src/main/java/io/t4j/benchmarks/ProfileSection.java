package io.t4j.benchmarks;

import io.t4j.data.DataCollatorWithPadding;
import io.t4j.data.Sampler;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.bert.BertConfig;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.trainer.TrainerDataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where one training step's time goes (bge-small, batch 32, real SST-2 batches, random order), by three methods:
 * <ol>
 *   <li><b>Phase clock</b>: {@link StepPhases} runs the Trainer's step operations with a clock read between them,
 *       fp32 and bf16 autocast, median per phase over the timed steps.</li>
 *   <li><b>Skeleton step</b>: the same phases on a BERT with the same 12 layers, 12 heads, vocabulary and
 *       batches but hidden size 12 (1/1000 of the FLOPs): what remains is the per-operation cost outside the
 *       kernels' arithmetic (Java, JNI, libtorch's dispatcher and autograd bookkeeping, allocation). Its share of the
 *       real step bounds the non-kernel time from above. Java-to-native tensor calls of the forward are counted
 *       ({@link CountingScope}).</li>
 *   <li><b>JFR</b>: the real Trainer for the same number of steps under JFR's thread sampler; the training thread's
 *       Java samples against its native samples ({@link JfrSampler}), per phase, and whether each batch was
 *       padded before its step began ({@link TokenCountingDataset}).</li>
 * </ol>
 */
public final class ProfileSection {
    private ProfileSection() {}

    /**
     * One phase's median time.
     *
     * @param phase          {@link StepPhases#PHASES}
     * @param fp32Ms         bge-small, fp32
     * @param bf16Ms         bge-small, bf16 autocast
     * @param skeletonFp32Ms skeleton, fp32
     * @param skeletonBf16Ms skeleton, bf16 autocast
     */
    public record Phase(String phase, double fp32Ms, double bf16Ms, double skeletonFp32Ms, double skeletonBf16Ms) {}

    /**
     * The section's result.
     *
     * @param steps            timed steps per configuration
     * @param phases           per phase
     * @param forwardCalls     Java-to-native tensor calls from tensor creation to the loss (per step)
     * @param usPerForwardCall skeleton fp32 (tensors + label check + forward) time / forwardCalls
     * @param jfr              JFR samples of the training and data-loader threads (real Trainer, fp32)
     * @param batchesNotReady  Trainer steps whose batch was not padded when the step began
     * @param trainerSteps     Trainer steps under JFR
     */
    public record Result(int steps, List<Phase> phases, long forwardCalls, double usPerForwardCall,
                         List<JfrSampler.ThreadSamples> jfr, int batchesNotReady, int trainerSteps) implements SectionResult {
        double total(java.util.function.ToDoubleFunction<Phase> f) {
            return phases.stream().mapToDouble(f).sum();
        }

        @Override
        public List<Table> tables() {
            return List.of(phaseTable(), jfrTable());
        }

        private Table phaseTable() {
            var rows = Table.newRows();
            double f = total(Phase::fp32Ms);
            double b = total(Phase::bf16Ms);
            for (Phase p : phases) {
                rows.add(List.of(p.phase(), Table.num(p.fp32Ms(), 2), Table.pct(p.fp32Ms() / f), Table.num(p.bf16Ms(), 2),
                        Table.pct(p.bf16Ms() / b), Table.num(p.skeletonFp32Ms(), 2), Table.num(p.skeletonBf16Ms(), 2)));
            }
            double sf = total(Phase::skeletonFp32Ms);
            double sb = total(Phase::skeletonBf16Ms);
            rows.add(List.of("**step**", Table.num(f, 1), "100%", Table.num(b, 1), "100%", Table.num(sf, 1), Table.num(sb, 1)));
            return new Table("profile: one training step by phase (bge-small, batch 32, SST-2, median of " + steps + " steps)",
                    List.of("phase", "fp32 ms", "fp32 share", "bf16 ms", "bf16 share", "skeleton fp32 ms", "skeleton bf16 ms"),
                    rows, List.of(String.format(Locale.ROOT, "skeleton = same layers, heads, vocabulary and batches, hidden 12 "
                            + "(1/1000 of the FLOPs): its step is the per-op cost outside kernel arithmetic, an upper bound "
                            + "on non-kernel time: %.1f%% of the fp32 step, %.1f%% of the bf16 step", 100 * sf / f, 100 * sb / b),
                            String.format(Locale.ROOT, "forward: %d Java-to-native tensor calls per step, %.1f us each on the skeleton",
                                    forwardCalls, usPerForwardCall)));
        }

        private Table jfrTable() {
            var rows = Table.newRows();
            List<String> notes = new ArrayList<>();
            for (JfrSampler.ThreadSamples t : jfr) {
                for (JfrSampler.PhaseSamples p : t.phases()) {
                    rows.add(List.of(t.thread(), p.phase(), String.valueOf(p.java()), String.valueOf(p.nativ())));
                }
                rows.add(List.of(t.thread(), "**all**", String.valueOf(t.javaSamples()), String.valueOf(t.nativeSamples())));
                notes.add(t.thread() + ": " + Table.pct(t.javaShare()) + " of samples in Java; top Java frames "
                        + t.topJavaFrames());
            }
            notes.add("batches not padded when their step began: " + batchesNotReady + " of " + trainerSteps
                    + " (one prefetch worker, 2 batches ahead)");
            return new Table("profile: JFR thread samples over " + trainerSteps + " Trainer steps (fp32), 10 ms period",
                    List.of("thread", "phase", "Java samples", "native samples"), rows, notes);
        }
    }

    public static Result run(BenchContext ctx) {
        BenchOptions o = ctx.options();
        int steps = o.profileSteps();
        TrainerDataset data = TrainerDataset.of(ctx.trainTokenized(), new DataCollatorWithPadding(ctx.tokenizer()));
        List<int[]> batches = batches(data.size(), o.batchSize(), 2 + steps);
        Map<String, double[]> real;
        Map<String, double[]> skeleton;
        long calls;
        double skeletonForwardMs;
        try (var model = BertForSequenceClassification.fromPretrained(ctx.bgeSmall(), PretrainedOptions.numLabels(2))) {
            Progress.say("profile: phase clock, bge-small fp32 and bf16, %d steps each", steps);
            real = phases(model, data, batches);
        }
        try (var model = new BertForSequenceClassification(skeletonConfig())) {
            Progress.say("profile: skeleton step");
            skeleton = phases(model, data, batches);
            try (StepPhases<BertForSequenceClassification> s = new StepPhases<>(model, false)) {
                StepPhases.Timing t = s.step(data, batches.get(0));
                calls = t.forwardCalls();
            }
        }
        List<Phase> phases = new ArrayList<>();
        for (int i = 0; i < StepPhases.PHASES.size(); i++) {
            phases.add(new Phase(StepPhases.PHASES.get(i), real.get("fp32")[i], real.get("bf16")[i],
                    skeleton.get("fp32")[i], skeleton.get("bf16")[i]));
        }
        skeletonForwardMs = skeleton.get("fp32")[1] + skeleton.get("fp32")[2] + skeleton.get("fp32")[3];
        return jfr(ctx, data, steps, phases, calls, 1000 * skeletonForwardMs / calls);
    }

    private static Result jfr(BenchContext ctx, TrainerDataset base, int steps, List<Phase> phases, long calls, double usPerCall) {
        Progress.say("profile: %d Trainer steps under JFR", steps);
        TokenCountingDataset data = new TokenCountingDataset(base);
        List<TrainSteps.Step> recorded = new ArrayList<>();
        try (var model = BertForSequenceClassification.fromPretrained(ctx.bgeSmall(), PretrainedOptions.numLabels(2))) {
            var spec = new TrainerRunner.Spec(false, false, ctx.options().batchSize(), 2 + steps, 7);
            List<JfrSampler.ThreadSamples> samples = JfrSampler.sample(
                    () -> recorded.addAll(TrainerRunner.run(model, data, spec, s -> {})),
                    List.of(Thread.currentThread().getName(), "t4j-dataloader"));
            int notReady = (int) recorded.stream().skip(1).filter(s -> !s.batchReady()).count();
            return new Result(steps, phases, calls, usPerCall, samples, notReady, recorded.size() - 1);
        }
    }

    /** fp32 and bf16: 2 warm-up steps then the timed ones; the median of each phase. */
    private static Map<String, double[]> phases(BertForSequenceClassification model, TrainerDataset data, List<int[]> batches) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String dtype : List.of("fp32", "bf16")) {
            try (StepPhases<BertForSequenceClassification> s = new StepPhases<>(model, dtype.equals("bf16"))) {
                List<StepPhases.Timing> timed = new ArrayList<>();
                for (int i = 0; i < batches.size(); i++) {
                    StepPhases.Timing t = s.step(data, batches.get(i));
                    if (i >= 2) {
                        timed.add(t);
                    }
                }
                double[] medians = new double[StepPhases.PHASES.size()];
                for (int p = 0; p < medians.length; p++) {
                    String name = StepPhases.PHASES.get(p);
                    medians[p] = Stats.median(timed.stream().mapToDouble(t -> t.millis().get(name)).toArray());
                }
                out.put(dtype, medians);
            }
        }
        return out;
    }

    private static List<int[]> batches(int n, int batchSize, int count) {
        int[] order = Sampler.random(n, 42).order(0);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(Arrays.copyOfRange(order, i * batchSize, (i + 1) * batchSize));
        }
        return out;
    }

    /** bge-small's layers, heads and vocabulary with hidden size 12 (head dim 1) and intermediate 12. */
    static BertConfig skeletonConfig() {
        return BertConfig.of(30522, 12, 12, 12, 12).withLabels(Map.of(0, "negative", 1, "positive"), null);
    }
}
