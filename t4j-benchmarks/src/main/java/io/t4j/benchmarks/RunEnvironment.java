package io.t4j.benchmarks;

import io.t4j.engine.Cpu;
import io.t4j.engine.Engine;
import io.t4j.engine.gemm.Gemm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where and when a run happened: every report carries it, because on a shared machine a number without its load
 * average and thread settings cannot be compared with anything.
 *
 * @param commit        {@code git rev-parse HEAD} of the working directory, or "unknown"
 * @param dirty         whether {@code git status --porcelain} listed changes outside {@value #RESULTS}, where runs write
 *                      their reports (null when git is unavailable)
 * @param jdk           {@code java.vm.name} and {@code java.runtime.version}
 * @param libtorch      {@link Engine#torchVersion()} and the ISA of ATen's kernels ({@link Engine#cpuCapability()})
 * @param threads       {@link Engine#threadSettings()}
 * @param env           the thread-related environment variables as the process sees them (unset ones omitted)
 * @param cpu           CPU model, GEMM-relevant flags and core count
 * @param loadAvgStart  1/5/15-minute load averages when the run started
 * @param loadAvgEnd    the same when it ended (set by {@link #finished()})
 * @param date          start time, ISO-8601
 * @param gemmDecisions the GEMM path decisions in force at the end of the run (this machine's calibration cache plus
 *                      what the run measured): {@code KIND.outxin.rows} → path (set by {@link #finished()})
 */
public record RunEnvironment(String commit, Boolean dirty, String jdk, String libtorch, String threads,
                             Map<String, String> env, String cpu, List<Double> loadAvgStart, List<Double> loadAvgEnd,
                             String date, Map<String, String> gemmDecisions) {
    /** The thread-, kernel- and allocator-related variables recorded in {@link #env}. */
    public static final List<String> THREAD_ENV = List.of("T4J_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
            "OPENBLAS_THREAD_TIMEOUT", "OPENBLAS_CORETYPE", "GOMP_SPINCOUNT", "OMP_WAIT_POLICY", "MKL_NUM_THREADS",
            "T4J_GEMM", "T4J_QENGINE", "T4J_GEMM_PACK_MB", "T4J_SMALL_FORWARD_THREADS", "T4J_MALLOC", "LD_PRELOAD",
            "MALLOC_CONF", "TCMALLOC_RELEASE_RATE", "GLIBC_TUNABLES",
            "ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA", "ONEDNN_PRIMITIVE_CACHE_CAPACITY");

    /** Where the reports quoted in BENCHMARKS.md live: a new one there does not make the next run's tree dirty. */
    static final String RESULTS = "t4j-benchmarks/results";

    /** The environment now (load average at start; the end is filled in by {@link #finished()}). */
    public static RunEnvironment capture() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : THREAD_ENV) {
            String v = Engine.liveEnv(name); // what setenv (Engine, Bench) put there too
            if (v != null) {
                env.put(name, v);
            }
        }
        return new RunEnvironment(orUnknown(git("rev-parse", "HEAD")), dirty(Path.of("")),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                Engine.torchVersion() + " (ATen " + Engine.cpuCapability() + ")", Engine.threadSettings(), env,
                Cpu.current().describe(), Proc.loadAverage(), null,
                OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString(), null);
    }

    /** This environment with the load average at the end of the run. */
    public RunEnvironment finished() {
        return new RunEnvironment(commit, dirty, jdk, libtorch, threads, env, cpu, loadAvgStart, Proc.loadAverage(), date,
                Gemm.decisions());
    }

    /** One line for the table's header. */
    public String line() {
        String shortCommit = commit.length() > 10 ? commit.substring(0, 10) : commit;
        return "commit " + shortCommit + (Boolean.TRUE.equals(dirty) ? " (dirty)" : "") + " | " + jdk + " | libtorch "
                + libtorch + " | " + threads + " | env " + env + " | " + cpu + " | load " + loadAvgStart
                + (loadAvgEnd == null ? "" : " -> " + loadAvgEnd) + " | " + date;
    }

    /** Whether the git work tree at {@code dir} has changes outside {@value #RESULTS}; null when git fails there. */
    static Boolean dirty(Path dir) {
        String status = git("-C", dir.toAbsolutePath().toString(), "status", "--porcelain", "--", ":(top)",
                ":(top,exclude)" + RESULTS);
        return status == null ? null : !status.isBlank();
    }

    private static String orUnknown(String s) {
        return s == null || s.isBlank() ? "unknown" : s.trim();
    }

    /** Output of {@code git args...} in the working directory, or null when git fails. */
    static String git(String... args) {
        try {
            var cmd = new java.util.ArrayList<>(List.of("git"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
