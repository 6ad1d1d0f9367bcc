package io.t4j.engine.gemm;

import io.t4j.engine.Cpu;
import io.t4j.engine.Engine;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AutoGradMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of two equivalent GEMM paths a kind of call takes, per weight shape and row count, decided by measuring both
 * on this machine the first time such a call comes, and remembered in a file per machine
 * ({@code $T4J_HOME/gemm/<machine>.properties}; the machine key covers the CPU model and kernel flags, the thread
 * count, the libtorch version and the BLAS environment such as {@code OPENBLAS_CORETYPE}, which t4j never sets).
 *
 * <p>A measurement: one warm-up call of each path on random data of the call's shape (which also packs), then three
 * rounds of two calls per path, alternating paths between rounds; the median of each path's six calls decides.
 * Medians rather than minima because the path must hold up on a shared machine: OpenBLAS's workers wait for each
 * other by spinning and yielding, and when another process holds a core its GEMM stalls (BENCHMARKS.md). When the
 * two medians are within 5%, the kind's preferred path wins: oneDNN for frozen weights (it degrades least under a
 * competing load, measured), OpenBLAS for trainable ones (no layout conversions, the path HF's parity fixtures were
 * computed on). Rows are bucketed (up to 16, 64, 256, more) so batch-1 calls and batch calls decide separately.
 * Each decision is logged at debug level with both timings.
 */
