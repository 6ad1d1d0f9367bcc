package io.t4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The train section's MFU against the best peak of the run: the peak measured at the start (which the train table
 * divides by, as it is printed before the run ends) or the one measured again at the end, whichever is higher. On a
 * machine whose speed drifts, a slow start inflates the first figure; this one is against the machine's best
 * measured ceiling, as issue 22 asks.
 *
 * @param startFp32 start peaks in FLOP/s
 * @param endFp32   end peaks in FLOP/s
 * @param rows      one per train configuration
 */
public record BestPeakMfu(double startFp32, double startBf16, double endFp32, double endBf16, List<Row> rows)
        implements SectionResult {

    /** A configuration's real tokens/s and its MFU against the best peak of its dtype. */
    public record Row(String config, double realTokensPerSecond, Double mfu) {}

    /** From the train report and the two peaks; null when a part is missing. */
    static BestPeakMfu of(TrainSection.Report train, PeakSection.Result start, PeakSection.Result end) {
        if (train == null || start == null || end == null) {
            return null;
        }
        List<Row> rows = new ArrayList<>();
        for (TrainSection.Result r : train.results()) {
            String dtype = TrainSection.Config.parse(r.config()).dtype();
            double best = Math.max(start.flops(dtype), end.flops(dtype));
            double tokens = r.throughput().realTokensPerSecond();
            rows.add(new Row(r.name(), tokens, Mfu.of(train.nonEmbeddingParameters(), tokens, best)));
        }
        return new BestPeakMfu(start.flops("fp32"), start.flops("bf16"), end.flops("fp32"), end.flops("bf16"), rows);
    }

    @Override
    public List<Table> tables() {
        var out = Table.newRows();
        rows.forEach(r -> out.add(List.of(r.config(), Table.num(r.realTokensPerSecond(), 0), Table.pct(r.mfu()))));
        return List.of(new Table(String.format(Locale.ROOT,
                "train: MFU against the run's best peak (fp32 %.0f / %.0f, bf16 %.0f / %.0f GFLOP/s at start / end)",
                startFp32 / 1e9, endFp32 / 1e9, startBf16 / 1e9, endBf16 / 1e9),
                List.of("config", "real tok/s", "MFU (real), best peak"), out,
                List.of("the train table above divides by the start peak; this one by the higher of the two")));
    }
}
