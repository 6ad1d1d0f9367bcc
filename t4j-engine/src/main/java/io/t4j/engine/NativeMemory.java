package io.t4j.engine;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives freed native memory back to the OS: glibc's {@code malloc_trim(0)}, called by the thread that owns the
 * batches (the server's inference thread, the Trainer's loop) at most once per interval. Each batch's tensors are
 * freed when its PointerScope closes, but glibc keeps the freed pages of its arenas (and, after its dynamic mmap
 * threshold has risen, serves large tensors from them too), so without this RSS settles at the largest batches'
 * working set and, with batches of ever different shapes, grows by fragmentation (measured in BENCHMARKS.md,
 * "Server memory" and "Question answering"). Where {@code malloc_trim} does not exist (macOS, musl) this does nothing.
 */
public final class NativeMemory {
    private static final Logger LOG = LoggerFactory.getLogger(NativeMemory.class);
    private static final MethodHandle MALLOC_TRIM = lookup();

    private final long intervalNanos;
    private long last = System.nanoTime();

    /** @param intervalMillis at most one trim per this many milliseconds; 0 or less turns trimming off */
    public NativeMemory(long intervalMillis) {
        this.intervalNanos = intervalMillis > 0 && MALLOC_TRIM != null ? intervalMillis * 1_000_000 : -1;
    }

    /** The interval from the system property {@code name} (0 turns trimming off), else {@code defaultMillis}. */
    public static NativeMemory fromSystemProperty(String name, long defaultMillis) {
        return new NativeMemory(Long.getLong(name, defaultMillis));
    }

    /** After a batch: trims when the interval has passed since the last trim. */
    public void afterBatch() {
        if (intervalNanos < 0) {
            return;
        }
        long now = System.nanoTime();
        if (now - last >= intervalNanos) {
            last = now;
            trim();
        }
    }

    private static void trim() {
        long start = System.nanoTime();
        try {
            int released = (int) MALLOC_TRIM.invokeExact(0L);
            LOG.debug("malloc_trim: {} in {} us", released == 1 ? "released memory" : "nothing to release",
                    (System.nanoTime() - start) / 1000);
        } catch (Throwable e) {
            LOG.debug("malloc_trim failed: {}", e.toString());
        }
    }

    private static MethodHandle lookup() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("malloc_trim").map(address -> linker.downcallHandle(address,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG))).orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
