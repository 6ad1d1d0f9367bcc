package io.t4j.engine.gemm;

import io.t4j.engine.Cpu;
import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The one place that decides which library computes a {@code Linear} on CPU ({@code y = x W^T + b}). Model code
 * calls {@code Linear.forward}; this class picks the path per call:
 * <ul>
 *   <li><b>int8</b> weights (a quantized layer): {@code quantized::linear_dynamic}.</li>
 *   <li><b>frozen</b> weights (no gradient needed: a model loaded for inference) in fp32: OpenBLAS through
 *       {@code torch.linear}, or oneDNN with the weight packed once ({@link GemmPath#ONEDNN_FP32_PACKED}); in bf16
 *       (bf16 weights, or fp32 weights under bf16 autocast): oneDNN per call or packed once.</li>
 *   <li><b>trainable</b> fp32 weights: OpenBLAS through {@code torch.linear} or oneDNN through
 *       {@code torch.mkldnn_linear}, both with autograd. Under autocast or with bf16 weights: {@code torch.linear},
 *       which libtorch sends to oneDNN's bf16 matmul.</li>
 * </ul>
 * Where two paths compute the same thing, {@link GemmPolicy} decides per weight shape and row count from a short
 * measurement on this machine (cached on disk per machine), logged at debug level. {@code auto} (the default) runs
 * fp32 inference on oneDNN with packed weights; fp32 training on OpenBLAS ({@code torch.linear}) when OpenBLAS's
 * workers sleep at once and run the CPU's widest kernels ({@link #openblasForFp32Training()}; {@link Engine} sets the
 * timeout), else on oneDNN ({@code mkldnn_linear}). A trainable layer takes the same path with or without grad, so
 * gradient checkpointing's recomputed forward repeats the first one exactly. Only bf16 inference's two oneDNN paths
 * are measured. End-to-end measurements decided it (BENCHMARKS.md): mixing libraries per shape (what
 * {@code T4J_GEMM=measure} does) made a batch-1 forward slower although each shape's choice won alone (bge-small: 40.9
 * and 43.8 ms against 33.8 and 35.7 ms on OpenBLAS alone); with OpenBLAS's default worker timeout (about 0.1 s of
 * spinning after each call, beside libgomp's threads) the fp32 training step on oneDNN took 825 ms against 984 ms on
 * OpenBLAS, a batch-1 forward 12.5 against 17.7 ms; with the short timeout the training step on OpenBLAS is
 * 1.08x-1.10x faster than on oneDNN (paired, both orders), while packed oneDNN stays ahead for inference (batch 32:
 * OpenBLAS 1.01x-1.03x its time).
 * Whatever the choice, a weight shape for which oneDNN's fp32 path gives other results than {@code torch.linear} on
 * this CPU (probed once per shape, {@link PackedLayouts}; seen on a Zen 5) takes {@code torch.linear}; on a CPU where
 * the shapes that were wrong on the Zen 5 are wrong, every fp32 linear does ({@link PackedLayouts#fp32Trusted}).
 * {@code T4J_GEMM=openblas} (or {@code -Dt4j.gemm=openblas}) forces plain {@code torch.linear} everywhere (t4j's fp32
 * behaviour before 2026-12-06), {@code T4J_GEMM=onednn} the oneDNN paths for bf16 too.
 *
 * <p>Every call is counted per path ({@link #pathCounts()}), so benchmarks can report which kernels ran.
 */
public final class Gemm {
    private Gemm() {}

    /** {@code T4J_GEMM}: which backend fp32 linears take. */
    public enum Backend {
        /** fp32 on oneDNN (packed for inference), bf16 inference per call or packed as measured (both oneDNN): the default. */
        AUTO,
        /** Every choice measured per shape, fp32 too, so one model may mix OpenBLAS and oneDNN. */
        MEASURE,
        OPENBLAS,
        ONEDNN;

        /** Parses {@code auto}, {@code measure}, {@code openblas} or {@code onednn}; anything else is an error naming the value. */
        public static Backend parse(String value, String source) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "auto", "" -> AUTO;
                case "measure" -> MEASURE;
                case "openblas" -> OPENBLAS;
                case "onednn", "mkldnn" -> ONEDNN;
                default -> throw new IllegalArgumentException(source + "=" + value + " is not a GEMM backend "
                        + "(expected auto, measure, openblas or onednn)");
            };
        }
    }

    private static final LongAdder[] COUNTS = new LongAdder[GemmPath.values().length];
    private static volatile Backend forced;

    static {
        for (int i = 0; i < COUNTS.length; i++) {
            COUNTS[i] = new LongAdder();
        }
    }

    /** The backend from {@code T4J_GEMM} (env) or {@code t4j.gemm} (system property), else auto. */
    public static Backend backend() {
        Backend b = forced;
        if (b != null) {
            return b;
        }
        String env = System.getenv("T4J_GEMM");
        if (env != null) {
            return Backend.parse(env, "T4J_GEMM");
        }
        String prop = System.getProperty("t4j.gemm");
        return prop == null ? Backend.AUTO : Backend.parse(prop, "-Dt4j.gemm");
    }

    /**
     * Overrides the environment's backend for this JVM (benchmarks comparing paths side by side); null returns to
     * the environment's. Layers re-decide on their next call.
     */
    public static void forceBackend(Backend backend) {
        forced = backend;
    }

    /** Calls per path since the start (or the last {@link #resetPathCounts()}). */
    public static Map<GemmPath, Long> pathCounts() {
        Map<GemmPath, Long> out = new EnumMap<>(GemmPath.class);
        for (GemmPath p : GemmPath.values()) {
            long n = COUNTS[p.ordinal()].sum();
            if (n > 0) {
                out.put(p, n);
            }
        }
        return out;
    }

    public static void resetPathCounts() {
        for (LongAdder c : COUNTS) {
            c.reset();
        }
    }

    /**
     * The decisions of the measuring policy so far (loaded from this machine's cache or measured in this JVM):
     * {@code KIND.outxin.rowsbucket} → path label, with both medians where measured here. Empty when a backend is
     * forced.
     */
    public static Map<String, String> decisions() {
        return GemmPolicy.get().decisions();
    }

    /** Forgets the decisions, in memory and in this machine's cache file, so the next calls measure again. */
    public static void recalibrate() {
        GemmPolicy.get().clear();
    }

    /** What the cached decisions are keyed on: CPU, threads, libtorch, BLAS and OpenMP environment. */
    public static String machine() {
        return GemmPolicy.machineDescription();
    }

    static void count(GemmPath path) {
        COUNTS[path.ordinal()].increment();
    }

    /** What kind of call this is: which paths can compute it. */
    enum Kind {
        /** frozen fp32 weight, no autocast: OpenBLAS or oneDNN packed */
        FP32_INFER,
        /** frozen bf16 weight, or frozen fp32 weight under bf16 autocast: oneDNN per call or packed */
        BF16_INFER,
        /** trainable fp32 weight, no autocast: OpenBLAS or oneDNN (mkldnn_linear), both with autograd */
        FP32_TRAIN,
        /** everything else: torch.linear */
        PLAIN
    }

    /**
     * Whether fp32 training GEMMs run on OpenBLAS rather than oneDNN: OpenBLAS's workers sleep right after a call
     * ({@code OPENBLAS_THREAD_TIMEOUT} at most 10, i.e. 2^10 cycles; t4j sets 4 unless the environment has a value),
     * it runs as many threads as libtorch's intra-op pool (OpenBLAS takes {@code OPENBLAS_NUM_THREADS}, else
     * {@code GOTO_NUM_THREADS}, else {@code OMP_NUM_THREADS}, else every core: fewer made its GEMMs 0.75x as fast, more
     * would crowd a process given fewer cores, such as a data-parallel rank or a Spark task with one thread), and
     * {@code OPENBLAS_CORETYPE} does not hold it below the CPU's AVX-512
     * (on the Zen 5 of issue 22, whose environment sets {@code Haswell}, OpenBLAS's AVX2 kernels gave 206-239 GFLOP/s
     * against oneDNN's 380-414; on Zen 4, whose AVX-512 runs at AVX2's width, they were still 1.07x faster than
     * oneDNN in a training step, but the rule does not guess per microarchitecture). Decided once per JVM, from the
     * live process environment (OpenBLAS reads it once, when it loads): every fp32 training {@code Linear} call asks.
     */
    public static boolean openblasForFp32Training() {
        Boolean decided = fp32TrainingOnOpenblas;
        if (decided == null) {
            Engine.init();
            String openblasThreads = Stream.of("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")
                    .map(Engine::liveEnv).filter(Objects::nonNull).findFirst().orElse(null); // OpenBLAS's order
            decided = openblasForFp32Training(Engine.liveEnv(Engine.OPENBLAS_THREAD_TIMEOUT), openblasThreads,
                    torch.get_num_threads(), Runtime.getRuntime().availableProcessors(),
                    Engine.liveEnv("OPENBLAS_CORETYPE"), Cpu.current().has("avx512f"));
            fp32TrainingOnOpenblas = decided;
        }
        return decided;
    }

    private static volatile Boolean fp32TrainingOnOpenblas;

    /** OpenBLAS's core types with AVX-512 kernels (its {@code OPENBLAS_CORETYPE} names, case-insensitive). */
    private static final Set<String> AVX512_CORETYPES = Set.of("SKYLAKEX", "COOPERLAKE", "SAPPHIRERAPIDS");

    static boolean openblasForFp32Training(String threadTimeout, String openblasThreads, int intraOpThreads,
                                           int processors, String coretype, boolean cpuHasAvx512) {
        Integer timeout = parseIntOrNull(threadTimeout);
        Integer threads = parseIntOrNull(openblasThreads);
        boolean sleepsAtOnce = timeout != null && timeout <= 10; // unset: OpenBLAS's default, 2^28 cycles
        boolean sameThreads = (threads == null || threads <= 0 ? processors : threads) == intraOpThreads;
        boolean cappedBelowCpu = cpuHasAvx512 && coretype != null && !coretype.isBlank()
                && !AVX512_CORETYPES.contains(coretype.trim().toUpperCase(Locale.ROOT));
        return sleepsAtOnce && sameThreads && !cappedBelowCpu;
    }

    private static Integer parseIntOrNull(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Whether bf16 autocast is on for CPU (the Trainer's bf16=True). */
    static boolean autocastBf16() {
        return torch.is_autocast_enabled(DeviceType.CPU)
                && torch.get_autocast_dtype(DeviceType.CPU).intern() == ScalarType.BFloat16;
    }

    /**
     * {@code y = x W^T + b} by the path this call should take. {@code kernels} is the layer's cache of packed weights
     * (see {@link LinearKernels}); {@code weightScale} is non-null for an int8 layer.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias, Tensor weightScale, LinearKernels kernels) {
        return linear(x, weight, bias, weightScale, kernels, null);
    }

    /**
     * {@code act(x W^T + b)}, the activation (null: none) applied inside the GEMM on the packed oneDNN paths where
     * oneDNN has it as a post-op ({@link OnednnPostOp}), else as a pass of its own. The fused
     * form saves a pass over the [rows, out] result: bge-small's 12 feed-forward blocks at 23 rows, 2 threads, fp32
     * 7.15 → 6.69 ms, bf16 4.43 → 4.01 ms (quiet Zen 4); the same values in fp32 (oneDNN's erf GELU equals libtorch's
     * there), within one bf16 rounding in bf16.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias, Tensor weightScale, LinearKernels kernels,
                                UnaryOperator<Tensor> act) {
        if (weightScale != null) {
            count(GemmPath.INT8_DYNAMIC);
            Tensor x32 = Tensors.scalarType(x) == ScalarType.Float ? x : x.to(ScalarType.Float);
            return activate(NativeOps.int8LinearDynamic(x32.contiguous(), kernels.int8(weight, weightScale, bias)), act);
        }
        ScalarType wt = Tensors.scalarType(weight);
        boolean gradMode = GradMode.is_enabled();
        boolean needsGrad = gradMode && (weight.requires_grad() || x.requires_grad()
                || (bias != null && bias.requires_grad()));
        boolean autocast = autocastBf16();
        boolean frozen = !needsGrad && !weight.requires_grad() && (bias == null || !bias.requires_grad());
        Kind kind;
        if (frozen && (wt == ScalarType.BFloat16 || (wt == ScalarType.Float && autocast))) {
            kind = Kind.BF16_INFER;
        } else if (frozen && wt == ScalarType.Float) {
            kind = Kind.FP32_INFER;
        } else if (wt == ScalarType.Float && !autocast) {
            kind = Kind.FP32_TRAIN;
        } else {
            kind = Kind.PLAIN;
        }
        if (kind == Kind.PLAIN) {
            count(wt == ScalarType.BFloat16 || autocast ? GemmPath.ONEDNN_BF16 : GemmPath.OTHER);
            return activate(plain(x, weight, bias), act);
        }
        long in = weight.size(1);
        long rows = x.numel() / Math.max(1, in);
        GemmPath path = GemmPolicy.get().choose(kind, weight.size(0), in, rows, needsGrad);
        return run(path, x, weight, bias, kernels, act);
    }

    static Tensor run(GemmPath path, Tensor x, Tensor weight, Tensor bias, LinearKernels kernels) {
        return run(path, x, weight, bias, kernels, null);
    }

    /**
     * Runs {@code path}, then {@code act} (null: none), fused where the path is packed and oneDNN has the activation; a
     * packed path whose packing the memory budget refused falls back to the per-call path.
     */
    static Tensor run(GemmPath path, Tensor x, Tensor weight, Tensor bias, LinearKernels kernels, UnaryOperator<Tensor> act) {
        switch (path) {
            case ONEDNN_FP32_PACKED -> {
                Tensor packed = kernels.fp32(weight);
                if (packed != null) {
                    count(path);
                    return packedLinear(x.contiguous(), packed, bias, act);
                }
                count(GemmPath.OPENBLAS_FP32);
                return activate(plain(x, weight, bias), act);
            }
            case ONEDNN_BF16_PACKED -> {
                Tensor packed = kernels.bf16(weight);
                Tensor x16 = x.scalar_type().intern() == ScalarType.BFloat16 ? x : x.to(ScalarType.BFloat16);
                if (packed != null) {
                    count(path);
                    return packedLinear(x16.contiguous(), packed, kernels.bf16Bias(bias), act);
                }
                count(GemmPath.ONEDNN_BF16);
                return activate(plain(x, weight, bias), act);
            }
            case ONEDNN_FP32 -> {
                if (!PackedLayouts.fp32MkldnnLinear(weight.size(0), weight.size(1))) {
                    count(GemmPath.OPENBLAS_FP32);
                    return activate(plain(x, weight, bias), act);
                }
                count(path);
                return activate(mkldnnLinear(x, weight, bias), act);
            }
            default -> {
                count(path);
                return activate(plain(x, weight, bias), act);
            }
        }
    }

    /** A packed oneDNN linear, with {@code act} as its post-op where oneDNN has it, else after it. */
    private static Tensor packedLinear(Tensor x, Tensor packed, Tensor bias, UnaryOperator<Tensor> act) {
        if (act instanceof OnednnPostOp post && post.onednnAttr() != null) {
            return NativeOps.linearPacked(x, packed, bias, post.onednnAttr(), post.onednnAlgorithm());
        }
        return activate(NativeOps.linearPacked(x, packed, bias), act);
    }

    private static Tensor activate(Tensor y, UnaryOperator<Tensor> act) {
        return act == null ? y : act.apply(y);
    }

    static Tensor plain(Tensor x, Tensor weight, Tensor bias) {
        return bias == null ? torch.linear(x, weight) : torch.linear(x, weight, bias);
    }

    /** oneDNN fp32 with autograd: x [..., in] → [..., out] through oneDNN's layout and back. */
    static Tensor mkldnnLinear(Tensor x, Tensor weight, Tensor bias) {
        long in = weight.size(1);
        long[] shape = Tensors.shape(x);
        Tensor x2 = x.reshape(-1, in).contiguous();                                         // [..., in] -> [R, in]
        Tensor y = torch.mkldnn_linear(x2.to_mkldnn(), weight, bias == null ? new TensorOptional() : new TensorOptional(bias))
                .to_dense();                                                                // [R, out]
        if (shape.length == 2) {
            return y;
        }
        shape[shape.length - 1] = weight.size(0);
        return y.view(shape);                                                               // [R, out] -> [..., out]
    }
}
