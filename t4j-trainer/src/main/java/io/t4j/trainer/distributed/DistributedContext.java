package io.t4j.trainer.distributed;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.t4j.data.DistributedSampler;
import io.t4j.data.Sampler;
import io.t4j.engine.Tensors;
import io.t4j.engine.nn.Module;
import io.t4j.engine.nn.Parameter;
import io.t4j.trainer.TrainingArguments;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rank's view of a data-parallel job, what HF's Trainer gets from accelerate's {@code PartialState}: rank, world
 * size, local rank, the Gloo process group, and the few collective operations the Trainer calls. One process (the
 * default) is {@link #single()}, on which every operation is free and local.
 *
 * <p>Started in one of two ways: from torchrun's environment ({@link #fromEnvironment}: {@code RANK},
 * {@code WORLD_SIZE}, {@code LOCAL_RANK}, {@code MASTER_ADDR}, {@code MASTER_PORT}, as {@code t4j train
 * --nproc-per-node} sets them), which makes the process's default group; or explicitly ({@link #join}), as Spark's
 * barrier tasks do, where several ranks may share one JVM.
 *
 * <p>How it splits the data: with the whole dataset on every rank (torchrun), each rank reads its
 * {@link DistributedSampler} part; with data already split per rank ({@link Rendezvous#preSharded}: a Spark
 * partition each), each rank shuffles its own part and the ranks agree on one length (see {@link #trainShard}).
 */
public final class DistributedContext implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DistributedContext.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code -Dt4j.ddp.comm=reducer|allreduce}: overlap with backward (the Reducer, default) or allreduce after it. */
    public static final String COMM_PROPERTY = "t4j.ddp.comm";
    private static final DistributedContext SINGLE = new DistributedContext(0, 1, 0, 1, false, null);
    private static DistributedContext environmentDefault;

    private final int rank;
    private final int worldSize;
    private final int localRank;
    private final int localWorldSize;
    private final boolean preSharded;
    private final GlooProcessGroup group;

    private DistributedContext(int rank, int worldSize, int localRank, int localWorldSize, boolean preSharded,
                               GlooProcessGroup group) {
        this.rank = rank;
        this.worldSize = worldSize;
        this.localRank = localRank;
        this.localWorldSize = localWorldSize;
        this.preSharded = preSharded;
        this.group = group;
    }

    /**
     * How to reach the other ranks.
     *
     * @param masterAddr  rank 0's address: rank 0 serves the store there, and only there
     * @param masterPort  the store's port (0 only with {@code opened})
     * @param timeout     how long any operation may wait for the others (HF's {@code ddp_timeout})
     * @param preSharded  each rank holds only its own part of the training data
     * @param opened      rank 0's store socket opened ahead by a launcher that shared its port, else null
     */
    public record Rendezvous(int rank, int worldSize, int localRank, int localWorldSize, String masterAddr,
                             int masterPort, Duration timeout, boolean preSharded, StoreSocket opened) {
        public Rendezvous {
            Objects.requireNonNull(masterAddr, "masterAddr");
            Objects.requireNonNull(timeout, "timeout");
            if (worldSize < 1 || rank < 0 || rank >= worldSize) {
                throw new IllegalArgumentException("RANK " + rank + " is not in [0, WORLD_SIZE " + worldSize + ")");
            }
            if (masterPort < 0 || masterPort > 65535 || (masterPort == 0 && opened == null)) {
                throw new IllegalArgumentException("MASTER_PORT must be in [1, 65535], got " + masterPort);
            }
        }
    }

    /** One process: rank 0 of 1, no communication. */
    public static DistributedContext single() {
        return SINGLE;
    }

    /**
     * The process's default group from torchrun's variables, created on first use and shared by every Trainer of
     * the process (as {@code torch.distributed}'s default group). As HF's {@code TrainingArguments}:
     * {@code LOCAL_RANK} in the environment overrides {@code local_rank}; a local rank of -1 and no
     * {@code WORLD_SIZE} above 1 mean one process.
     */
    public static synchronized DistributedContext fromEnvironment(TrainingArguments args) {
        return fromEnvironment(args, System.getenv());
    }

    static synchronized DistributedContext fromEnvironment(TrainingArguments args, Map<String, String> env) {
        int localRank = env.containsKey("LOCAL_RANK") ? intVar(env, "LOCAL_RANK") : args.localRank();
        int worldSize = env.containsKey("WORLD_SIZE") ? intVar(env, "WORLD_SIZE") : 1;
        if (localRank == -1 && worldSize <= 1) {
            return SINGLE;
        }
        String backend = args.ddpBackend();
        if (backend != null && !backend.equals("gloo")) {
            throw new IllegalArgumentException("ddp_backend '" + backend + "' is not available: t4j trains on the CPU, "
                    + "where the only backend is 'gloo' (leave ddp_backend unset or set it to gloo)");
        }
        if (environmentDefault != null) {
            return environmentDefault;
        }
        for (String name : List.of("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")) {
            if (env.get(name) == null) {
                throw new IllegalArgumentException("local_rank is " + localRank + " but " + name + " is not set: start the "
                        + "ranks with `t4j train --nproc-per-node N ...`, or set RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR "
                        + "and MASTER_PORT in each rank's environment as torchrun does");
            }
        }
        int rank = intVar(env, "RANK");
        int localWorldSize = env.containsKey("LOCAL_WORLD_SIZE") ? intVar(env, "LOCAL_WORLD_SIZE") : worldSize;
        Rendezvous r = new Rendezvous(rank, worldSize, Math.max(localRank, 0), localWorldSize, env.get("MASTER_ADDR"),
                intVar(env, "MASTER_PORT"), Duration.ofSeconds(args.ddpTimeout()), false, null);
        environmentDefault = join(r, env.get("GLOO_SOCKET_IFNAME"));
        return environmentDefault;
    }

    /** Joins the ranks described by {@code r}; returns when all of them have. */
    public static DistributedContext join(Rendezvous r) {
        return join(r, System.getenv("GLOO_SOCKET_IFNAME"));
    }

    private static DistributedContext join(Rendezvous r, String ifname) {
        if (r.worldSize() == 1 && !r.preSharded()) {
            if (r.opened() != null) {
                r.opened().close();
            }
            return SINGLE;
        }
        InetAddress master = resolve(r.masterAddr());
        InetAddress local = ifname != null ? null : localAddressFor(master, r.masterPort());
        GlooProcessGroup group = GlooProcessGroup.join(r.rank(), r.worldSize(), master, r.masterPort(), local, ifname,
                r.timeout(), r.opened());
        LOG.info("rank {}/{} (local rank {}) joined the Gloo group at {}", r.rank(), r.worldSize(), r.localRank(),
                StoreSocket.hostPort(master, r.masterPort()));
        return new DistributedContext(r.rank(), r.worldSize(), r.localRank(), r.localWorldSize(), r.preSharded(), group);
    }

    public int rank() {
        return rank;
    }

    public int worldSize() {
        return worldSize;
    }

    public int localRank() {
        return localRank;
    }

    public int localWorldSize() {
        return localWorldSize;
    }

    /** More than one rank (or one rank of a pre-sharded job). */
    public boolean isDistributed() {
        return group != null;
    }

    /** HF's {@code is_world_process_zero}: this rank logs, evaluates and saves. */
    public boolean isWorldProcessZero() {
        return rank == 0;
    }

    /** HF's {@code is_local_process_zero}. */
    public boolean isLocalProcessZero() {
        return localRank == 0;
    }

    /** The Gloo group (null for one process). */
    public GlooProcessGroup group() {
        return group;
    }

    /**
     * This rank's training rows per epoch. One process: {@code Shard(null, numRows)}. Whole dataset on every rank:
     * a {@link DistributedSampler} (HF's, with {@code dataloader_drop_last}). Pre-sharded: the ranks exchange their
     * row counts, and each shuffles its own rows and repeats them up to the largest count (or cuts to the smallest
     * with {@code dataloader_drop_last}), which is DistributedSampler's padding applied to a fixed split.
     */
    public Shard trainShard(int numRows, long seed, boolean dropLast) {
        if (group == null) {
            return new Shard(null, numRows);
        }
        if (!preSharded) {
            DistributedSampler s = new DistributedSampler(numRows, worldSize, rank, true, seed, dropLast);
            return new Shard(s, s.numSamples());
        }
        double[] counts = new double[worldSize];
        counts[rank] = numRows;
        counts = allreduceSum(counts, "exchange of the ranks' row counts");
        int max = 0;
        int min = Integer.MAX_VALUE;
        for (double c : counts) {
            max = Math.max(max, (int) c);
            min = Math.min(min, (int) c);
        }
        int length = dropLast ? min : max;
        if (length == 0) {
            throw new IllegalArgumentException("rank " + rank + ": a rank has no training rows (rows per rank "
                    + java.util.Arrays.toString(counts) + "): give every rank a non-empty partition");
        }
        return new Shard(DistributedSampler.ofShard(numRows, length, true, seed), length);
    }

    /**
     * How gradients are averaged: nothing for one process; otherwise DDP's Reducer overlapping the allreduce with
     * backward ({@link ReducerSync}), or with {@code -Dt4j.ddp.comm=allreduce} (and always with gradient
     * checkpointing, whose recomputation in backward the Reducer's hooks were not tried with) bucketed allreduces
     * after backward ({@link BucketedAllreduce}). {@code ddp_bucket_cap_mb} (25) sizes the buckets;
     * {@code ddp_find_unused_parameters} defaults as in HF (true unless gradient checkpointing).
     */
    public GradientSync gradientSync(Module model, TrainingArguments args) {
        if (group == null) {
            return GradientSync.NONE;
        }
        Map<String, Parameter> trainable = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> {
            if (p.requiresGrad()) {
                trainable.put(name, p);
            }
        });
        long cap = (long) args.ddpBucketCapMb() * 1024 * 1024;
        boolean findUnused = args.ddpFindUnusedParameters() != null ? args.ddpFindUnusedParameters()
                : !args.gradientCheckpointing();
        String mode = System.getProperty(COMM_PROPERTY, "reducer");
        if (!mode.equals("reducer") && !mode.equals("allreduce")) {
            throw new IllegalArgumentException(COMM_PROPERTY + " must be reducer or allreduce, got '" + mode + "'");
        }
        if (mode.equals("allreduce") || args.gradientCheckpointing()) {
            return new BucketedAllreduce(group, List.copyOf(trainable.values()), cap);
        }
        return new ReducerSync(group, trainable, cap, findUnused);
    }

    /** DDP's start: every rank takes rank 0's parameters, so all start from the same weights. */
    public void broadcastParameters(Module model) {
        if (group == null) {
            return;
        }
        List<Parameter> params = model.parameters();
        List<int[]> buckets = BucketedAllreduce.buckets(params, 64L * 1024 * 1024);
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            for (int[] bucket : buckets) {
                List<Tensor> parts = new ArrayList<>();
                for (int i : bucket) {
                    parts.add(params.get(i).data().reshape(-1));
                }
                Tensor flat = torch.cat(new TensorVector(parts.toArray(new Tensor[0]))); // [sum of numel]
                group.broadcast(flat, 0, "broadcast of rank 0's parameters");
                if (rank != 0) {
                    long offset = 0;
                    for (int i : bucket) {
                        Parameter p = params.get(i);
                        p.data().copy_(flat.narrow(0, offset, p.numel()).view(p.shape())); // [n] -> parameter shape
                        offset += p.numel();
                    }
                }
            }
        }
    }

    /** The ranks' sum of {@code value}. */
    public double allreduceSum(double value, String what) {
        return group == null ? value : allreduceSum(new double[] {value}, what)[0];
    }

    /** The ranks' element-wise sums, in float64. */
    public double[] allreduceSum(double[] values, String what) {
        if (group == null) {
            return values.clone();
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor t;
            try (DoublePointer p = new DoublePointer(values)) {
                t = torch.from_blob(p, new long[] {values.length}, Tensors.options(ScalarType.Double)).clone();
            }
            group.allreduce(t, what);
            double[] out = new double[values.length];
            t.data_ptr_double().get(out);
            return out;
        }
    }

    /** torch.distributed's {@code broadcast_object_list}: rank 0's {@code value} on every rank (as JSON). */
    public <T> T broadcastObject(T value, Class<T> type, String what) {
        if (group == null) {
            return value;
        }
        try (PointerScope scope = new PointerScope()) {
            byte[] bytes = rank == 0 ? JSON.writeValueAsBytes(value) : new byte[0];
            Tensor length = Tensors.fromLongs(new long[] {bytes.length}, 1);
            group.broadcast(length, 0, what + " (its length)");
            int n = (int) length.item_long();
            Tensor data = torch.zeros(new long[] {n}, Tensors.options(ScalarType.Byte));
            if (rank == 0) {
                Tensors.bytes(data).copyFrom(java.lang.foreign.MemorySegment.ofArray(bytes));
            }
            group.broadcast(data, 0, what);
            byte[] received = Tensors.bytes(data).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            return JSON.readValue(new String(received, StandardCharsets.UTF_8), type);
        } catch (IOException e) {
            throw new DistributedException("rank " + rank + ": " + what + " could not be (de)serialized: " + e.getMessage(), e);
        }
    }

    /**
     * Rank 0's metrics on every rank, in its order (the names as JSON, the values as float64, so NaN and infinities
     * pass unchanged). Other ranks pass null.
     */
    public Map<String, Double> broadcastMetrics(Map<String, Double> metrics, String what) {
        if (group == null) {
            return metrics;
        }
        String[] names = broadcastObject(rank == 0 ? metrics.keySet().toArray(new String[0]) : null, String[].class, what);
        double[] values = new double[names.length];
        if (rank == 0) {
            for (int i = 0; i < names.length; i++) {
                values[i] = metrics.get(names[i]);
            }
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor t;
            try (DoublePointer p = new DoublePointer(values)) {
                t = torch.from_blob(p, new long[] {values.length}, Tensors.options(ScalarType.Double)).clone();
            }
            group.broadcast(t, 0, what);
            t.data_ptr_double().get(values);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            out.put(names[i], values[i]);
        }
        return out;
    }

    /** Every rank waits here for the others. */
    public void barrier(String what) {
        if (group != null) {
            group.barrier(what);
        }
    }

    @Override
    public synchronized void close() {
        if (group != null) {
            group.close();
            synchronized (DistributedContext.class) {
                if (environmentDefault == this) {
                    environmentDefault = null;
                }
            }
        }
    }

    @Override
    public String toString() {
        return group == null ? "single process" : "rank " + rank + "/" + worldSize + " (local " + localRank + "/"
                + localWorldSize + (preSharded ? ", pre-sharded data" : "") + ")";
    }

    private static int intVar(Map<String, String> env, String name) {
        String v = env.get(name);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
        }
    }

    private static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("MASTER_ADDR '" + host + "' does not resolve: " + e.getMessage());
        }
    }

    /**
     * The address of the interface this machine reaches {@code master} through (a connected UDP socket sends
     * nothing): loopback for a loopback master, the LAN address for a remote one. Gloo listens there.
     */
    static InetAddress localAddressFor(InetAddress master, int port) {
        if (master.isLoopbackAddress()) {
            return master;
        }
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(new InetSocketAddress(master, Math.max(port, 1)));
            InetAddress local = probe.getLocalAddress();
            return local.isAnyLocalAddress() ? InetAddress.getLocalHost() : local;
        } catch (IOException e) {
            throw new DistributedException("cannot find the interface that reaches MASTER_ADDR " + master.getHostAddress()
                    + " (" + e.getMessage() + "); set GLOO_SOCKET_IFNAME to the network interface to use");
        }
    }
}
