package io.t4j.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.engine.nn.StateDict;
import io.t4j.engine.safetensors.SafeTensors;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import io.t4j.trainer.distributed.DistributedContext;
import io.t4j.trainer.distributed.Launcher;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training on loopback, with real processes: two ranks of batch 16 against one process of batch 32
 * (dropout off), for the Reducer and for allreduce after backward; resuming a 2-rank run; a rank that dies (a real
 * process) or hangs (a thread); the launcher's stop-on-failure.
 */
class DistributedTrainingTest {
    @TempDir
    Path dir;

    /**
     * 2 ranks x 16 equal 1 process x 32 in exact arithmetic: each rank's loss is the mean over its 16 rows, the ranks'
     * gradients are averaged, and rank r's batch k is rows {@code 32k + r, 32k + r + 2, ...} of the same epoch
     * permutation that one process cuts into batches of 32. What may differ is float32 rounding (two partial means
     * against one, each rank padding its own batch). The yardstick is the difference between two other computations
     * that are equal in exact arithmetic and differ only in that way: one process with batch 32 against batch 16 with
     * gradient accumulation 2. Measured here after 8 AdamW steps (lr 1e-3, clipping on, 2 epochs so set_epoch
     * reshuffles): that baseline 7.45e-9, both 2-rank modes 7.45e-9 from 1 x 32 (one float32 ulp of a weight in
     * [0.5, 1)) and 0 from each other. The bound, 4x the baseline plus 1e-7, leaves room for other CPUs' GEMM kernels;
     * attention key biases, whose exact gradient is 0, have their own bound (see {@link #maxDiff}).
     */
    @Test
    void twoRanksOfSixteenGiveTheParametersOfOneProcessOfThirtyTwo() throws Exception {
        Map<String, Tensor> one = trainOneProcess(32, 1);
        Map<String, Tensor> accumulated = trainOneProcess(16, 2);
        int exit = launch("parity", dir);
        assertThat(exit).as("launcher exit code; rank errors: %s", errors(dir)).isZero();
        try (PointerScope scope = new PointerScope(); SafeTensors reducer = SafeTensors.open(dir.resolve("reducer/model.safetensors"));
             SafeTensors after = SafeTensors.open(dir.resolve("allreduce/model.safetensors"));
             SafeTensors saved = SafeTensors.open(dir.resolve("saved/model.safetensors"));
             SafeTensors resumed = SafeTensors.open(dir.resolve("resumed/model.safetensors"))) {
            double[] baseline = maxDiff(one, accumulated);
            double[] reducerDiff = maxDiff(one, reducer);
            double[] afterDiff = maxDiff(one, after);
            double[] modes = maxDiff(reducer, after);
            double[] resumeDiff = maxDiff(saved, resumed);
            System.out.printf("DDP parity (all weights but attention key biases; key biases): 1x32 vs 1x16 accum 2 %.3g, %.3g; "
                    + "2x16 Reducer %.3g, %.3g; allreduce-after-backward %.3g, %.3g; Reducer vs allreduce %.3g, %.3g; "
                    + "resumed vs uninterrupted %.3g, %.3g%n", baseline[0], baseline[1], reducerDiff[0], reducerDiff[1],
                    afterDiff[0], afterDiff[1], modes[0], modes[1], resumeDiff[0], resumeDiff[1]);
            double bound = 4 * baseline[0] + 1e-7;
            double keyBiasBound = 2 * 1e-3 * DdpWorker.STEPS; // 2 lr per step, see maxDiff
            assertThat(baseline[0]).isLessThan(1e-5); // two exact-arithmetic twins stay close
            assertThat(reducerDiff[0]).isLessThanOrEqualTo(bound);
            assertThat(afterDiff[0]).isLessThanOrEqualTo(bound);
            assertThat(modes[0]).isLessThanOrEqualTo(bound);
            assertThat(Math.max(reducerDiff[1], Math.max(afterDiff[1], modes[1]))).isLessThanOrEqualTo(keyBiasBound);
            assertThat(resumeDiff).containsExactly(0, 0);
            assertThat(maxDiff(saved, reducer)).containsExactly(0, 0); // saving checkpoints changes nothing
            assertThat(maxDiff(one, trainOneProcess(32, 1))).as("rerun").containsExactly(0, 0); // deterministic
        }
        double loss1 = Double.parseDouble(Files.readString(dir.resolve("reducer/train_loss.txt")));
        assertThat(Math.abs(loss1 - oneProcessLoss)).as("train_loss, the mean over ranks").isLessThan(1e-4);
        assertThat(Files.readString(dir.resolve("reducer/comm.txt"))).contains("reducer-overlapped", "steps=8");
        assertThat(Files.readString(dir.resolve("allreduce/comm.txt"))).contains("allreduce-after-backward", "steps=8");
    }

