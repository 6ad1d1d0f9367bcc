package io.t4j.server.bench;

import io.t4j.server.ServerMain;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load test of {@code t4j serve} (a bench main, not a test): classify requests of one review-like sentence each
 * against a server process on this machine, per batching mode and client concurrency, interleaved over rounds.
 * Prints requests/s and p50/p99 latency, then the server's RSS after 100 requests and at even steps up to
 * {@code --memory-requests} from {@code --memory-clients} threads (the server runs with {@code -Xmx512m},
 * {@code -Dt4j.bench.serverHeap} to change; {@code --server-env} adds environment variables, e.g. an allocator).
 *
 * <pre>
 * ServerBench [--model default] [--seconds 15] [--rounds 2] [--concurrency 1,8,32] [--modes 1:0,32:0,32:5]
 *             [--load short|mixed] [--memory-requests 10000] [--memory-mode 32:5] [--memory-clients 8]
 *             [--memory-samples 4] [--server-env MALLOC_ARENA_MAX=2,LD_PRELOAD=...]
 * </pre>
 * A mode is {@code max-batch-size:max-wait-ms[:threads[:max-batch-tokens]]}; {@code 1:0} is no batching (requests
 * run one by one); {@code threads} sets the server's T4J_NUM_THREADS and OPENBLAS_NUM_THREADS ({@code -}: unset, all
 * cores); {@code max-batch-tokens} is the server's token budget (0: batches bounded by count only, as before the
 * budget existed; absent: the server's default). {@code --load mixed} makes every 8th request of a client a long
 * review (about 300 tokens) among the short ones, and reports the short requests' latency apart.
 */
public final class ServerBench {
    private static final List<String> TEXTS = List.of(
            "This movie was the worst movie I have ever seen.",
            "A gorgeous, witty film that never talks down to its audience.",
            "The plot drags in the middle, but the last act makes up for it with real emotion.",
            "Terrible acting.",
            "I laughed, I cried, and then I bought the soundtrack on the way home from the cinema.",
            "Not bad, not great: a perfectly average evening at the movies with a forgettable script.",
            "The cinematography is stunning and every frame could hang in a gallery.",
            "Two hours of my life I will never get back.",
            "An uneven but often charming story about a family that runs a failing bakery in a small town by the sea.",
            "Brilliant!",
            "The dialogue feels written by a committee that has never heard people talk.",
            "Fans of the original will find plenty to love here, newcomers maybe less so.");
    /** The server's heap limit, so that RSS growth is native memory rather than a heap the JVM has not yet sized. */
    private static final String HEAP = System.getProperty("t4j.bench.serverHeap", "-Xmx512m");
    /** {@code -Dt4j.bench.nmt=true}: the server runs with native memory tracking and the memory run ends with its summary. */
    private static final boolean NMT = Boolean.getBoolean("t4j.bench.nmt");
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** About 300 tokens for bge's WordPiece: the long request of the mixed load. */
    private static final String LONG_TEXT = String.join(" ", java.util.Collections.nCopies(6,
            "The film opens with a long, patient shot of a harbour at dawn, and for the next two hours it never quite "
                    + "lets go of that mood: the fishermen, the failing bakery, the daughter who came back from the city "
                    + "and cannot decide whether to stay."));

