package io.t4j.benchmarks;

import io.t4j.engine.Engine;
import io.t4j.engine.gemm.GemmPath;
import io.t4j.engine.gemm.Int8Weights;
import io.t4j.engine.gemm.NativeOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The hardware ceiling: an N x N x N GEMM's FLOP/s through every kernel path t4j can take (OpenBLAS fp32, oneDNN
 * fp32 with the weight packed, oneDNN bf16 per call and packed, int8 dynamic), so MFU divides by the machine's best
 * measured path of each dtype, not by whichever path t4j happens to use.
 *
 * <p>Each path runs in its own block after a pause, because OpenBLAS's workers can keep spinning after an fp32 call
 * and take a core from whatever runs next (about 0.1 s with OpenBLAS's default {@code OPENBLAS_THREAD_TIMEOUT}; t4j
 * sets the shortest unless the environment has one, {@link Engine}); the blocks run twice, in opposite
 * orders, so a drifting background load hits every path alike. One more row shows that interference on purpose: bf16
 * timed right after an OpenBLAS fp32 call, as the old interleaved peak measured it (with the short timeout it should
 * match the bf16 row).
 */
public final class PeakSection {
    private PeakSection() {}

    /** Pause between blocks: OpenBLAS's default thread timeout (2^28 cycles) is about 0.1 s at 2.5 GHz. */
    static final long PAUSE_MS = 300;

    /**
     * One path's measurement.
     *
     * @param dtype    fp32, bf16 or int8
     * @param path     the kernel path's label (see {@link GemmPath})
     * @param medianMs median of the timed runs
     * @param minMs    fastest run
     * @param gflops   2 N^3 / median time (int8: integer operations)
     * @param ms       every timed run
     * @param ceiling  whether it counts towards its dtype's peak (false for the interference row)
     */
    public record PathPeak(String dtype, String path, double medianMs, double minMs, double gflops, List<Double> ms,
                           boolean ceiling) {}

    /**
     * The measured peak.
     *
     * @param size       N of the N^3 GEMM
     * @param fp32Gflops the best fp32 path's GFLOP/s (median of its runs)
     * @param bf16Gflops the best bf16 path's
     * @param paths      every path measured
     */
    public record Result(int size, double fp32Gflops, double bf16Gflops, List<PathPeak> paths) implements SectionResult {
        /** The peak FLOP/s of a dtype ("fp32" or "bf16"): the best path measured. */
        public double flops(String dtype) {
            return switch (dtype) {
                case "fp32" -> fp32Gflops * 1e9;
                case "bf16" -> bf16Gflops * 1e9;
                default -> throw new IllegalArgumentException("no peak for dtype '" + dtype + "' (fp32 or bf16)");
            };
        }

        /** The path that gave a dtype's peak. */
        public String bestPath(String dtype) {
            return paths.stream().filter(p -> p.ceiling() && p.dtype().equals(dtype))
                    .max(java.util.Comparator.comparingDouble(PathPeak::gflops)).map(PathPeak::path).orElse("none");
        }

        @Override
        public List<Table> tables() {
            var rows = Table.newRows();
            for (PathPeak p : paths) {
                boolean best = p.ceiling() && p.path().equals(bestPath(p.dtype())) && !p.dtype().equals("int8");
                rows.add(List.of(p.dtype(), p.path() + (p.ceiling() ? "" : " (interference)"), Table.num(p.medianMs(), 1),
                        Table.num(p.minMs(), 1), (best ? "**" : "") + Table.num(p.gflops(), 0) + (best ? "**" : "")));
            }
            int runs = paths.isEmpty() ? 0 : paths.get(0).ms().size();
            return List.of(new Table("peak: " + size + "^3 GEMM per kernel path (the MFU ceiling: the best path of each "
                    + "dtype, in bold; measured at the start and again at the end)",
                    List.of("dtype", "path", "median ms", "min ms", "GFLOP/s (median)"), rows,
                    List.of(String.format(Locale.ROOT, "%d timed runs per path after 2 warm-up runs, in blocks per path "
                                    + "separated by %d ms pauses, blocks run twice in opposite orders", runs, PAUSE_MS),
                            "x [N,N] times a [N,N] weight; packed = weight reordered once into oneDNN's layout; int8 "
                                    + "dynamic counts 2N^3 integer operations and includes quantizing x per call",
                            "interference: bf16 timed right after an OpenBLAS fp32 GEMM, whose workers spin for "
                                    + "2^OPENBLAS_THREAD_TIMEOUT cycles (" + Engine.liveEnv(Engine.OPENBLAS_THREAD_TIMEOUT)
                                    + " here; OpenBLAS's default 28 is about 0.1 s)")));
        }
    }

