package io.t4j.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that starts libtorch and owns the thread policy. Every entry point (models, tokenizers, data
 * loaders, CLI) calls {@link #init()} before its first native call; later calls are free.
 *
 * <p>What it does, in order (each step fixes a failure measured on this project's machines):
 * <ol>
 *   <li>Turns off DJL's telemetry ({@code OPT_OUT_TRACKING=true}) unless the user set it.</li>
 *   <li>Sets the OpenMP wait policy in the process environment <em>before</em> libgomp is loaded
 *       ({@code OMP_WAIT_POLICY=PASSIVE} with a short spin, {@code GOMP_SPINCOUNT=3000}, unless already set).
 *       libgomp's default spin (300,000) made libtorch's OpenMP pool and OpenBLAS's own pool spin against each other
 *       on 2 cores (a small training step 40x slower); no spin at all made every parallel region wake a sleeping
 *       thread. A few thousand spins bridge the gap between back-to-back ops: bf16 training steps 551 → 442 ms,
 *       a batch-1 forward on oneDNN with 2 threads 23.4 → 14.2 ms (BENCHMARKS.md, "OpenMP spin").</li>
 *   <li>Sets OpenBLAS's worker timeout the same way, before OpenBLAS is loaded ({@code OPENBLAS_THREAD_TIMEOUT=4}:
 *       its pthread workers sleep after 2^4 cycles instead of OpenBLAS's default 2^28, about 0.1 s, unless already
 *       set). With the default, every OpenBLAS call left a worker spinning beside libgomp's threads on 2 cores: a
 *       bf16 GEMM right after an OpenBLAS call ran at 194-204 GFLOP/s against 410-425 with the short timeout,
 *       ONNX Runtime's batch-1 forward in the same process took 24 ms against 10 ms, and OpenBLAS itself went from
 *       1.19x slower than oneDNN in a training step to 1.08x-1.10x faster, which is why fp32 training runs on
 *       OpenBLAS by default ({@code Gemm}). {@code t4j bench}'s fp32 training, four runs each way alternating with
 *       the old default: 1.05x-1.07x the median samples/s (1.00x-1.17x per adjacent pair; bf16, which calls no
 *       OpenBLAS, 1.04x); BENCHMARKS.md, "OpenBLAS's workers sleep at once".</li>
 *   <li>Turns off JavaCPP's physical-memory check ({@code org.bytedeco.javacpp.maxPhysicalBytes=0}, unless set,
 *       and only if no JavaCPP pointer was made before; the {@code t4j} launcher passes it on the command line). With
 *       the check on, every tensor handle reads {@code /proc/self/statm} when it is made: 1.8 ms of a batch-1
 *       forward's 4.7 ms of per-op cost (bge-small's 12 layers at hidden size 12, measured). Native memory here is
 *       owned by scopes ({@code PointerScope} per step or request), not reclaimed by the check's garbage
 *       collections.</li>
 *   <li>Extracts the libtorch natives into the JavaCPP cache before loading them, which avoids a SIGSEGV on a
 *       cold cache when another libtorch is installed system-wide.</li>
 *   <li>Sets libtorch's intra-op thread count: {@code T4J_NUM_THREADS} (env) or {@code t4j.threads} (system
 *       property), else the number of available cores.</li>
 * </ol>
 */
public final class Engine {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";
    /** OpenBLAS's worker spin before sleeping, as a power of two of cycles (OpenBLAS clamps it to 4..30; default 28). */
    public static final String OPENBLAS_THREAD_TIMEOUT = "OPENBLAS_THREAD_TIMEOUT";
    /** The timeout {@link #init()} sets when the environment has none: OpenBLAS's shortest. */
    static final String SHORT_OPENBLAS_TIMEOUT = "4";
    private static volatile boolean initialized;

    private Engine() {}

