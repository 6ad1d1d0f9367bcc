package io.t4j.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread count of small forwards. A batch of one sentence is a few dozen rows per GEMM: split over two OpenMP
 * threads, every op's parallel region hands work to the second thread and waits for it at the end. On a quiet machine
 * that pays (OpenMP's workers spin briefly between regions, {@code GOMP_SPINCOUNT=3000} from t4j's launcher and
 * {@link Engine#init()}); when another process holds that core, each wait is a scheduler time slice and the same
 * forward takes twice as long as on the calling thread alone. So small forwards run on one thread or on all, whichever
 * their own recent wall times say is faster ({@link SmallForwardThreads}, one per model when the caller names it, as
 * pipelines do; measured in BENCHMARKS.md, batch-1 latency).
 *
 * <p>Forwards over at most {@code T4J_SMALL_FORWARD_TOKENS} tokens (padded batch x length; default 64, 0 turns this
 * off) are small. On the one-thread arm OpenMP's thread count is set to 1 for the calling thread only
 * ({@code omp_set_num_threads} changes the caller's own ICV; libtorch's {@code set_num_threads} would also clear
 * oneDNN's primitive cache on every call). Other threads, and larger forwards, keep {@link Engine#numThreads()}.
 * {@code T4J_SMALL_FORWARD_THREADS=1|all} fixes the arm (default {@code auto}).
 *
 * <p>{@link #warmUp} is TEI's warm-up for a server: a forward at every small token count on each arm before the first
 * request, so that no request pays for a new row count's oneDNN kernels and the chooser starts with every count known.
 */
public final class IntraOpThreads implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IntraOpThreads.class);
    private static final IntraOpThreads NONE = new IntraOpThreads(-1, null, null, 0, 0);
    private static volatile MethodHandle setNumThreads;
    private static volatile MethodHandle getMaxThreads;
    private static volatile boolean unavailable;
    private static final Map<Object, SmallForwardThreads> OWNERS = new WeakHashMap<>();
    /** The arm a warm-up forward on this thread takes ({@link #warmUp}); null: the chooser picks. */
    private static final ThreadLocal<SmallForwardThreads.Arm> WARM_UP_ARM = new ThreadLocal<>();

    private final int restore;
    private final SmallForwardThreads owner;
    private final SmallForwardThreads.Arm arm;
    private final long startNanos;
    private final long tokens;

    private IntraOpThreads(int restore, SmallForwardThreads owner, SmallForwardThreads.Arm arm, long startNanos, long tokens) {
        this.restore = restore;
        this.owner = owner;
        this.arm = arm;
        this.startNanos = startNanos;
        this.tokens = tokens;
    }

    /**
     * How an owner's small forwards have run so far.
     *
     * @param oneThread  forwards on the calling thread alone
     * @param allThreads forwards on every intra-op thread
     */
    public record SmallForwardPicks(long oneThread, long allThreads) {
        /** The share on one thread, NaN with no small forward. */
        public double oneThreadShare() {
            long n = oneThread + allThreads;
            return n == 0 ? Double.NaN : (double) oneThread / n;
        }
    }

    /** The thread choices of {@code owner}'s small forwards so far (null: the JVM-wide chooser); zeros if it ran none. */
    public static SmallForwardPicks picks(Object owner) {
        SmallForwardThreads c;
        synchronized (OWNERS) {
            c = OWNERS.get(owner);
        }
        return c == null ? new SmallForwardPicks(0, 0)
                : new SmallForwardPicks(c.picked(SmallForwardThreads.Arm.ONE), c.picked(SmallForwardThreads.Arm.ALL));
    }

    /**
     * A warm-up's work.
     *
     * @param forwards forwards run (every small token count the caller made an input for, on each arm)
     * @param ms       their wall time
     */
    public record WarmUp(int forwards, double ms) {}

    /**
     * Runs {@code forwardOfTokens} for every token count from 1 to {@link #smallForwardTokens()}, once on each arm
     * the owner's chooser may pick (both under {@code T4J_SMALL_FORWARD_THREADS=auto} with more than one thread).
     * The callback runs one forward of that many tokens (batch x padded length) under its usual
     * {@link #forTokens(long, Object)} guard, which takes the warm-up's arm and records the forward as that arm's
     * first at the count (its warm-up: new oneDNN primitives, see {@link SmallForwardThreads}); it returns whether it
     * ran one (a count below the tokenizer's special tokens cannot be made). all-MiniLM-L6-v2, fp32, 2 threads, Zen 5: a
     * process's first forward at a count took 2-10 ms more than the next at that count, and a third of the first 100
     * SST-2 dev sentences met a new count.
     */
    public static WarmUp warmUp(Object owner, IntPredicate forwardOfTokens) {
        long limit = smallForwardTokens();
        SmallForwardThreads c = chooser(owner);
        List<SmallForwardThreads.Arm> arms = !bind() || current() <= 1 ? List.of(SmallForwardThreads.Arm.ALL) : c.arms();
        long t0 = System.nanoTime();
        int forwards = 0;
        try {
            for (int tokens = 1; tokens <= limit; tokens++) {
                for (SmallForwardThreads.Arm arm : arms) {
                    WARM_UP_ARM.set(arm);
                    if (forwardOfTokens.test(tokens)) {
                        forwards++;
                    }
                }
            }
        } finally {
            WARM_UP_ARM.remove();
        }
        WarmUp w = new WarmUp(forwards, (System.nanoTime() - t0) / 1e6);
        LOG.debug("warmed up {} small forwards of {} on {} in {} ms", w.forwards(), owner == null ? "the JVM" : owner.getClass().getSimpleName(),
                arms, Math.round(w.ms()));
        return w;
    }

    /** The token limit of a "small" forward (see the class comment). */
    public static long smallForwardTokens() {
        String v = System.getenv("T4J_SMALL_FORWARD_TOKENS");
        if (v == null) {
            v = System.getProperty("t4j.smallForwardTokens", "64");
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // the error below
        }
        throw new IllegalArgumentException("T4J_SMALL_FORWARD_TOKENS must be 0 or a positive number of tokens, got '" + v + "'");
    }

    /**
     * The thread count for a forward over {@code tokens} (batch x padded length) while the guard is open: when it is at
     * most {@link #smallForwardTokens()}, one thread or all as {@link SmallForwardThreads} decides (the guard times the
     * forward for it); otherwise a guard that changes nothing. Unknown sizes ({@code tokens < 0}) change nothing.
     */
    public static IntraOpThreads forTokens(long tokens) {
        return forTokens(tokens, (Object) null);
    }

    /**
     * As {@link #forTokens(long)}, learning the choice separately for {@code owner} (the model that runs the forward:
     * its forwards' times are comparable with each other, not with another model's; null: one choice for the JVM).
     */
    public static IntraOpThreads forTokens(long tokens, Object owner) {
        if (!isSmall(tokens)) {
            return NONE;
        }
        SmallForwardThreads c = chooser(owner);
        return open(c, tokens);
    }

    /** {@code owner}'s chooser, made on its first small forward or warm-up. */
    private static SmallForwardThreads chooser(Object owner) {
        synchronized (OWNERS) {
            return OWNERS.computeIfAbsent(owner, o -> new SmallForwardThreads(SmallForwardThreads.modeFromEnvironment()));
        }
    }

    /** As {@link #forTokens(long)} with the given chooser. */
    static IntraOpThreads forTokens(long tokens, SmallForwardThreads chooser) {
        return isSmall(tokens) ? open(chooser, tokens) : NONE;
    }

    /** Whether a forward over {@code tokens} is small and libgomp is reachable to act on it. */
    private static boolean isSmall(long tokens) {
        return tokens >= 0 && tokens <= smallForwardTokens() && bind();
    }

    /** The guard of one small forward on the arm {@code c} picks. */
    private static IntraOpThreads open(SmallForwardThreads c, long tokens) {
        try {
            int current = (int) getMaxThreads.invokeExact();
            if (current <= 1) {
                return NONE;
            }
            SmallForwardThreads.Arm forced = WARM_UP_ARM.get();
            SmallForwardThreads.Arm arm = forced != null ? forced : c.pick();
            if (arm == SmallForwardThreads.Arm.ONE) {
                setNumThreads.invokeExact(1);
                return new IntraOpThreads(current, c, arm, System.nanoTime(), tokens);
            }
            return new IntraOpThreads(-1, c, arm, System.nanoTime(), tokens);
        } catch (Throwable e) {
            throw new IllegalStateException("omp_set_num_threads failed", e);
        }
    }

    /** The calling thread's OpenMP thread count ({@code omp_get_max_threads}), or -1 when libgomp is not reachable. */
    public static int current() {
        if (!bind()) {
            return -1;
        }
        try {
            return (int) getMaxThreads.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("omp_get_max_threads failed", e);
        }
    }

    private static boolean bind() {
        if (setNumThreads != null) {
            return true;
        }
        if (unavailable) {
            return false;
        }
        synchronized (IntraOpThreads.class) {
            if (setNumThreads == null && !unavailable) {
                Engine.init(); // libtorch loads its libgomp first; dlopen by soname then finds that one
                try {
                    SymbolLookup gomp = SymbolLookup.libraryLookup("libgomp.so.1", Arena.global());
                    Linker linker = Linker.nativeLinker();
                    getMaxThreads = linker.downcallHandle(gomp.find("omp_get_max_threads").orElseThrow(),
                            FunctionDescriptor.of(ValueLayout.JAVA_INT));
                    setNumThreads = linker.downcallHandle(gomp.find("omp_set_num_threads").orElseThrow(),
                            FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
                } catch (RuntimeException e) {
                    unavailable = true;
                    LOG.debug("libgomp not reachable ({}): small forwards keep every intra-op thread", e.toString());
                }
            }
        }
        return setNumThreads != null;
    }

    @Override
    public void close() {
        if (arm != null) {
            owner.record(arm, (System.nanoTime() - startNanos) / 1e6, tokens);
        }
        if (restore > 0) {
            try {
                setNumThreads.invokeExact(restore);
            } catch (Throwable e) {
                throw new IllegalStateException("omp_set_num_threads failed", e);
            }
        }
    }
}
