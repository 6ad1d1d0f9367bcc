package io.t4j.data;

import java.nio.file.Path;

/**
 * Where t4j caches derived data: system property {@code t4j.cache.dir}, else env {@code T4J_CACHE_DIR}, else
 * {@code $XDG_CACHE_HOME/t4j}, else {@code ~/.cache/t4j} (HF datasets uses {@code $HF_HOME/datasets} the same way).
 */
public final class T4jCache {
    private T4jCache() {}

    public static Path dir() {
        String configured = System.getProperty("t4j.cache.dir");
        if (configured == null) {
            configured = System.getenv("T4J_CACHE_DIR");
        }
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("t4j");
    }
}
