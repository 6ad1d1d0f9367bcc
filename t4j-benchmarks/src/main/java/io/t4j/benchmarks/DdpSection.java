package io.t4j.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.t4j.trainer.distributed.Launcher;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Data-parallel training on this machine and on paper. Each configuration is a {@link Launcher} job of
 * {@link DdpBenchWorker} ranks (child JVMs, as {@code t4j train --nproc-per-node} starts them) training bge-small
 * on SST-2 with a global batch of 32: one rank with 2 threads, and two ranks with 1 thread each, with the Reducer
 * (allreduce overlapped with backward) and with the allreduce after backward. Reported: the step, the
 * communication the step waited for and its share, the bare allreduce of bge-small's gradients over loopback, and a
 * projection to N nodes on 1 and 10 Gbit/s networks (ring allreduce, this machine's step as each node's compute).
 */
public final class DdpSection {
    private DdpSection() {}

    /**
     * One configuration.
     *
     * @param name            e.g. {@code 2 ranks x 1 thread, Reducer}
     * @param worldSize       ranks
     * @param threads         intra-op threads per rank
     * @param comm            reducer-overlapped, allreduce-after-backward or none
     * @param medianStepMs    median timed step
     * @param exposedCommMs   mean time per step waiting for the allreduce after backward (0 with the Reducer: it
     *                        is inside backward)
     * @param backwardMs      mean synchronised backward (with the Reducer it contains the overlapped allreduce)
     * @param bareAllreduceMs median of the bare allreduce of the gradients, or null for one rank
     * @param gradientBytes   bytes of trainable parameters' gradients
     * @param load1           1-minute load average after the job
     */
    public record Run(String name, int worldSize, int threads, String comm, double medianStepMs, double exposedCommMs,
                      double backwardMs, Double bareAllreduceMs, long gradientBytes, double load1) {}

    /** The section's result: the runs, and the per-node compute step and backward share the projection uses. */
    public record Report(int globalBatch, int maxLength, int warmupSteps, int timedSteps, List<Run> runs,
                         double computeStepMs, double backwardShare) implements SectionResult {
        @Override
        public List<Table> tables() {
            var rows = Table.newRows();
            for (Run r : runs) {
                rows.add(List.of(r.name(), Table.num(r.medianStepMs(), 0), Table.num(globalBatch / r.medianStepMs() * 1000, 1),
                        r.comm().equals("none") ? "-" : Table.num(r.exposedCommMs(), 0),
                        r.comm().equals("none") ? "-" : Table.pct(r.exposedCommMs() / r.medianStepMs()),
                        r.comm().equals("none") ? "-" : Table.num(r.backwardMs(), 0),
                        r.bareAllreduceMs() == null ? "-" : Table.num(r.bareAllreduceMs(), 0), Table.num(r.load1(), 2)));
            }
            long bytes = runs.getFirst().gradientBytes();
            var measured = new Table(String.format(Locale.ROOT, "ddp: bge-small-en-v1.5 on SST-2, global batch %d, max_length %d, "
                    + "%d warm-up + %d timed steps per configuration", globalBatch, maxLength, warmupSteps, timedSteps),
                    List.of("configuration", "median step ms", "samples/s", "allreduce waited ms/step", "share of step",
                            "backward ms", "bare allreduce ms", "load1"), rows,
                    List.of("each configuration is a Launcher job of child JVMs on loopback (Gloo over TCP on 127.0.0.1); "
                                    + "per-device batch = global batch / ranks; threads per rank = 2 cores / ranks",
                            "allreduce waited: time after backward until every bucket was reduced (the Reducer's allreduce "
                                    + "runs inside backward, so its cost shows in backward ms and the step)",
                            String.format(Locale.ROOT, "bare allreduce: %.1f MB of gradients (%d MB buckets, all started, "
                                    + "then awaited), median of 5 after one warm-up pass", bytes / 1e6, 25)));
            var proj = Table.newRows();
            for (int n : new int[] {1, 2, 4, 8, 16, 32, 64}) {
                List<String> row = new ArrayList<>(List.of(Integer.toString(n)));
                for (double gbit : new double[] {1, 10}) {
                    double comm = ringAllreduceMs(bytes, n, gbit);
                    double noOverlap = computeStepMs + comm;
                    double overlap = computeStepMs + Math.max(0, comm - backwardShare * computeStepMs);
                    row.add(Table.num(comm, 0));
                    row.add(Table.num(n * globalBatch / noOverlap * 1000, 0) + " (" + Table.pct(computeStepMs / noOverlap) + ")");
                    row.add(Table.num(n * globalBatch / overlap * 1000, 0) + " (" + Table.pct(computeStepMs / overlap) + ")");
                }
                proj.add(row);
            }
            var paper = new Table("ddp on paper: N nodes like this one, " + globalBatch + " rows per node per step",
                    List.of("nodes", "1 Gbit/s allreduce ms", "samples/s no overlap (efficiency)", "samples/s overlapped",
                            "10 Gbit/s allreduce ms", "samples/s no overlap (efficiency)", "samples/s overlapped"), proj,
                    List.of(String.format(Locale.ROOT, "compute per node and step: %.0f ms (the measured 1 rank x 2 threads step at "
                                    + "batch %d); ring allreduce of %.1f MB: 2(N-1)/N x bytes / bandwidth + 2(N-1) x 50 us",
                                    computeStepMs, globalBatch, bytes / 1e6),
                            String.format(Locale.ROOT, "overlapped: the Reducer hides the allreduce behind backward, %.0f%% of "
                                    + "the step (measured: backward / (step - allreduce waited) of the 2-rank after-backward run); "
                                    + "only what exceeds it adds to the step", 100 * backwardShare),
                            "paper only: no network beyond loopback was available; Gloo's CPU allreduce may fall short of the "
                                    + "ring bound, and the link is assumed to carry nothing else"));
            return List.of(measured, paper);
        }
    }

