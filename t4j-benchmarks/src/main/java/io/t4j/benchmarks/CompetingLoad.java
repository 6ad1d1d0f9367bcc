package io.t4j.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A competing load on one core, as another job on a shared machine: a separate process spinning in a shell loop
 * ({@code sh -c 'while :; do :; done'}), at the same priority, started before a measurement and stopped after it.
 * The scheduler places it; on a 2-core machine it holds one core's worth of CPU.
 */
final class CompetingLoad implements AutoCloseable {
    private final Process process;

    private CompetingLoad(Process process) {
        this.process = process;
    }

    /** Starts the loop; fails naming the command when no shell can be started. */
    static CompetingLoad start() {
        try {
            Process p = new ProcessBuilder("sh", "-c", "while :; do :; done").redirectErrorStream(true).start();
            return new CompetingLoad(p);
        } catch (IOException e) {
            throw new IllegalStateException("--competing-load: could not start `sh -c 'while :; do :; done'`: " + e.getMessage(), e);
        }
    }

    /** Whether the loop is running. */
    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
