package io.t4j.benchmarks;

import io.t4j.data.DataCollatorWithPadding;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.bert.BertConfig;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.trainer.TrainerDataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether a long Trainer run holds its memory flat: RSS sampled during one run of N steps (default 5,000) over
 * SST-2 train, fp32, batch 32, reported at step 100 and step N. {@code --memory-model tiny} (the default for quick
 * runs) trains a 2-layer, hidden-64 BERT with bge-small's vocabulary; {@code default} trains bge-small itself.
 */
public final class MemorySection {
    private MemorySection() {}

    /**
     * RSS after a step.
     *
     * @param step       global step
     * @param rssMiB     VmRSS
     * @param rssAnonMiB RssAnon (native and Java heap, without mapped files)
     */
    public record Sample(int step, double rssMiB, double rssAnonMiB) {}

    /**
     * The section's result.
     *
     * @param model          "tiny" or "bge-small-en-v1.5"
     * @param steps          N
     * @param rssAt100MiB    RSS after step 100
     * @param rssAtEndMiB    RSS after step N
     * @param growthMiB      RSS at N minus RSS at 100
     * @param samples        every sample taken
     * @param seconds        wall time of the run
     */
    public record Result(String model, int steps, double rssAt100MiB, double rssAtEndMiB, double growthMiB,
                         List<Sample> samples, double seconds) implements SectionResult {
        @Override
        public List<Table> tables() {
            var rows = Table.newRows();
            samples.forEach(s -> rows.add(List.of(String.valueOf(s.step()), Table.num(s.rssMiB(), 0), Table.num(s.rssAnonMiB(), 0))));
            return List.of(new Table(String.format(Locale.ROOT, "memory: RSS over %d Trainer steps (%s, fp32, batch 32, SST-2 train)", steps, model),
                    List.of("step", "RSS MiB", "RssAnon MiB"), rows,
                    List.of(String.format(Locale.ROOT, "step 100: %.0f MiB, step %d: %.0f MiB, change %+.0f MiB over %d steps (%.0f s)",
                            rssAt100MiB, steps, rssAtEndMiB, growthMiB, steps - 100, seconds))));
        }
    }

    public static Result run(BenchContext ctx) {
        BenchOptions o = ctx.options();
        int n = o.memorySteps();
        if (n < 100) {
            throw new IllegalArgumentException("--memory-steps must be at least 100 (RSS is reported at step 100 and at the end), got " + n);
        }
        boolean tiny = o.memoryModel().equals("tiny");
        var model = tiny ? new BertForSequenceClassification(tinyConfig())
                : BertForSequenceClassification.fromPretrained(ctx.bgeSmall(), PretrainedOptions.numLabels(2));
        try {
            TokenCountingDataset data = new TokenCountingDataset(
                    TrainerDataset.of(ctx.trainTokenized(), new DataCollatorWithPadding(ctx.tokenizer())));
            List<Sample> samples = new ArrayList<>();
            int every = Math.max(100, n / 10);
            Progress.say("memory: %d steps of %s", n, tiny ? "the tiny model" : "bge-small");
            long t0 = System.nanoTime();
            TrainerRunner.run(model, data, new TrainerRunner.Spec(false, false, o.batchSize(), n, 42), step -> {
                if (step == 100 || step % every == 0 || step == n) {
                    samples.add(new Sample(step, Proc.rssMiB(), Proc.mib("RssAnon")));
                }
            });
            double seconds = (System.nanoTime() - t0) / 1e9;
            double at100 = samples.stream().filter(s -> s.step() == 100).findFirst().orElseThrow().rssMiB();
            double atEnd = samples.getLast().rssMiB();
            return new Result(tiny ? "tiny (2 layers, hidden 64)" : "bge-small-en-v1.5", n, at100, atEnd, atEnd - at100,
                    samples, seconds);
        } finally {
            model.close();
        }
    }

    /** A 2-layer BERT with hidden 64 and bge-small's 30,522-token vocabulary, 2 labels. */
    static BertConfig tinyConfig() {
        return BertConfig.of(30522, 64, 2, 2, 128).withLabels(Map.of(0, "negative", 1, "positive"), null);
    }
}