    /** Ring allreduce lower bound: 2(N-1)/N of the bytes through each link, plus 2(N-1) hops of 50 us. */
    static double ringAllreduceMs(long bytes, int nodes, double gbitPerSecond) {
        if (nodes == 1) {
            return 0;
        }
        double seconds = 2.0 * (nodes - 1) / nodes * bytes * 8 / (gbitPerSecond * 1e9) + 2.0 * (nodes - 1) * 50e-6;
        return seconds * 1000;
    }

    public static Report run(BenchContext ctx) throws IOException, InterruptedException {
        BenchOptions o = ctx.options();
        ctx.bgeSmall(); // import the default model once, before the children race for it
        int globalBatch = o.batchSize();
        List<Run> runs = new ArrayList<>();
        runs.add(job(ctx, "1 rank x 2 threads", 1, "none"));
        runs.add(job(ctx, "2 ranks x 1 thread, Reducer (overlap)", 2, "reducer"));
        runs.add(job(ctx, "2 ranks x 1 thread, allreduce after backward", 2, "allreduce"));
        Run after = runs.get(2);
        double backwardShare = after.backwardMs() / Math.max(1, after.medianStepMs() - after.exposedCommMs());
        return new Report(globalBatch, o.maxLength(), o.warmupSteps(), o.steps(), runs, runs.get(0).medianStepMs(),
                Math.min(1, backwardShare));
    }

    private static Run job(BenchContext ctx, String name, int ranks, String comm) throws IOException, InterruptedException {
        BenchOptions o = ctx.options();
        Progress.say("ddp: %s", name);
        Path json = Files.createTempFile("t4j-ddp-bench", ".json");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var launcher = new Launcher(ranks, 1, 0, "127.0.0.1", port, Duration.ofSeconds(10));
        int rc = launcher.run(Launcher.thisJvm(DdpBenchWorker.class.getName(), List.of(json.toString(),
                o.sst2().toString(), comm, Integer.toString(o.warmupSteps()), Integer.toString(o.steps()),
                Integer.toString(o.maxLength()), Integer.toString(o.batchSize()))), System.err);
        if (rc != 0) {
            throw new IllegalStateException("ddp: the job '" + name + "' exited with " + rc + " (its ranks' errors are above)");
        }
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        Files.deleteIfExists(json);
        List<Double> steps = new ArrayList<>();
        r.get("step_ms").forEach(v -> steps.add(v.asDouble()));
        List<Double> bare = new ArrayList<>();
        r.get("bare_allreduce_ms").forEach(v -> bare.add(v.asDouble()));
        return new Run(name, r.get("world_size").asInt(), r.get("threads").asInt(), r.get("comm").asText(),
                Stats.median(steps), r.get("exposed_comm_ms_per_step").asDouble(), r.get("backward_ms_per_step").asDouble(),
                bare.isEmpty() ? null : Stats.median(bare), r.get("gradient_bytes").asLong(), Proc.load1());
    }
}
