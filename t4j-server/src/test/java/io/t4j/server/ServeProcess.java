package io.t4j.server;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real {@code t4j serve} process on a free loopback port, with this JVM's classpath, for tests of real clients. */
record ServeProcess(Process process, URI base, Path log) implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("t4j serve: .* on (http://127\\.0\\.0\\.1:\\d+): ");

    /** Starts {@code t4j serve --port 0 args...} and waits until it listens (or fails with its log). */
    static ServeProcess start(Path logDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-DOPT_OUT_TRACKING=true", "-cp", System.getProperty("java.class.path"),
                ServerMain.class.getName(), "--port", "0"));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(logDir, "serve", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (p.isAlive() && System.nanoTime() < deadline) {
            Matcher m = READY.matcher(Files.readString(log));
            if (m.find()) {
                return new ServeProcess(p, URI.create(m.group(1)), log);
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new IllegalStateException("t4j serve did not start:\n" + Files.readString(log));
    }

    /** SIGTERM (the server drains), then the process must be gone. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