final class GemmPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(GemmPolicy.class);
    private static final double TIE = 0.05;
    private static volatile GemmPolicy instance;

    private final Map<String, GemmPath> decisions = new ConcurrentHashMap<>();
    private final Map<String, String> timings = new ConcurrentHashMap<>();
    private final Path file;
    private final String machine;

    GemmPolicy(Path file, String machine) {
        this.file = file;
        this.machine = machine;
        load();
    }

    static GemmPolicy get() {
        if (instance == null) {
            synchronized (GemmPolicy.class) {
                if (instance == null) {
                    String machine = machineDescription();
                    instance = new GemmPolicy(cacheDir().resolve(Integer.toHexString(machine.hashCode()) + ".properties"), machine);
                }
            }
        }
        return instance;
    }

    /** What the cached decisions depend on. */
    static String machineDescription() {
        Engine.init();
        return Cpu.current().describe() + "; threads=" + torch.get_num_threads() + "; libtorch " + Engine.torchVersion()
                + "; OPENBLAS_CORETYPE=" + System.getenv("OPENBLAS_CORETYPE") + "; OPENBLAS_NUM_THREADS="
                + System.getenv("OPENBLAS_NUM_THREADS") + "; OPENBLAS_THREAD_TIMEOUT=" + Engine.liveEnv(Engine.OPENBLAS_THREAD_TIMEOUT)
                + "; OMP_WAIT_POLICY=" + Engine.liveEnv("OMP_WAIT_POLICY") + "; GOMP_SPINCOUNT=" + Engine.liveEnv("GOMP_SPINCOUNT")
                + "; ONEDNN_MAX_CPU_ISA=" + oneDnnMaxIsa();
    }

    /** oneDNN's ISA cap ({@code ONEDNN_MAX_CPU_ISA}, or its older name {@code DNNL_MAX_CPU_ISA}): it changes every oneDNN timing. */
    private static String oneDnnMaxIsa() {
        String isa = System.getenv("ONEDNN_MAX_CPU_ISA");
        return isa != null ? isa : System.getenv("DNNL_MAX_CPU_ISA");
    }

    static Path cacheDir() {
        String home = System.getenv("T4J_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home, "gemm");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg, "t4j") : Path.of(System.getProperty("user.home"), ".cache", "t4j");
        return base.resolve("gemm");
    }

    /**
     * The rows bucket of a call: up to 16 rows, up to 64 (one sentence: a small forward, {@code IntraOpThreads}), up to
     * 256 (small batches), more. A batch-1 sentence of 24 tokens used to share its bucket with 256-row batches and
     * took their choice: bge-small bf16, batch 1, 13.0 ms with that mix against 10.3 ms packed throughout (quiet Zen 4).
     */
    static String bucket(long rows) {
        return rows <= 16 ? "r16" : rows <= 64 ? "r64" : rows <= 256 ? "r256" : "rbig";
    }

    static String key(Gemm.Kind kind, long out, long in, long rows) {
        return kind + "." + out + "x" + in + "." + bucket(rows);
    }

    /** The two candidates of a kind: [per-call or OpenBLAS path, oneDNN path]. */
    static GemmPath[] candidates(Gemm.Kind kind) {
        return switch (kind) {
            case FP32_INFER -> new GemmPath[] {GemmPath.OPENBLAS_FP32, GemmPath.ONEDNN_FP32_PACKED};
            case BF16_INFER -> new GemmPath[] {GemmPath.ONEDNN_BF16, GemmPath.ONEDNN_BF16_PACKED};
            case FP32_TRAIN -> new GemmPath[] {GemmPath.OPENBLAS_FP32, GemmPath.ONEDNN_FP32};
            case PLAIN -> throw new IllegalArgumentException("no choice for plain calls");
        };
    }

    /** The path for a call of {@code kind} with weight [out, in] over {@code rows} rows. */
    GemmPath choose(Gemm.Kind kind, long out, long in, long rows, boolean needsGrad) {
        GemmPath[] c = candidates(kind);
        switch (Gemm.backend()) {
            case OPENBLAS -> {
                return c[0];
            }
            case ONEDNN -> {
                return c[1];
            }
            case AUTO -> {
                // fp32 training: the same path with or without grad (checkpointing recomputes a no-grad forward)
                if (kind == Gemm.Kind.FP32_TRAIN) {
                    return Gemm.openblasForFp32Training() ? c[0] : c[1];
                }
                if (kind == Gemm.Kind.FP32_INFER) {
                    return c[1]; // packed oneDNN: one library per forward (see Gemm)
                }
            }
            case MEASURE -> { }
        }
        String key = key(kind, out, in, rows);
        GemmPath p = decisions.get(key);
        if (p != null) {
            return p;
        }
        if (kind == Gemm.Kind.FP32_TRAIN && !needsGrad) {
            return c[0]; // a trainable layer evaluated without grad: forward only, not worth a measurement
        }
        synchronized (this) {
            p = decisions.get(key);
            if (p == null) {
                p = calibrate(kind, key, out, in, Math.min(rows, 2048));
                decisions.put(key, p);
                save();
            }
        }
        return p;
    }

    private GemmPath calibrate(Gemm.Kind kind, String key, long out, long in, long rows) {
        GemmPath[] c = candidates(kind);
        double[][] ms = new double[2][6];
        boolean autocast = torch.is_autocast_enabled(DeviceType.CPU);
        try (PointerScope scope = new PointerScope()) {
            torch.set_autocast_enabled(DeviceType.CPU, false);
            boolean train = kind == Gemm.Kind.FP32_TRAIN;
            ScalarType dtype = kind == Gemm.Kind.BF16_INFER ? ScalarType.BFloat16 : ScalarType.Float;
            Tensor x;
            Tensor w;
            Tensor b;
            try (NoGradGuard g = new NoGradGuard()) {
                x = waves(rows, in, 0.37).to(dtype);
                w = waves(out, in, 0.71).mul_(new Scalar(1.0 / Math.sqrt(in))).to(dtype);
                b = waves(1, out, 0.13).view(out).to(dtype);
            }
            LinearKernels kernels = new LinearKernels();
            try {
                if (train) {
                    w.requires_grad_(true);
                    b.requires_grad_(true);
                }
                for (int p = 0; p < 2; p++) {
                    once(c[p], x, w, b, kernels, train);
                }
                for (int round = 0; round < 3; round++) {
                    for (int k = 0; k < 2; k++) {
                        int p = (round + k) % 2;
                        for (int rep = 0; rep < 2; rep++) {
                            ms[p][2 * round + rep] = once(c[p], x, w, b, kernels, train);
                        }
                    }
                }
            } finally {
                kernels.release();
                torch.set_autocast_enabled(DeviceType.CPU, autocast);
            }
        }
        double m0 = median(ms[0]);
        double m1 = median(ms[1]);
        boolean preferOnednn = kind != Gemm.Kind.FP32_TRAIN;
        GemmPath chosen;
        if (Math.abs(m0 - m1) <= TIE * Math.min(m0, m1)) {
            chosen = preferOnednn ? c[1] : c[0];
        } else {
            chosen = m0 < m1 ? c[0] : c[1];
        }
        LOG.debug("GEMM {}: {} median {} ms, {} median {} ms -> {}", key, c[0].label(), fmt(m0), c[1].label(),
                fmt(m1), chosen.label());
        timings.put(key, fmt(m0) + " " + fmt(m1));
        return chosen;
    }

    /**
     * Deterministic data in [-1, 1] of shape [rows, cols]: {@code sin(i * step)}. Not drawn from libtorch's generator,
     * so a measurement leaves the random stream (dropout masks, initialisation) as it was.
     */
    static Tensor waves(long rows, long cols, double step) {
        return torch.arange(new Scalar(rows * cols)).to(ScalarType.Float).mul_(new Scalar(step)).sin_().view(rows, cols); // [R*C] -> [R,C]
    }

    /** One call of {@code path} (forward, plus backward when training) in ms. */
    private static double once(GemmPath path, Tensor x, Tensor w, Tensor b, LinearKernels kernels, boolean train) {
        try (PointerScope s = new PointerScope()) {
            long t0 = System.nanoTime();
            if (train) {
                try (AutoGradMode grad = new AutoGradMode(true)) {
                    Tensor y = Gemm.run(path, x, w, b, kernels);
                    y.sum().backward();
                    w.grad().reset();
                    b.grad().reset();
                }
            } else {
                try (NoGradGuard g = new NoGradGuard()) {
                    Gemm.run(path, x, w, b, kernels);
                }
            }
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String fmt(double ms) {
        return String.format(Locale.ROOT, "%.3f", ms);
    }

    /** The decisions made or loaded so far, key → path label (with the timings of those measured in this JVM). */
    Map<String, String> decisions() {
        Map<String, String> out = new TreeMap<>();
        decisions.forEach((k, v) -> out.put(k, v.label() + (timings.containsKey(k) ? " (" + timings.get(k) + " ms)" : "")));
        return out;
    }

    /** Forgets every decision (in memory and on disk): the next calls measure again. */
    synchronized void clear() {
        decisions.clear();
        timings.clear();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", file, e.getMessage());
        }
    }

    private void load() {
        if (!Files.isRegularFile(file) || "1".equals(System.getenv("T4J_GEMM_RECALIBRATE"))) {
            return;
        }
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(r);
        } catch (IOException e) {
            LOG.warn("ignoring the GEMM calibration cache {}: {}", file, e.getMessage());
            return;
        }
        if (!machine.equals(props.getProperty("machine"))) {
            return; // a hash collision or an older format: measure again
        }
        for (String k : props.stringPropertyNames()) {
            if (k.equals("machine")) {
                continue;
            }
            String v = props.getProperty(k).split(" ")[0];
            try {
                decisions.put(k, GemmPath.valueOf(v));
            } catch (IllegalArgumentException e) {
                LOG.warn("ignoring {} = {} in {}", k, v, file);
            }
        }
        LOG.debug("GEMM decisions from {}: {}", file, decisions);
    }

    /** Writes the decisions (temp file, then move); a read-only home only costs a measurement in the next JVM. */
    private void save() {
        Properties props = new Properties();
        props.setProperty("machine", machine);
        decisions.forEach((k, v) -> props.setProperty(k, v.name() + (timings.containsKey(k) ? " " + timings.get(k) : "")));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                props.store(w, "t4j GEMM path decisions: key = PATH median-ms-first median-ms-second");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("could not write the GEMM calibration cache {}: {}", file, e.getMessage());
        }
    }

    static List<String> describeCandidates() {
        List<String> out = new ArrayList<>();
        for (Gemm.Kind k : Gemm.Kind.values()) {
            if (k != Gemm.Kind.PLAIN) {
                GemmPath[] c = candidates(k);
                out.add(k + ": " + c[0].label() + " | " + c[1].label());
            }
        }
        return out;
    }
}
