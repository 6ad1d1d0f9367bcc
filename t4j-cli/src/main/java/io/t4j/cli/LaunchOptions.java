package io.t4j.cli;

import io.t4j.trainer.distributed.Launcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * torchrun's options on {@code t4j train} and {@code t4j pretrain}: with {@code --nproc-per-node N} the command
 * starts N copies of itself, one per rank, with torchrun's variables ({@link Launcher}), and waits for them; each
 * copy trains its shard, rank 0 logs, evaluates and saves. On several machines run the same command on each, with
 * {@code --nnodes}, its {@code --node-rank} and node 0's {@code --master-addr}.
 */
public final class LaunchOptions {
    private static final Set<String> WITH_VALUE = Set.of("--nproc-per-node", "--nproc_per_node", "--nnodes",
            "--node-rank", "--node_rank", "--master-addr", "--master_addr", "--master-port", "--master_port");

    @Option(names = {"--nproc-per-node", "--nproc_per_node"}, paramLabel = "N",
            description = "Data-parallel training: start N ranks on this machine (torchrun's option); each gets the "
                    + "cores divided by N unless T4J_NUM_THREADS is set.")
    Integer nprocPerNode;

    @Option(names = "--nnodes", paramLabel = "M", defaultValue = "1",
            description = "Machines in the job, each running this command (default: ${DEFAULT-VALUE}).")
    int nnodes;

    @Option(names = {"--node-rank", "--node_rank"}, paramLabel = "K", defaultValue = "0",
            description = "This machine's index in [0, nnodes) (default: ${DEFAULT-VALUE}).")
    int nodeRank;

    @Option(names = {"--master-addr", "--master_addr"}, paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Node 0's address; rank 0's store listens there only (default: ${DEFAULT-VALUE}).")
    String masterAddr;

    @Option(names = {"--master-port", "--master_port"}, paramLabel = "PORT", defaultValue = "29500",
            description = "The store's port on node 0 (default: ${DEFAULT-VALUE}).")
    int masterPort;

    /** Whether this process starts the ranks: a launcher option was given and this is not a rank already. */
    public boolean launches() {
        return (nprocPerNode != null || nnodes > 1) && System.getenv("RANK") == null;
    }

    /** Starts the ranks, each running {@code t4j} with {@code originalArgs} minus these options; their exit code. */
    public int launch(List<String> originalArgs) {
        var launcher = new Launcher(nprocPerNode == null ? 1 : nprocPerNode, nnodes, nodeRank, masterAddr, masterPort,
                Duration.ofSeconds(30));
        System.err.printf("t4j launcher: %d rank(s) on this node (node %d of %d, world size %d), store at %s:%d%n",
                launcher.nprocPerNode(), nodeRank, nnodes, launcher.worldSize(), masterAddr, masterPort);
        try {
            return launcher.run(Launcher.thisJvm(T4j.class.getName(), withoutLaunchOptions(originalArgs)), System.err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.SOFTWARE;
        }
    }

    static List<String> withoutLaunchOptions(List<String> args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            int eq = a.indexOf('=');
            if (WITH_VALUE.contains(a)) {
                i++; // and its value
            } else if (eq < 0 || !WITH_VALUE.contains(a.substring(0, eq))) {
                out.add(a);
            }
        }
        return out;
    }
}