    record Result(int requests, int errors, double seconds, double p50Ms, double p99Ms, double shortP50Ms, double shortP99Ms) {
        double rps() {
            return requests / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        String model = option(args, "--model", "default");
        int seconds = Integer.parseInt(option(args, "--seconds", "15"));
        int rounds = Integer.parseInt(option(args, "--rounds", "2"));
        int[] concurrency = Arrays.stream(option(args, "--concurrency", "1,8,32").split(",")).mapToInt(Integer::parseInt).toArray();
        String[] modes = option(args, "--modes", "1:0,32:0,32:5").split(",");
        int memoryRequests = Integer.parseInt(option(args, "--memory-requests", "10000"));
        String memoryMode = option(args, "--memory-mode", "32:5");
        mixed = option(args, "--load", "short").equals("mixed");
        int memoryClients = Integer.parseInt(option(args, "--memory-clients", "8"));
        int memorySamples = Integer.parseInt(option(args, "--memory-samples", "4"));
        Map<String, String> serverEnv = new LinkedHashMap<>();
        for (String kv : option(args, "--server-env", "").split(",")) {
            if (!kv.isBlank()) {
                serverEnv.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        System.out.printf("model %s, %d s per point, %d rounds, %d cores%n", model, seconds, rounds,
                Runtime.getRuntime().availableProcessors());
        System.out.printf("load: %s%n", mixed ? "mixed (every 8th request of a client is a ~300-token review)" : "short");
        System.out.println("round | max-batch-size:max-wait-ms[:threads:max-batch-tokens] | clients | requests/s | p50 ms"
                + " | p99 ms | short p50 ms | short p99 ms | errors");
        for (int round = 1; round <= rounds; round++) {
            for (String mode : modes) {
                try (Server server = Server.start(model, mode, Map.of())) {
                    load(server.base, 4, 3);  // warm-up
                    for (int c : concurrency) {
                        Result r = load(server.base, c, seconds);
                        System.out.printf("%d | %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %d%n", round, mode, c, r.rps(),
                                r.p50Ms(), r.p99Ms(), r.shortP50Ms(), r.shortP99Ms(), r.errors());
                    }
                }
            }
        }
        if (memoryRequests > 0) {
            memory(model, memoryMode, memoryRequests, memoryClients, memorySamples, serverEnv);
        }
    }

    /**
     * RSS of the server after 100 requests, then at {@code samples} even steps up to {@code total}, from
     * {@code clients} client threads; each line also gives RssAnon and RssFile (the mapped weights) and the
     * requests/s since the previous line.
     */
    private static void memory(String model, String mode, int total, int clients, int samples, Map<String, String> env)
            throws Exception {
        try (Server server = Server.start(model, mode, env)) {
            System.out.printf("memory: mode %s, heap %s, %d clients, server environment %s%n", mode, HEAP, clients, env);
            System.out.println("requests | VmRSS MiB | RssAnon MiB | RssFile MiB | RssAnon min / max MiB since the last line"
                    + " (sampled every 200 ms) | requests/s");
            Thread sampler = Thread.ofPlatform().daemon(true).start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        server.sampleAnon();
                        Thread.sleep(200);
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            });
            long t0 = System.nanoTime();
            count(server.base, clients, 100);
            server.printMemory(100, 100 / ((System.nanoTime() - t0) / 1e9));
            int done = 100;
            for (int q = 1; q <= samples; q++) {
                int target = (int) ((long) total * q / samples);
                long t = System.nanoTime();
                count(server.base, clients, target - done);
                double rps = (target - done) / ((System.nanoTime() - t) / 1e9);
                done = target;
                server.printMemory(done, rps);
            }
            sampler.interrupt();
            System.out.printf("VmHWM (peak RSS of the whole run) %.1f MiB%n", server.status().get("VmHWM") / 1024.0);
            if (NMT) {
                server.printNativeMemory();
            }
        }
    }

    private static boolean mixed;

    private static Result load(URI base, int clients, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<long[]> perClient = new ArrayList<>();
        AtomicInteger errors = new AtomicInteger();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int offset = c;
                futures.add(pool.submit(() -> client(base, offset, end, Integer.MAX_VALUE, errors)));
            }
            for (Future<long[]> f : futures) {
                perClient.add(f.get());
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] all = perClient.stream().flatMapToLong(Arrays::stream).map(Math::abs).sorted().toArray();
        long[] shorts = perClient.stream().flatMapToLong(Arrays::stream).filter(x -> x > 0).sorted().toArray();
        return new Result(all.length, errors.get(), elapsed, percentile(all, 0.50), percentile(all, 0.99),
                percentile(shorts, 0.50), percentile(shorts, 0.99));
    }