    @Test
    void aRankThatDiesEndsTheOthersWithAClearErrorAndNoHang() throws Exception {
        long start = System.nanoTime();
        int[] codes = startRanksByHand("die", dir);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(codes[1]).as("rank 1's exit code (7: halted at step 3 as planned; 1: it failed before, with %s)",
                errorOf(dir, 1)).isEqualTo(7);
        assertThat(codes[0]).isEqualTo(1);
        String error = Files.readString(dir.resolve("rank0.error"));
        System.out.println("rank 0 after rank 1 died (" + String.format("%.1f", seconds) + " s): " + error);
        assertThat(error).startsWith("DistributedException: rank 0/2:").contains("another rank has ended");
    }

    /** Two ranks as threads of this JVM (as Spark's local mode runs barrier tasks): rank 1 stops answering. */
    @Test
    void aRankThatHangsEndsTheOthersAfterDdpTimeout() throws Exception {
        int port = freePort();
        var errors = new java.util.concurrent.ConcurrentHashMap<Integer, Throwable>();
        Thread[] ranks = new Thread[2];
        for (int r = 0; r < 2; r++) {
            int rank = r;
            ranks[r] = new Thread(() -> {
                var rendezvous = new DistributedContext.Rendezvous(rank, 2, rank, 2, "127.0.0.1", port,
                        Duration.ofSeconds(5), false, null);
                try (DistributedContext ctx = DistributedContext.join(rendezvous)) {
                    var a = DdpWorker.args(dir.resolve("hang"), 16).ddpTimeout(5).maxSteps(50).build();
                    Trainer.builder(DdpWorker.model(), a).trainDataset(new ToyData(DdpWorker.ROWS, 11)).distributed(ctx)
                            .callback(new TrainerCallback() {
                                @Override
                                public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
                                    if (state.globalStep() == 3 && rank == 1) {
                                        try {
                                            Thread.sleep(600_000); // alive, but never reaches the next allreduce
                                        } catch (InterruptedException e) {
                                            throw new IllegalStateException("rank 1 interrupted");
                                        }
                                    }
                                }
                            }).build().train();
                } catch (Throwable t) {
                    errors.put(rank, t);
                }
            }, "rank-" + r);
            ranks[r].start();
        }
        long start = System.nanoTime();
        ranks[0].join(120_000);
        double seconds = (System.nanoTime() - start) / 1e9;
        ranks[1].interrupt();
        ranks[1].join(60_000);
        assertThat(ranks[0].isAlive()).as("rank 0 ended by itself").isFalse();
        Throwable e = errors.get(0);
        System.out.printf("rank 0 while rank 1 hangs (%.1f s): %s%n", seconds, e);
        assertThat(e).isInstanceOf(io.t4j.trainer.distributed.DistributedException.class)
                .hasMessageStartingWith("rank 0/2:").hasMessageContaining("within ddp_timeout (5 s)");
    }

    @Test
    void theLauncherStopsTheOtherRanksWhenOneFails() throws Exception {
        var launcher = new Launcher(2, 1, 0, "127.0.0.1", freePort(), Duration.ofSeconds(5));
        long start = System.nanoTime();
        int code = launcher.run(List.of("sh", "-c", "if [ \"$RANK\" = 1 ]; then exit 3; else sleep 60; fi"), System.err);
        assertThat(code).isEqualTo(3);
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(20.0);
        assertThat(launcher.environment(1)).containsEntry("RANK", "1").containsEntry("WORLD_SIZE", "2")
                .containsEntry("LOCAL_RANK", "1").containsEntry("MASTER_ADDR", "127.0.0.1");
        var node1 = new Launcher(2, 2, 1, "10.0.0.1", 29500, Duration.ofSeconds(5));
        assertThat(node1.environment(0)).containsEntry("RANK", "2").containsEntry("WORLD_SIZE", "4")
                .containsEntry("LOCAL_RANK", "0").containsEntry("GROUP_RANK", "1");
    }

    private double oneProcessLoss;

    private Map<String, Tensor> trainOneProcess(int batch, int accumulation) {
        var a = DdpWorker.args(dir.resolve("one-" + batch), batch).gradientAccumulationSteps(accumulation).build();
        BertForSequenceClassification m = DdpWorker.model();
        var t = Trainer.builder(m, a).trainDataset(new ToyData(DdpWorker.ROWS, 11)).build();
        TrainOutput out = t.train();
        if (accumulation == 1) {
            oneProcessLoss = out.trainingLoss();
        }
        return StateDict.tensors(m);
    }

    private static int launch(String scenario, Path out) throws Exception {
        var launcher = new Launcher(2, 1, 0, "127.0.0.1", freePort(), Duration.ofSeconds(5));
        return launcher.run(Launcher.thisJvm(DdpWorker.class.getName(), List.of(scenario, out.toString())), System.err);
    }

    /** Both ranks as plain processes (no launcher to stop rank 0): it must end by itself. */
    /** What rank {@code rank} wrote as its error before exiting with 1, or a note that it wrote none. */
    private static String errorOf(Path dir, int rank) throws java.io.IOException {
        Path f = dir.resolve("rank" + rank + ".error");
        return Files.exists(f) ? Files.readString(f) : "no error file";
    }

    private static int[] startRanksByHand(String scenario, Path out) throws Exception {
        var launcher = new Launcher(2, 1, 0, "127.0.0.1", freePort(), Duration.ofSeconds(5));
        Process[] p = new Process[2];
        for (int r = 0; r < 2; r++) {
            ProcessBuilder pb = new ProcessBuilder(Launcher.thisJvm(DdpWorker.class.getName(), List.of(scenario, out.toString())))
                    .inheritIO();
            pb.environment().putAll(launcher.environment(r));
            pb.environment().put("T4J_NUM_THREADS", "1");
            p[r] = pb.start();
        }
        int[] codes = new int[2];
        try {
            assertThat(p[0].waitFor(120, TimeUnit.SECONDS)).as("rank 0 ended by itself").isTrue();
            codes[0] = p[0].exitValue();
            if (!p[1].waitFor(60, TimeUnit.SECONDS)) {
                p[1].destroyForcibly().waitFor();
            }
            codes[1] = p[1].exitValue();
        } finally {
            for (Process x : p) {
                x.destroyForcibly();
            }
        }
        return codes;
    }

    /**
     * The largest weight difference: [0] over every parameter but the attention key biases, [1] over those. A key
     * bias adds the same q.b to all scores of a query, which softmax ignores: its gradient is 0 in exact arithmetic
     * and float noise in practice, which AdamW divides by its own root mean square, moving the bias by up to about
     * lr per step either way (measured 6.9e-4 after 4 steps at lr 1e-3 in TrainCliTest's model). So key biases are
     * held to 2 lr per step and the rest to the measured baseline.
     */
    private static double[] maxDiff(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertThat(b.keySet()).isEqualTo(a.keySet());
        double[] max = new double[2];
        for (var e : a.entrySet()) {
            int k = e.getKey().endsWith("attention.self.key.bias") ? 1 : 0;
            max[k] = Math.max(max[k], io.t4j.engine.Tensors.maxAbsDiff(e.getValue(), b.get(e.getKey())));
        }
        return max;
    }

    private static double[] maxDiff(Map<String, Tensor> a, SafeTensors b) {
        return maxDiff(a, tensors(b));
    }

    private static double[] maxDiff(SafeTensors a, SafeTensors b) {
        return maxDiff(tensors(a), tensors(b));
    }

    private static Map<String, Tensor> tensors(SafeTensors st) {
        Map<String, Tensor> m = new java.util.LinkedHashMap<>();
        for (String name : st.tensors().keySet()) {
            m.put(name, st.tensor(name));
        }
        return m;
    }

    private static String errors(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String f : List.of("rank0.error", "rank1.error")) {
            if (Files.exists(dir.resolve(f))) {
                sb.append(f).append(": ").append(Files.readString(dir.resolve(f))).append('\n');
            }
        }
        return sb.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
