package io.t4j.engine;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which thread count small forwards take ({@link IntraOpThreads}): one thread or all of them, learned from the
 * forwards' own wall times, because the better choice depends on whether another process holds a core.
 * bge-small, fp32, batch 1, 2-core Zen 4 with a short OpenMP spin ({@code GOMP_SPINCOUNT=3000}): quiet, 2 threads
 * 12.5 ms against 18.0 ms on one; beside a busy loop on one core, 2 threads 37.9 ms against 18.3 ms on one
 * (BENCHMARKS.md, "Batch-1 latency").
 *
 * <p>Each arm keeps the median of its last {@value #WINDOW} timed forwards (a median, so one slow first call that
 * packs weights or one scheduler hiccup does not decide); the faster arm runs, and every {@value #EXPLORE}th small
 * forward runs the other one so a change in the machine's load is seen within about {@value #WINDOW} x
 * {@value #EXPLORE} forwards. {@code T4J_SMALL_FORWARD_THREADS=1|all} fixes the choice.
 */
final class SmallForwardThreads {
    /** Timed forwards per arm whose median decides. */
    static final int WINDOW = 5;
    /** One small forward in this many runs the arm that is not currently the faster one. */
    static final int EXPLORE = 20;

    /** The two arms. */
    enum Arm { ONE, ALL }

    /** {@code T4J_SMALL_FORWARD_THREADS}: auto (learned), 1 or all. */
    enum Mode { AUTO, ONE, ALL }

    private final Mode mode;
    private final double[][] recent = new double[2][WINDOW];
    private final int[] count = new int[2];
    private long calls;

    SmallForwardThreads(Mode mode) {
        this.mode = mode;
    }

    /** The mode from {@code T4J_SMALL_FORWARD_THREADS} (env) or {@code t4j.smallForwardThreads}, default auto. */
    static Mode modeFromEnvironment() {
        String v = System.getenv("T4J_SMALL_FORWARD_THREADS");
        String source = "T4J_SMALL_FORWARD_THREADS";
        if (v == null) {
            v = System.getProperty("t4j.smallForwardThreads", "auto");
            source = "-Dt4j.smallForwardThreads";
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "auto", "" -> Mode.AUTO;
            case "1", "one" -> Mode.ONE;
            case "all" -> Mode.ALL;
            default -> throw new IllegalArgumentException(source + "=" + v + " is not a thread choice for small forwards "
                    + "(expected auto, 1 or all)");
        };
    }

    /** The arm the next small forward takes. */
    synchronized Arm pick() {
        if (mode != Mode.AUTO) {
            return mode == Mode.ONE ? Arm.ONE : Arm.ALL;
        }
        calls++;
        // record() drops each arm's first forward (warm-up); until both arms have a kept time, alternate
        if (count[0] < 2 || count[1] < 2) {
            return count[0] <= count[1] ? Arm.ONE : Arm.ALL;
        }
        Arm best = median(0) <= median(1) ? Arm.ONE : Arm.ALL;
        if (calls % EXPLORE == 0) {
            return best == Arm.ONE ? Arm.ALL : Arm.ONE;
        }
        return best;
    }

    /** A small forward on {@code arm} took {@code ms}. The first forward of each arm (warm-up) is not kept. */
    synchronized void record(Arm arm, double ms) {
        int a = arm.ordinal();
        int n = count[a]++;
        if (n == 0) {
            return;
        }
        recent[a][(n - 1) % WINDOW] = ms;
    }

    /** The arm's median over its kept forwards, or +inf with none. */
    synchronized double median(int arm) {
        int kept = Math.min(WINDOW, count[arm] - 1);
        if (kept <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        double[] v = Arrays.copyOf(recent[arm], kept);
        Arrays.sort(v);
        return kept % 2 == 1 ? v[kept / 2] : (v[kept / 2 - 1] + v[kept / 2]) / 2;
    }
}
