package io.t4j.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One intra-op thread for small forwards. A batch of one sentence is a few dozen rows per GEMM: split over two
 * OpenMP threads, every op's parallel region wakes the sleeping second thread (t4j's launcher makes OpenMP wait
 * passively) and waits for it at the end, and when another process holds that core the wait is a scheduler time
 * slice. Run on the calling thread alone, the same forward needs no wake-ups (measured in BENCHMARKS.md, batch-1
 * latency).
 *
 * <p>Forwards over at most {@code T4J_SMALL_FORWARD_TOKENS} tokens (padded batch x length; default 64, 0 turns this
 * off) run with OpenMP's thread count set to 1 for the calling thread only ({@code omp_set_num_threads} changes the
 * caller's own ICV; libtorch's {@code set_num_threads} would also clear oneDNN's primitive cache on every call).
 * Other threads, and larger forwards, keep {@link Engine#numThreads()}.
 */
public final class IntraOpThreads implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IntraOpThreads.class);
    private static final IntraOpThreads NONE = new IntraOpThreads(-1);
    private static volatile MethodHandle setNumThreads;
    private static volatile MethodHandle getMaxThreads;
    private static volatile boolean unavailable;

    private final int restore;

    private IntraOpThreads(int restore) {
        this.restore = restore;
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
     * One thread for the calling thread while the guard is open when {@code tokens} (batch x padded length) is at most
     * {@link #smallForwardTokens()}; otherwise a guard that changes nothing. Unknown sizes ({@code tokens < 0}) change nothing.
     */
    public static IntraOpThreads forTokens(long tokens) {
        long limit = smallForwardTokens();
        if (tokens < 0 || tokens > limit || !bind()) {
            return NONE;
        }
        try {
            int current = (int) getMaxThreads.invokeExact();
            if (current <= 1) {
                return NONE;
            }
            setNumThreads.invokeExact(1);
            return new IntraOpThreads(current);
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
        if (restore > 0) {
            try {
                setNumThreads.invokeExact(restore);
            } catch (Throwable e) {
                throw new IllegalStateException("omp_set_num_threads failed", e);
            }
        }
    }
}