    /** Starts libtorch once with the thread policy above. Safe to call from any thread, any number of times. */
    public static void init() {
        if (initialized) {
            return;
        }
        synchronized (Engine.class) {
            if (initialized) {
                return;
            }
            if (System.getProperty("OPT_OUT_TRACKING") == null) {
                System.setProperty("OPT_OUT_TRACKING", "true");
            }
            setEnvIfAbsent("GOMP_SPINCOUNT", "3000");
            setEnvIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
            setEnvIfAbsent(OPENBLAS_THREAD_TIMEOUT, SHORT_OPENBLAS_TIMEOUT);
            setEnvIfAbsent("OPT_OUT_TRACKING", "true");
            if (System.getProperty(MAX_PHYSICAL_BYTES) == null && System.getProperty(MAX_PHYSICAL_BYTES.toLowerCase(java.util.Locale.ROOT)) == null) {
                System.setProperty(MAX_PHYSICAL_BYTES, "0"); // read once, when JavaCPP's Pointer class initializes
            }
            try {
                Loader.cacheResources(torch.class, "/org/bytedeco/pytorch/" + Loader.getPlatform() + "/");
            } catch (java.io.IOException e) {
                throw new IllegalStateException("could not extract the libtorch natives into the JavaCPP cache", e);
            }
            int threads = numThreads();
            torch.set_num_threads(threads);
            LOG.debug("libtorch started with {} intra-op threads; JavaCPP maxPhysicalBytes={}", threads,
                    org.bytedeco.javacpp.Pointer.maxPhysicalBytes());
            initialized = true;
        }
    }

    /** The libtorch version string, e.g. {@code 2.13.0}. */
    public static String torchVersion() {
        init();
        var m = java.util.regex.Pattern.compile("TORCH_VERSION=([^,\\s]+)").matcher(torch.show_config().getString());
        return m.find() ? m.group(1) : "unknown";
    }

    /**
     * The instruction set ATen's own kernels (element-wise ops, copies, reductions, softmax, LayerNorm) were
     * dispatched for on this CPU: {@code AVX512}, {@code AVX2} or {@code DEFAULT}. libtorch picks it from the CPU's
     * flags unless {@code ATEN_CPU_CAPABILITY} forces one; oneDNN's GEMMs choose their own ISA independently.
     */
    public static String cpuCapability() {
        init();
        return torch.get_cpu_capability().getString();
    }

    /** The configured intra-op thread count (see class comment). */
    public static int numThreads() {
        String configured = System.getenv("T4J_NUM_THREADS");
        if (configured == null) {
            configured = System.getProperty("t4j.threads");
        }
        if (configured != null) {
            try {
                int n = Integer.parseInt(configured.trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
            throw new IllegalArgumentException("T4J_NUM_THREADS / t4j.threads must be a positive integer, got '" + configured + "'");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** A one-line summary of the thread settings, recorded by benchmarks. */
    public static String threadSettings() {
        init();
        return "intra_op=" + torch.get_num_threads()
                + " GOMP_SPINCOUNT=" + getEnv("GOMP_SPINCOUNT")
                + " OMP_WAIT_POLICY=" + getEnv("OMP_WAIT_POLICY")
                + " OPENBLAS_NUM_THREADS=" + getEnv("OPENBLAS_NUM_THREADS")
                + " OPENBLAS_THREAD_TIMEOUT=" + getEnv(OPENBLAS_THREAD_TIMEOUT);
    }

    /** Reads the live process environment (which {@link System#getenv} does not see after setenv). */
    public static String liveEnv(String name) {
        return getEnv(name);
    }

    private static String getEnv(String name) {
        try (Arena arena = Arena.ofConfined()) {
            var getenv = Linker.nativeLinker().downcallHandle(
                    Linker.nativeLinker().defaultLookup().find("getenv").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            var value = (java.lang.foreign.MemorySegment) getenv.invokeExact(arena.allocateFrom(name));
            return value.address() == 0 ? null : value.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable e) {
            return System.getenv(name);
        }
    }

    /**
     * libc setenv(name, value, overwrite=0): an environment variable the user set always wins. For a native library's
     * setting, it takes effect if set before the library reads it (oneDNN reads its primitive cache capacity when it
     * creates its first primitive).
     */
    public static void setEnvIfAbsent(String name, String value) {
        if (System.getenv(name) != null) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle setenv = Linker.nativeLinker().downcallHandle(
                    Linker.nativeLinker().defaultLookup().find("setenv").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            int rc = (int) setenv.invokeExact(arena.allocateFrom(name), arena.allocateFrom(value), 0);
            if (rc != 0) {
                LOG.warn("setenv({}) failed; set {}={} in the environment for best CPU performance", name, name, value);
            }
        } catch (Throwable e) {
            LOG.warn("could not set {} ({}); set {}={} in the environment for best CPU performance", name, e, name, value);
        }
    }
}
