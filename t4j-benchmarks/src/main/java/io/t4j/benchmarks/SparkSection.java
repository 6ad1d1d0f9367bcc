package io.t4j.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.t4j.spark.T4jTextClassifier;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Batch inference through Spark against the plain pipeline, side by side: text classification with bge-small over
 * the first {@code --spark-rows} SST-2 training sentences, each configuration in its own child JVM
 * ({@link SparkBenchMain}) on t4j-spark's class path with Spark's JVM flags: the pipeline called directly with 2
 * intra-op threads; {@link T4jTextClassifier} in {@code local[1]} (one task, 2 threads: Spark's overhead alone) and
 * in {@code local[2]} (two tasks of 1 thread sharing one model). Configurations alternate over {@code --rounds}.
 * The tables give rows/s, the overhead against the pipeline, and a projection to N executors on paper.
 */
public final class SparkSection {
    private SparkSection() {}

    /** What spark-launcher 4.2 adds on JDK 17+ (JavaModuleOptions), for the Spark children. */
    static final List<String> SPARK_JVM_FLAGS = List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED", "-Dio.netty.tryReflectionSetAccessible=true",
            "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED");

    /**
     * One configuration over the rounds.
     *
     * @param name      what ran
     * @param passMs    every timed pass over the rows
     * @param loadMs    the untimed first part (JVM to first batch: model load, Spark start)
     * @param threads   intra-op threads per caller
     */
    public record Run(String name, List<Double> passMs, double loadMs, int threads) {
        double rowsPerSecond(int rows) {
            return rows / Stats.median(passMs) * 1000;
        }
    }

    public record Report(int rows, int batch, int rounds, List<Run> runs, double load1) implements SectionResult {
        @Override
        public List<Table> tables() {
            double plain = runs.getFirst().rowsPerSecond(rows);
            var t = Table.newRows();
            for (Run r : runs) {
                double rps = r.rowsPerSecond(rows);
                t.add(List.of(r.name(), Table.num(Stats.median(r.passMs()), 0), Table.num(rps, 1),
                        Table.pct(plain / rps - 1), Table.num(r.loadMs() / 1000, 1)));
            }
            var measured = new Table(String.format(Locale.ROOT, "spark: text classification, bge-small-en-v1.5 fp32, the first %,d "
                    + "SST-2 training sentences, batch %d, %d rounds", rows, batch, rounds),
                    List.of("configuration", "median pass ms", "rows/s", "time over the pipeline", "start to first batch s"), t,
                    List.of("each configuration runs in its own JVM (Spark's JVM flags) on this 2-core machine, configurations "
                                    + "alternating round by round; a pass scores every row (Spark: transform, then the noop sink, "
                                    + "over a cached DataFrame)",
                            "time over the pipeline = pipeline rows/s / rows/s - 1: Spark's overhead (local[1] runs the same "
                                    + "batches on the same threads) and the cost or gain of two 1-thread tasks (local[2])",
                            String.format(Locale.ROOT, "load average %.2f at the end", load1)));
            Run best = runs.stream().skip(1).max(java.util.Comparator.comparingDouble(r -> r.rowsPerSecond(rows))).orElseThrow();
            double perExecutor = best.rowsPerSecond(rows);
            var proj = Table.newRows();
            for (int n : new int[] {1, 2, 4, 8, 16, 32, 64}) {
                double hours = 1_000_000.0 / (n * perExecutor) / 3600;
                proj.add(List.of(Integer.toString(n), Table.num(n * perExecutor, 0), Table.num(hours * 60, 1)));
            }
            var paper = new Table("spark on paper: N executors like this machine (2 cores each)",
                    List.of("executors", "rows/s", "minutes per million rows"), proj,
                    List.of(String.format(Locale.ROOT, "per executor: the best Spark configuration measured above (%s, %.1f rows/s); "
                                    + "inference is embarrassingly parallel: no data moves between executors, each loads the "
                                    + "model once", best.name(), perExecutor),
                            "assumes enough partitions (at least executors x tasks per executor) and rows as short as SST-2's "
                                    + "(mean about 13 tokens); time grows with length, and the one-off start (model copy and load, "
                                    + "seconds) is left out"));
            return List.of(measured, paper);
        }
    }

    public static Report run(BenchContext ctx) throws IOException, InterruptedException {
        BenchOptions o = ctx.options();
        Path model = ctx.bgeSmall();
        Path tsv = ctx.sst2().dir().resolve("train.tsv");
        List<String> classpath = sparkClasspath();
        String[][] configs = {{"pipeline, 1 caller x 2 threads", "pipeline", "1"},
                {"Spark local[1], 1 task x 2 threads", "spark", "1"}, {"Spark local[2], 2 tasks x 1 thread", "spark", "2"}};
        List<List<Double>> passes = new ArrayList<>();
        double[] load = new double[configs.length];
        int[] threads = new int[configs.length];
        for (String[] c : configs) {
            passes.add(new ArrayList<>());
        }
        for (int round = 0; round < o.rounds(); round++) {
            for (int i = 0; i < configs.length; i++) {
                Progress.say("spark: %s, round %d/%d", configs[i][0], round + 1, o.rounds());
                JsonNode r = child(classpath, configs[i][1], tsv, model, o.sparkRows(), o.batchSize(), configs[i][2]);
                List<Double> ms = passes.get(i);
                r.get("pass_ms").forEach(v -> ms.add(v.asDouble()));
                load[i] = Math.max(load[i], r.get("load_ms").asDouble());
                threads[i] = r.get("threads").asInt();
            }
        }
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < configs.length; i++) {
            runs.add(new Run(configs[i][0], passes.get(i), load[i], threads[i]));
        }
        return new Report(o.sparkRows(), o.batchSize(), o.rounds(), runs, Proc.load1());
    }

    /** t4j-spark's class path with Spark (written by its build next to its jar), after this module's jar. */
    static List<String> sparkClasspath() throws IOException {
        // found as a resource: loading T4jTextClassifier here would need Spark (provided scope) on this JVM's class path
        String resource = "io/t4j/spark/T4jTextClassifier.class"; // a class literal would load it
        java.net.URL url = SparkSection.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalStateException("spark: " + resource + " is not on the class path (t4j-spark)");
        }
        String location = url.toString(); // jar:file:/.../t4j-spark-*.jar!/io/... or file:/.../classes/io/...
        Path sparkJar = location.startsWith("jar:")
                ? Path.of(java.net.URI.create(location.substring(4, location.indexOf("!/"))))
                : Path.of(java.net.URI.create(location.substring(0, location.length() - resource.length())));
        Path file = sparkJar.resolveSibling("spark-classpath.txt");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("spark: " + file + " is missing: build t4j-spark with `./mvnw -pl t4j-spark -am "
                    + "package -DskipTests` (the launcher does when sources change)");
        }
        Path benchJar = Path.of(java.net.URI.create(SparkBenchMain.class.getProtectionDomain().getCodeSource()
                .getLocation().toString()));
        return List.of(benchJar.toString(), sparkJar.toString(), Files.readString(file).trim());
    }

    private static JsonNode child(List<String> classpath, String mode, Path tsv, Path model, int rows, int batch,
                                  String k) throws IOException, InterruptedException {
        Path json = Files.createTempFile("t4j-spark-bench", ".json");
        Path log = Files.createTempFile("t4j-spark-bench", ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib")).toList());
        cmd.addAll(SPARK_JVM_FLAGS);
        cmd.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, classpath), SparkBenchMain.class.getName(),
                json.toString(), mode, tsv.toString(), model.toString(), Integer.toString(rows), "2",
                Integer.toString(batch), k));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int rc = p.waitFor();
        if (rc != 0) {
            List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.contains(" INFO ")).toList();
            String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            throw new IllegalStateException("spark: the " + mode + " child exited with " + rc + "; the end of " + log + ":\n" + tail);
        }
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        Files.deleteIfExists(json);
        Files.deleteIfExists(log);
        return r;
    }
}
