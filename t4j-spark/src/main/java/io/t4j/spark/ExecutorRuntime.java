package io.t4j.spark;

import io.t4j.engine.Engine;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.bytedeco.pytorch.global.torch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one executor JVM shares across its tasks: libtorch started once with a thread count that leaves no core
 * oversubscribed, and one loaded pipeline per (task, model, dtype), loaded by the first task that needs it while
 * the others wait, then used by all of them concurrently (pipelines keep the model read-only and in eval mode, and
 * each call owns its native memory). Models stay loaded for the executor's life.
 *
 * <p>Threads: an executor runs {@code spark.executor.cores / spark.task.cpus} tasks at once, and libtorch gives
 * each calling thread its own team of intra-op threads, so each task gets {@code cores / concurrent tasks} of them,
 * which is {@code spark.task.cpus}. {@code T4J_NUM_THREADS} on the executors overrides it.
 */
final class ExecutorRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorRuntime.class);
    private static final Map<String, Object> PIPELINES = new ConcurrentHashMap<>();
    private static volatile boolean started;

    private ExecutorRuntime() {}

    /** Starts libtorch in this JVM with the thread count above (once). */
    static void start() {
        if (started) {
            return;
        }
        synchronized (ExecutorRuntime.class) {
            if (started) {
                return;
            }
            Engine.init();
            if (System.getenv("T4J_NUM_THREADS") == null && System.getProperty("t4j.threads") == null) {
                SparkConf conf = SparkEnv.get() == null ? null : SparkEnv.get().conf();
                int cores = executorCores(conf);
                int taskCpus = TaskContext.get() != null ? TaskContext.get().cpus()
                        : conf == null ? 1 : conf.getInt("spark.task.cpus", 1);
                int threads = threadsPerTask(cores, taskCpus);
                torch.set_num_threads(threads);
                LOG.info("t4j on this executor: {} cores, spark.task.cpus {}, {} intra-op threads per task", cores, taskCpus, threads);
            }
            started = true;
        }
    }

    /** {@code cores / (cores / taskCpus)}: the cores each of the executor's concurrent tasks may use. */
    static int threadsPerTask(int executorCores, int taskCpus) {
        int concurrent = Math.max(1, executorCores / Math.max(1, taskCpus));
        return Math.max(1, executorCores / concurrent);
    }

    /** {@code spark.executor.cores}; in local mode the N of {@code local[N]}; else the machine's cores. */
    static int executorCores(SparkConf conf) {
        int machine = Runtime.getRuntime().availableProcessors();
        if (conf == null) {
            return machine;
        }
        if (conf.contains("spark.executor.cores")) {
            return conf.getInt("spark.executor.cores", machine);
        }
        String master = conf.get("spark.master", "");
        var m = java.util.regex.Pattern.compile("local(?:-cluster)?\\[(\\d+|\\*)").matcher(master);
        if (m.lookingAt() && !m.group(1).equals("*")) {
            return Integer.parseInt(m.group(1));
        }
        return machine;
    }

    /** This JVM's pipeline for {@code key}, loaded by {@code loader} the first time. */
    @SuppressWarnings("unchecked")
    static <P> P pipeline(String key, Supplier<P> loader) {
        start();
        Object p = PIPELINES.get(key);
        if (p == null) {
            synchronized (PIPELINES) {
                p = PIPELINES.get(key);
                if (p == null) {
                    long t0 = System.nanoTime();
                    p = loader.get();
                    PIPELINES.put(key, p);
                    LOG.info("t4j loaded {} in {} ms", key, (System.nanoTime() - t0) / 1_000_000);
                }
            }
        }
        return (P) p;
    }

    /** How many pipelines this JVM holds (tests). */
    static int loadedPipelines() {
        return PIPELINES.size();
    }
}