    private interface Gemm {
        void run();
    }

    private record Candidate(String dtype, GemmPath path, Gemm gemm, boolean ceiling) {}

    /** {@code runs} timed GEMMs per path (at least 5), after 2 warm-ups each. */
    public static Result run(int size, int runs) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor a32 = torch.randn(size, size);
            Tensor w32 = torch.randn(size, size);
            Tensor a16 = a32.to(ScalarType.BFloat16);
            Tensor w16 = w32.to(ScalarType.BFloat16);
            Tensor packed32 = NativeOps.packLinearWeight(w32);
            Tensor packed16 = NativeOps.packLinearWeight(w16);
            Int8Weights.Quantized q = Int8Weights.quantize(w32);
            IValue packed8 = NativeOps.int8Prepack(Int8Weights.toQuantizedTensor(q.values(), q.scale()), null);
            List<Candidate> candidates = List.of(
                    new Candidate("fp32", GemmPath.OPENBLAS_FP32, () -> torch.mm(a32, w32.t()), true),
                    new Candidate("fp32", GemmPath.ONEDNN_FP32_PACKED, () -> NativeOps.linearPacked(a32, packed32, null), true),
                    new Candidate("bf16", GemmPath.ONEDNN_BF16, () -> torch.mm(a16, w16.t()), true),
                    new Candidate("bf16", GemmPath.ONEDNN_BF16_PACKED, () -> NativeOps.linearPacked(a16, packed16, null), true),
                    new Candidate("int8", GemmPath.INT8_DYNAMIC, () -> NativeOps.int8LinearDynamic(a32, packed8), true),
                    new Candidate("bf16", GemmPath.ONEDNN_BF16, () -> {
                        torch.mm(a32, w32.t());
                        timed[0] = System.nanoTime();
                        torch.mm(a16, w16.t());
                    }, false));
            List<List<Double>> ms = new ArrayList<>();
            candidates.forEach(c -> ms.add(new ArrayList<>()));
            int first = (runs + 1) / 2;
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < candidates.size(); k++) {
                    int i = pass == 0 ? k : candidates.size() - 1 - k;
                    Candidate c = candidates.get(i);
                    pause();
                    int n = pass == 0 ? first : runs - first;
                    for (int r = 0; r < n + (pass == 0 ? 2 : 0); r++) {
                        double t = time(c);
                        if (pass == 1 || r >= 2) {
                            ms.get(i).add(t);
                        }
                    }
                }
            }
            double flop = 2.0 * size * size * size;
            List<PathPeak> paths = new ArrayList<>();
            for (int i = 0; i < candidates.size(); i++) {
                Candidate c = candidates.get(i);
                double median = Stats.median(ms.get(i));
                paths.add(new PathPeak(c.dtype(), c.path().label(), median, Stats.min(toArray(ms.get(i))),
                        flop / median / 1e6, ms.get(i), c.ceiling()));
            }
            pause();
            return new Result(size, best(paths, "fp32"), best(paths, "bf16"), paths);
        }
    }

    /** Start of the timed part of the interference candidate (after its untimed fp32 call). */
    private static final long[] timed = new long[1];

    private static double time(Candidate c) {
        try (PointerScope s = new PointerScope()) {
            timed[0] = System.nanoTime();
            long t0 = timed[0];
            c.gemm().run();
            return Stats.msSince(c.ceiling() ? t0 : timed[0]);
        }
    }

    private static double best(List<PathPeak> paths, String dtype) {
        return paths.stream().filter(p -> p.ceiling() && p.dtype().equals(dtype)).mapToDouble(PathPeak::gflops).max().orElse(0);
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static double[] toArray(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
