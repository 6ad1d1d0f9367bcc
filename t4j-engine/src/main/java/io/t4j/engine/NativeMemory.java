package io.t4j.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives freed native memory back to the OS: glibc's {@code malloc_trim(0)}, or tcmalloc's
 * {@code MallocExtension_ReleaseFreeMemory()} where tcmalloc is the process's allocator (the {@code t4j} launcher
 * preloads it where installed), called by the thread that owns the batches (the server's inference thread, the
 * Trainer's loop) at most once per interval. Each batch's tensors are freed when its PointerScope closes, but glibc
 * keeps the freed pages of its arenas (and, after its dynamic mmap threshold has risen, serves large tensors from them
 * too), so without this RSS settles at the largest batches' working set and, with batches of ever different shapes,
 * grows by fragmentation (measured in BENCHMARKS.md, "Server memory" and "Question answering"); tcmalloc returns
 * free pages only gradually. Where neither function exists (macOS, musl) this does nothing.
 */
public final class NativeMemory {
    private static final Logger LOG = LoggerFactory.getLogger(NativeMemory.class);
    /** {@code int malloc_trim(size_t)} or tcmalloc's release adapted to that type, see {@link #lookup()}; may be null. */
    private static final Release RELEASE = lookup();

    /** The allocator's function that gives free memory back, by name. */
    private record Release(String name, MethodHandle handle) {}

    private final long intervalNanos;
    private long last = System.nanoTime();

    /** @param intervalMillis at most one trim per this many milliseconds; 0 or less turns trimming off */
    public NativeMemory(long intervalMillis) {
        this.intervalNanos = intervalMillis > 0 && RELEASE != null ? intervalMillis * 1_000_000 : -1;
    }

    /** The interval from the system property {@code name} (0 turns trimming off), else {@code defaultMillis}. */
    public static NativeMemory fromSystemProperty(String name, long defaultMillis) {
        return new NativeMemory(Long.getLong(name, defaultMillis));
    }

    /** The function a trim calls: "MallocExtension_ReleaseFreeMemory", "malloc_trim", or "none". */
    public static String releaseFunction() {
        return RELEASE == null ? "none" : RELEASE.name();
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

    /** One release now; false when there is no release function or it failed (logged at debug level). */
    static boolean trim() {
        if (RELEASE == null) {
            return false;
        }
        long start = System.nanoTime();
        try {
            int released = (int) RELEASE.handle().invokeExact(0L);
            LOG.debug("{}: {} in {} us", RELEASE.name(),
                    released == 1 ? "released memory" : "nothing to release", (System.nanoTime() - start) / 1000);
            return true;
        } catch (Throwable e) {
            LOG.debug("{} failed: {}", RELEASE.name(), e.toString());
            return false;
        }
    }

    /**
     * tcmalloc's release where a mapped {@code libtcmalloc*.so} has it (adapted to malloc_trim's type: the argument is
     * ignored and 1 returned), else glibc's {@code malloc_trim}; null when neither is there.
     */
    private static Release lookup() {
        try {
            Linker linker = Linker.nativeLinker();
            Optional<MethodHandle> tcmalloc = mappedTcmalloc().flatMap(lib -> SymbolLookup.libraryLookup(lib, Arena.global())
                    .find("MallocExtension_ReleaseFreeMemory")).map(address -> linker.downcallHandle(address,
                    FunctionDescriptor.ofVoid()));
            if (tcmalloc.isPresent()) {
                MethodHandle release = MethodHandles.filterReturnValue(tcmalloc.get(), MethodHandles.constant(int.class, 1));
                return new Release("MallocExtension_ReleaseFreeMemory", // () -> void  =>  (long) -> int
                        MethodHandles.dropArguments(release, 0, long.class));
            }
            return linker.defaultLookup().find("malloc_trim").map(address -> new Release("malloc_trim",
                    linker.downcallHandle(address, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG))))
                    .orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** The path of a tcmalloc library mapped into this process (preloaded), from {@code /proc/self/maps}. */
    static Optional<Path> mappedTcmalloc() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1)).filter(f -> f.contains("/libtcmalloc")).findFirst()
                    .map(Path::of);
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }
}
