package io.t4j.engine;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Locale;

/**
 * Which thread count small forwards take ({@link IntraOpThreads}): one thread or all of them, learned from the
 * forwards' own wall times, because the better choice depends on whether another process holds a core.
 * bge-small, fp32, batch 1, 2-core Zen 4 with a short OpenMP spin ({@code GOMP_SPINCOUNT=3000}): quiet, 2 threads
 * 12.5 ms against 18.0 ms on one; beside a busy loop on one core, 2 threads 37.9 ms against 18.3 ms on one
 * (BENCHMARKS.md, "Batch-1 latency").
 *
 * <p>Each arm keeps the median of its last {@value #WINDOW} timed forwards (a median, so one scheduler hiccup does not
 * decide); the faster arm runs, and every {@value #EXPLORE}th small forward runs the other one so a change in the
 * machine's load is seen. An arm's first forward at each token count is not kept: it creates that shape's oneDNN
 * primitives (bge-small, batch 1, quiet Zen 4: +1.7 ms in fp32, +2.3 ms in bf16 over the same sentence's second
 * forward), and the arm that runs only every {@value #EXPLORE}th forward would meet new shapes far more often and
 * look slower than it is. An exploring forward that beats the running arm's median is followed by another at once, so
 * a choice made during a burst of load (three slow forwards are enough) is undone within a few forwards of the burst,
 * not {@value #WINDOW} x {@value #EXPLORE}. {@code T4J_SMALL_FORWARD_THREADS=1|all} fixes the choice.
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
    /** Per arm, the token counts it has run (their first forward was warm-up). */
    private final BitSet[] seen = {new BitSet(), new BitSet()};
    private long calls;
    /** Set when an exploring forward beat the running arm: the next forward explores again. */
    private boolean exploreAgain;

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
        // until both arms have a kept time, alternate
        if (count[0] < 1 || count[1] < 1) {
            return count[0] <= count[1] ? Arm.ONE : Arm.ALL;
        }
        Arm best = best();
        if (exploreAgain || calls % EXPLORE == 0) {
            exploreAgain = false;
            return other(best);
        }
        return best;
    }

    private Arm best() {
        return median(0) <= median(1) ? Arm.ONE : Arm.ALL;
    }

    private static Arm other(Arm arm) {
        return arm == Arm.ONE ? Arm.ALL : Arm.ONE;
    }

    /**
     * A small forward over {@code tokens} on {@code arm} took {@code ms}. The arm's first forward at that token count
     * (warm-up: new oneDNN primitives) is not kept.
     */
    synchronized void record(Arm arm, double ms, long tokens) {
        int a = arm.ordinal();
        int t = (int) Math.min(Integer.MAX_VALUE, Math.max(0, tokens));
        if (!seen[a].get(t)) {
            seen[a].set(t);
            return;
        }
        boolean exploring = count[0] >= 1 && count[1] >= 1 && arm != best();
        recent[a][count[a] % WINDOW] = ms;
        count[a]++;
        // still not the better arm, but this forward beat the one that is: look again at once
        exploreAgain = exploring && arm != best() && ms < median(other(arm).ordinal());
    }

    /** The arm's median over its kept forwards, or +inf with none. */
    synchronized double median(int arm) {
        int kept = Math.min(WINDOW, count[arm]);
        if (kept <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        double[] v = Arrays.copyOf(recent[arm], kept);
        Arrays.sort(v);
        return kept % 2 == 1 ? v[kept / 2] : (v[kept / 2 - 1] + v[kept / 2]) / 2;
    }
}
