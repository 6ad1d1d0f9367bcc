package io.t4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** The hardware ceiling: an N x N x N matmul's FLOP/s in fp32 and bf16, interleaved, median after warm-up. */
public final class PeakSection {
    private PeakSection() {}

    /**
     * The measured peak.
     *
     * @param size         N of the N^3 matmul
     * @param fp32Gflops   2 N^3 / median time, fp32
     * @param bf16Gflops   the same in bf16
     * @param fp32Ms       every timed fp32 run
     * @param bf16Ms       every timed bf16 run
     */
    public record Result(int size, double fp32Gflops, double bf16Gflops, List<Double> fp32Ms, List<Double> bf16Ms)
            implements SectionResult {
        /** The peak FLOP/s of a dtype ("fp32" or "bf16"). */
        public double flops(String dtype) {
            return switch (dtype) {
                case "fp32" -> fp32Gflops * 1e9;
                case "bf16" -> bf16Gflops * 1e9;
                default -> throw new IllegalArgumentException("no peak for dtype '" + dtype + "' (fp32 or bf16)");
            };
        }

        @Override
        public List<Table> tables() {
            var rows = Table.newRows();
            rows.add(List.of("fp32", Table.num(Stats.median(fp32Ms), 1), Table.num(Stats.min(toArray(fp32Ms)), 1),
                    Table.num(fp32Gflops, 0)));
            rows.add(List.of("bf16", Table.num(Stats.median(bf16Ms), 1), Table.num(Stats.min(toArray(bf16Ms)), 1),
                    Table.num(bf16Gflops, 0)));
            return List.of(new Table("peak: " + size + "^3 matmul (the MFU ceiling; measured at the start and again at the end)",
                    List.of("dtype", "median ms", "min ms", "GFLOP/s (median)"), rows,
                    List.of(fp32Ms.size() + " timed runs each after 2 warm-up runs, fp32 and bf16 interleaved")));
        }
    }

    /** {@code runs} timed matmuls per dtype (at least 5), interleaved, after 2 warm-ups each. */
    public static Result run(int size, int runs) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor a32 = torch.randn(size, size);
            Tensor b32 = torch.randn(size, size);
            Tensor a16 = a32.to(ScalarType.BFloat16);
            Tensor b16 = b32.to(ScalarType.BFloat16);
            List<Double> fp32 = new ArrayList<>();
            List<Double> bf16 = new ArrayList<>();
            for (int i = 0; i < runs + 2; i++) {
                double t32 = time(a32, b32);
                double t16 = time(a16, b16);
                if (i >= 2) {
                    fp32.add(t32);
                    bf16.add(t16);
                }
            }
            double flop = 2.0 * size * size * size;
            return new Result(size, flop / Stats.median(fp32) / 1e6, flop / Stats.median(bf16) / 1e6, fp32, bf16);
        }
    }

    private static double time(Tensor a, Tensor b) {
        try (PointerScope s = new PointerScope()) {
            long t0 = System.nanoTime();
            torch.mm(a, b);
            return Stats.msSince(t0);
        }
    }

    static double[] toArray(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

}
