package io.t4j.benchmarks;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What Linux tells about this process and machine: resident memory, load average, CPU model. */
public final class Proc {
    private static final Path STATUS = Path.of("/proc/self/status");

    private Proc() {}

    /** A {@code /proc/self/status} field in MiB (VmRSS, VmHWM, RssAnon, RssFile), or -1 where there is none. */
    public static double mib(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    public static double rssMiB() {
        return mib("VmRSS");
    }

    /** Peak RSS (VmHWM) since the process started or since the last {@link #resetPeak()}. */
    public static double peakRssMiB() {
        return mib("VmHWM");
    }

    /** Resets VmHWM to the current RSS (writes 5 to /proc/self/clear_refs), to measure one phase's peak. */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The command line of a child JVM like this one: the same {@code java}, JVM flags and class path, running
     * {@code mainClass}; the caller appends its arguments.
     */
    public static List<String> javaLikeThis(Class<?> mainClass) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        return cmd;
    }

    /** The 1, 5 and 15 minute load averages, or an empty list without /proc/loadavg. */
    public static List<Double> loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return List.of(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The 1-minute load average, or NaN. */
    public static double load1() {
        List<Double> l = loadAverage();
        return l.isEmpty() ? Double.NaN : l.get(0);
    }

    /** glibc {@code malloc_trim(0)}: returns freed heap pages to the OS, so RSS counts only what is held. */
    public static void mallocTrim() {
        try {
            var linker = Linker.nativeLinker();
            var trim = linker.downcallHandle(linker.defaultLookup().find("malloc_trim").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
            int ignored = (int) trim.invokeExact(0L);
        } catch (Throwable e) {
            System.err.println("(malloc_trim unavailable: " + e + ")");
        }
    }
}