    private static void count(URI base, int clients, int total) throws Exception {
        AtomicInteger errors = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int offset = c;
                int share = total / clients + (c < total % clients ? 1 : 0);
                futures.add(pool.submit(() -> client(base, offset, Long.MAX_VALUE, share, errors)));
            }
            for (Future<long[]> f : futures) {
                f.get();
            }
        }
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " requests failed");
        }
    }

    /** One client's loop: latencies in ns of its successful requests, negative for the long ones of the mixed load. */
    private static long[] client(URI base, int offset, long endNanos, int maxRequests, AtomicInteger errors) throws Exception {
        long[] latencies = new long[1024];
        int n = 0;
        for (int i = 0; i < maxRequests && System.nanoTime() < endNanos; i++) {
            boolean isLong = mixed && (offset + i) % 8 == 0;
            String text = isLong ? LONG_TEXT : TEXTS.get((offset + i) % TEXTS.size());
            HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/classify"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": \"" + text + "\"}")).build();
            long t0 = System.nanoTime();
            HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            long dt = System.nanoTime() - t0;
            if (r.statusCode() != 200) {
                errors.incrementAndGet();
                continue;
            }
            if (n == latencies.length) {
                latencies = Arrays.copyOf(latencies, n * 2);
            }
            latencies[n++] = isLong ? -dt : dt;
        }
        return Arrays.copyOf(latencies, n);
    }

    private static double percentile(long[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    /** A {@code t4j serve} child process on a free port, with this JVM's classpath. */
    private record Server(Process process, URI base, Path log) implements AutoCloseable {
        /** A server in {@code mode} (max-batch-size:max-wait-ms[:threads]). */
        static Server start(String model, String mode, Map<String, String> env) throws IOException, InterruptedException {
            String[] bw = mode.split(":");
            String threads = bw.length > 2 && !bw[2].equals("-") ? bw[2] : null;
            Path log = Files.createTempFile("t4j-serve", ".log");
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-DOPT_OUT_TRACKING=true"));
            if (NMT) {
                cmd.add("-XX:NativeMemoryTracking=summary");
            }
            if (!HEAP.isBlank()) {
                cmd.addAll(List.of(HEAP.strip().split("\\s+")));
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ServerMain.class.getName(), "--model", model, "--port", "0", "--max-concurrent-requests", "512",
                    "--max-batch-size", bw[0], "--max-wait-ms", bw[1]));
            if (bw.length > 3) {
                cmd.addAll(List.of("--max-batch-tokens", bw[3]));
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            if (threads != null) {
                pb.environment().put("T4J_NUM_THREADS", threads);
                pb.environment().put("OPENBLAS_NUM_THREADS", threads);
            }
            pb.environment().putAll(env);
            Process p = pb.start();
            Pattern ready = Pattern.compile(" on (http://127\\.0\\.0\\.1:\\d+): ");
            while (p.isAlive()) {
                Matcher m = ready.matcher(Files.readString(log));
                if (m.find()) {
                    return new Server(p, URI.create(m.group(1)), log);
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("the server did not start:\n" + Files.readString(log));
        }

        long rssKb() throws IOException {
            return status().get("VmRSS");
        }

        /** The kB fields of /proc/PID/status (VmRSS, RssAnon, RssFile, VmHWM, ...). */
        Map<String, Long> status() throws IOException {
            Map<String, Long> kb = new LinkedHashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.endsWith(" kB")) {
                    kb.put(line.substring(0, line.indexOf(':')), Long.parseLong(line.replaceAll("\\D", "")));
                }
            }
            return kb;
        }

        /** The JVM's own accounting (jcmd VM.native_memory summary): what of the RSS is the heap, threads, GC, ... */
        void printNativeMemory() throws IOException, InterruptedException {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "VM.native_memory", "summary").redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes());
            jcmd.waitFor();
            out.lines().filter(l -> l.matches("^(Total|-\\s+\\S.*\\(reserved=).*") || l.contains("committed=") && l.startsWith("Total"))
                    .forEach(l -> System.out.println("NMT " + l.strip()));
        }

        /** RssAnon kB: lowest and highest sampled since the last {@link #printMemory} (shared with the sampler). */
        private static final long[] ANON_RANGE = {Long.MAX_VALUE, 0};

        void sampleAnon() throws IOException {
            long anon = status().get("RssAnon");
            synchronized (ANON_RANGE) {
                ANON_RANGE[0] = Math.min(ANON_RANGE[0], anon);
                ANON_RANGE[1] = Math.max(ANON_RANGE[1], anon);
            }
        }

        void printMemory(int requests, double rps) throws IOException {
            Map<String, Long> kb = status();
            long min;
            long max;
            synchronized (ANON_RANGE) {
                min = Math.min(ANON_RANGE[0], kb.get("RssAnon"));
                max = Math.max(ANON_RANGE[1], kb.get("RssAnon"));
                ANON_RANGE[0] = Long.MAX_VALUE;
                ANON_RANGE[1] = 0;
            }
            System.out.printf("%,d | %.1f | %.1f | %.1f | %.1f / %.1f | %.1f%n", requests, kb.get("VmRSS") / 1024.0,
                    kb.get("RssAnon") / 1024.0, kb.get("RssFile") / 1024.0, min / 1024.0, max / 1024.0, rps);
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            process.waitFor(60, TimeUnit.SECONDS);
            if (Boolean.getBoolean("t4j.bench.keepLog")) {
                System.out.println("server log kept: " + log);
            } else {
                Files.deleteIfExists(log);
            }
        }
    }
}
