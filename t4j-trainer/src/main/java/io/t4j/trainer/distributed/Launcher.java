package io.t4j.trainer.distributed;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code torchrun} does on one node, without elasticity: starts {@code nproc_per_node} copies of a command, one
 * per rank, with torchrun's variables ({@code RANK}, {@code WORLD_SIZE}, {@code LOCAL_RANK},
 * {@code LOCAL_WORLD_SIZE}, {@code GROUP_RANK}, {@code MASTER_ADDR}, {@code MASTER_PORT}), and watches them. When
 * one exits with an error the others are stopped (SIGTERM, then SIGKILL after a grace period) and its exit code is
 * returned with a line naming the rank, so a dead rank ends the whole node's job instead of leaving the others
 * waiting. Killing the launcher stops its ranks.
 *
 * <p>Threads: unless {@code T4J_NUM_THREADS} / {@code OMP_NUM_THREADS} are set, each rank gets the node's cores
 * divided by {@code nproc_per_node} (torchrun sets {@code OMP_NUM_THREADS=1}; on a CPU-only node the division keeps
 * every core busy without oversubscribing it).
 *
 * @param nprocPerNode ranks on this node
 * @param nnodes       nodes
 * @param nodeRank     this node's index in {@code [0, nnodes)}
 * @param masterAddr   the address of node 0, where rank 0 serves the store (127.0.0.1 for one node)
 * @param masterPort   the store's port (torchrun's default 29500)
 * @param grace        how long stopped ranks get to exit before they are killed
 */
public record Launcher(int nprocPerNode, int nnodes, int nodeRank, String masterAddr, int masterPort, Duration grace) {
    public static final int DEFAULT_PORT = 29500;

    public Launcher {
        if (nprocPerNode < 1) {
            throw new IllegalArgumentException("--nproc-per-node must be at least 1, got " + nprocPerNode);
        }
        if (nnodes < 1) {
            throw new IllegalArgumentException("--nnodes must be at least 1, got " + nnodes);
        }
        if (nodeRank < 0 || nodeRank >= nnodes) {
            throw new IllegalArgumentException("--node-rank must be in [0, --nnodes " + nnodes + "), got " + nodeRank);
        }
        if (masterPort < 1 || masterPort > 65535) {
            throw new IllegalArgumentException("--master-port must be in [1, 65535], got " + masterPort);
        }
        Objects.requireNonNull(masterAddr, "masterAddr");
        if (nnodes > 1 && (masterAddr.equals("127.0.0.1") || masterAddr.equals("localhost"))) {
            throw new IllegalArgumentException("--nnodes " + nnodes + " needs --master-addr: node 0's address that every "
                    + "node can reach (not " + masterAddr + ")");
        }
    }

    public int worldSize() {
        return nprocPerNode * nnodes;
    }

    /** torchrun's variables for this node's {@code localRank}. */
    public Map<String, String> environment(int localRank) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RANK", Integer.toString(nodeRank * nprocPerNode + localRank));
        env.put("WORLD_SIZE", Integer.toString(worldSize()));
        env.put("LOCAL_RANK", Integer.toString(localRank));
        env.put("LOCAL_WORLD_SIZE", Integer.toString(nprocPerNode));
        env.put("GROUP_RANK", Integer.toString(nodeRank));
        env.put("MASTER_ADDR", masterAddr);
        env.put("MASTER_PORT", Integer.toString(masterPort));
        return env;
    }

    /**
     * Runs {@code command} once per local rank and waits: 0 when every rank exits with 0, else the first failing
     * rank's exit code (the others stopped). Ranks inherit this process's standard streams.
     */
    public int run(List<String> command, PrintStream err) throws InterruptedException {
        Map<String, String> inherited = System.getenv();
        int cores = Runtime.getRuntime().availableProcessors();
        String threads = Integer.toString(Math.max(1, cores / nprocPerNode));
        List<Process> ranks = new ArrayList<>();
        Thread stopOnExit = new Thread(() -> stop(ranks, Duration.ofSeconds(2)), "t4j-launcher-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            for (int local = 0; local < nprocPerNode; local++) {
                ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
                pb.environment().putAll(environment(local));
                if (!inherited.containsKey("T4J_NUM_THREADS")) {
                    pb.environment().put("T4J_NUM_THREADS", threads);
                }
                if (!inherited.containsKey("OMP_NUM_THREADS")) {
                    pb.environment().put("OMP_NUM_THREADS", threads);
                }
                try {
                    ranks.add(pb.start());
                } catch (java.io.IOException e) {
                    stop(ranks, grace);
                    throw new IllegalStateException("cannot start rank " + (nodeRank * nprocPerNode + local) + ": " + e.getMessage(), e);
                }
            }
            return watch(ranks, err);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it stops the ranks
            }
        }
    }

    private int watch(List<Process> ranks, PrintStream err) throws InterruptedException {
        boolean[] done = new boolean[ranks.size()];
        int remaining = ranks.size();
        while (remaining > 0) {
            for (int local = 0; local < ranks.size(); local++) {
                Process p = ranks.get(local);
                if (done[local] || p.isAlive()) {
                    continue;
                }
                done[local] = true;
                remaining--;
                int code = p.exitValue();
                if (code != 0) {
                    int rank = nodeRank * nprocPerNode + local;
                    List<Integer> others = new ArrayList<>();
                    for (int j = 0; j < ranks.size(); j++) {
                        if (ranks.get(j).isAlive()) {
                            others.add(nodeRank * nprocPerNode + j);
                        }
                    }
                    err.println("t4j launcher: rank " + rank + " (pid " + p.pid() + ") exited with code " + code
                            + (others.isEmpty() ? "" : "; stopping the other ranks " + others)
                            + ". Its own error is above; the job has failed.");
                    stop(ranks, grace);
                    return code;
                }
            }
            Thread.sleep(50);
        }
        return 0;
    }

    private static void stop(List<Process> ranks, Duration grace) {
        ranks.stream().filter(Process::isAlive).forEach(Process::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (Process p : ranks) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !p.waitFor(left, java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The command line that starts {@code mainClass} with {@code args} in a JVM like this one: the same java, JVM
     * options (a debugger agent aside, its port would clash) and class path.
     */
    public static List<String> thisJvm(String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib:jdwp") && !a.startsWith("-Xrunjdwp")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}
