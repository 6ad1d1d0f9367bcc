package io.t4j.engine;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which thread count small forwards take ({@link IntraOpThreads}): one thread or all of them, learned from the
 * forwards' own wall times, because the better choice depends on whether another process holds a core.
 * bge-small, fp32, batch 1, 2-core Zen 4 with a short OpenMP spin ({@code GOMP_SPINCOUNT=3000}): quiet, 2 threads
 * 12.5 ms against 18.0 ms on one; beside a busy loop on one core, 2 threads 37.9 ms against 18.3 ms on one
 * (BENCHMARKS.md, "Batch-1 latency").
 *
 * <p>The arms are compared at equal work: each kept forward is remembered per arm and token count, and a forward of
 * the arm that is not running is paired with the running arm's latest time at the same token count (or the nearest
 * within {@value #NEAR} tokens). The median of the last {@value #WINDOW} pairs' ratios (one thread's time over all
 * threads') decides, so neither a mix of sentence lengths (a 44-token sentence takes twice a 12-token one) nor one
 * scheduler hiccup does. The arms take turns until {@value #MIN_PAIRS} pairs are known: a process's first forwards
 * are slow and uneven (bge-small fp32 on a Zen 5: 8-33 ms where 7-10 ms follow), and one pair from then decided for
 * the whole of a benchmark's section (one thread for 86% of its batch-1 forwards, 11.8 ms against 9.8 ms in a run
 * on two threads). Every {@value #EXPLORE}th small forward runs the other arm, and one that beats the running
 * arm is followed by another at once, so a change in the machine's load (or a choice made during a burst) is undone
 * within a few forwards. An arm's first forward at each token count is not kept: it creates that shape's oneDNN
 * primitives (bge-small, batch 1, quiet Zen 4: +1.7 ms in fp32, +2.3 ms in bf16 over the same sentence's second
 * forward), which the arm that runs every {@value #EXPLORE}th forward would meet far more often; an exploring forward
 * spent that way is followed by another at once, else sentences of varied lengths would keep the other arm from
 * ever being paired.
 * {@code T4J_SMALL_FORWARD_THREADS=1|all} fixes the choice; each change of arm is logged at debug level with the pair
 * that caused it.
 */
final class SmallForwardThreads {
    private static final Logger LOG = LoggerFactory.getLogger(SmallForwardThreads.class);
    /** Pairs whose median ratio decides. */
    static final int WINDOW = 5;
    /** Pairs known before the faster arm runs most forwards; until then the arms take turns. */
    static final int MIN_PAIRS = 3;
    /** One small forward in this many runs the arm that is not currently the faster one. */
    static final int EXPLORE = 20;
    /** How far apart (tokens) two forwards may be and still be paired. */
    static final int NEAR = 2;

    /** The two arms. */
    enum Arm { ONE, ALL }

    /** {@code T4J_SMALL_FORWARD_THREADS}: auto (learned), 1 or all. */
    enum Mode { AUTO, ONE, ALL }

    private final Mode mode;
    /** Per arm, the latest kept time (ms) at each token count; 0 where none. */
    private final double[][] latest = new double[2][65];
    /** Per arm, the token counts it has run (their first forward was warm-up). */
    private final BitSet[] seen = {new BitSet(), new BitSet()};
    /** The last pairs' ratios, one thread's time / all threads' time. */
    private final double[] ratios = new double[WINDOW];
    private int pairs;
    private long calls;
    private int alternate;
    /** Set when an exploring forward beat the running arm: the next forward explores again. */
    private boolean exploreAgain;
    /** Forwards picked per arm so far. */
    private final long[] picked = new long[2];

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
        Arm arm = choose();
        picked[arm.ordinal()]++;
        return arm;
    }

    /** Small forwards picked for {@code arm} so far. */
    synchronized long picked(Arm arm) {
        return picked[arm.ordinal()];
    }

    private Arm choose() {
        if (mode != Mode.AUTO) {
            return mode == Mode.ONE ? Arm.ONE : Arm.ALL;
        }
        calls++;
        if (pairs < MIN_PAIRS) {
            return (alternate++ & 1) == 0 ? Arm.ALL : Arm.ONE; // both arms in turn until MIN_PAIRS pairs
        }
        Arm best = best();
        if (exploreAgain || calls % EXPLORE == 0) {
            exploreAgain = false;
            return other(best);
        }
        return best;
    }

    /** The arms this mode may pick: both under auto, else the fixed one. */
    List<Arm> arms() {
        return switch (mode) {
            case AUTO -> List.of(Arm.ALL, Arm.ONE);
            case ONE -> List.of(Arm.ONE);
            case ALL -> List.of(Arm.ALL);
        };
    }

    /** The faster arm by the median pair (all threads while fewer than {@link #MIN_PAIRS} are known). */
    synchronized Arm best() {
        return pairs >= MIN_PAIRS && ratio() < 1 ? Arm.ONE : Arm.ALL;
    }

    private static Arm other(Arm arm) {
        return arm == Arm.ONE ? Arm.ALL : Arm.ONE;
    }

    /**
     * A small forward over {@code tokens} on {@code arm} took {@code ms}. The arm's first forward at that token count
     * (warm-up: new oneDNN primitives) is not kept, and when it was an exploring one the next forward explores again;
     * a forward of the arm that is not the faster one is paired with the faster arm's latest time at about the same
     * token count.
     */
    synchronized void record(Arm arm, double ms, long tokens) {
        int a = arm.ordinal();
        int t = (int) Math.min(Integer.MAX_VALUE - 1, Math.max(0, tokens));
        if (!seen[a].get(t)) {
            seen[a].set(t);
            exploreAgain |= pairs >= MIN_PAIRS && arm != best();
            return;
        }
        Arm best = best();
        grow(t);
        latest[a][t] = ms;
        double other = nearest(other(arm).ordinal(), t);
        if (other <= 0 || (arm == best && pairs >= MIN_PAIRS)) {
            return; // once decided, the running arm only refreshes its times; pairs come from the other arm's forwards
        }
        ratios[pairs % WINDOW] = arm == Arm.ONE ? ms / other : other / ms;
        pairs++;
        Arm now = best();
        exploreAgain = ms < other && now != arm; // beat the running arm, not yet decided: look again at once
        if (now != best && LOG.isDebugEnabled()) {
            LOG.debug("small forwards of chooser {} now on {} (median one/all ratio {} over the last {} pairs; this pair: {} "
                            + "{} ms at {} tokens against {} ms)", Integer.toHexString(System.identityHashCode(this)),
                    now == Arm.ONE ? "one thread" : "all threads", String.format(Locale.ROOT, "%.3f", ratio()),
                    Math.min(WINDOW, pairs), arm, String.format(Locale.ROOT, "%.2f", ms), t,
                    String.format(Locale.ROOT, "%.2f", other));
        }
    }

    private void grow(int t) {
        if (t >= latest[0].length) {
            int n = Math.max(t + 1, 2 * latest[0].length);
            latest[0] = Arrays.copyOf(latest[0], n);
            latest[1] = Arrays.copyOf(latest[1], n);
        }
    }

    /** The arm's latest time at {@code t} tokens, else at the nearest count within {@link #NEAR}; 0 when none. */
    private double nearest(int arm, int t) {
        double[] v = latest[arm];
        for (int d = 0; d <= NEAR; d++) {
            for (int c : new int[] {t - d, t + d}) {
                if (c >= 0 && c < v.length && v[c] > 0) {
                    return v[c];
                }
            }
        }
        return 0;
    }

    /** The median of the last pairs' ratios (one thread's time / all threads'), or NaN with none. */
    synchronized double ratio() {
        int kept = Math.min(WINDOW, pairs);
        if (kept == 0) {
            return Double.NaN;
        }
        double[] v = Arrays.copyOf(ratios, kept);
        Arrays.sort(v);
        return kept % 2 == 1 ? v[kept / 2] : (v[kept / 2 - 1] + v[kept / 2]) / 2;
    }
}
