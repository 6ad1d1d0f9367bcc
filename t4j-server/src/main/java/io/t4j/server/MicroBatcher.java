package io.t4j.server;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic micro-batching over one inference thread. Requests wait here as jobs; the worker takes the oldest, then
 * adds queued jobs with the same {@link BatchJob#batchKey()} until the batch holds {@code maxBatchSize} texts,
 * waiting up to {@code maxWait} for more to arrive, and hands the batch to the runner, which runs one padded
 * forward per batch and completes each job with its own slice of the results. A job is never split: one larger than
 * {@code maxBatchSize} runs alone.
 *
 * <p>One thread runs every forward, so requests never compete for the cores (libtorch already uses all of them
 * within one forward). At most {@code maxQueued} jobs are admitted (queued or running); beyond that
 * {@link #submit} answers 503 with Retry-After instead of letting memory grow. When a batch of several jobs fails,
 * each job is run again alone, so one bad request cannot fail the others.
 *
 * @param <J> the job type
 */
public final class MicroBatcher<J extends BatchJob<?>> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MicroBatcher.class);

    private final String name;
    private final int maxBatchSize;
    private final long maxWaitNanos;
    private final int maxQueued;
    private final Consumer<List<J>> runner;
    private final Metrics metrics;
    private final NativeMemory nativeMemory = NativeMemory.fromSystemProperties();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<J> pending = new ArrayDeque<>();
    private final Thread worker;
    private int admitted;
    private boolean draining;
    private boolean closed;

    /**
     * Starts the worker thread.
     *
     * @param name         the queue's name in metrics and thread names
     * @param maxBatchSize texts per batch (1: no merging)
     * @param maxWait      how long the oldest job waits for the batch to fill (0: only merge what is queued)
     * @param maxQueued    jobs admitted (queued or running) before 503
     * @param runner       runs one batch of jobs with equal keys and completes each job
     */
    public MicroBatcher(String name, int maxBatchSize, Duration maxWait, int maxQueued, Consumer<List<J>> runner,
                        Metrics metrics) {
        this.name = name;
        this.maxBatchSize = maxBatchSize;
        this.maxWaitNanos = maxWait.toNanos();
        this.maxQueued = maxQueued;
        this.runner = runner;
        this.metrics = metrics;
        metrics.queueSize(name, this::size);
        this.worker = Thread.ofPlatform().name("t4j-" + name).daemon(true).start(this::loop);
    }

    /** Queues {@code job}; 503 when {@code maxQueued} jobs are already admitted or the server is shutting down. */
    public void submit(J job) {
        lock.lock();
        try {
            if (closed) {
                throw ApiException.unavailable("the server is shutting down", 1);
            }
            if (admitted >= maxQueued) {
                metrics.rejected(name);
                throw ApiException.unavailable("the server is overloaded: " + admitted + " requests are queued or running"
                        + " (--max-concurrent-requests " + maxQueued + "); retry later", 1);
            }
            admitted++;
            pending.addLast(job);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Jobs queued or running. */
    public int size() {
        lock.lock();
        try {
            return admitted;
        } finally {
            lock.unlock();
        }
    }

    /** From now on batches run as soon as the worker is free, without waiting to fill (the server is stopping). */
    public void drain() {
        lock.lock();
        try {
            draining = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fails every job still waiting in the queue (not the batch that is running) with {@code error}, so its request
     * is answered rather than cut when the drain runs out of time; the count failed.
     */
    public int failQueued(RuntimeException error) {
        List<J> failed;
        lock.lock();
        try {
            failed = new ArrayList<>(pending);
            pending.clear();
            admitted -= failed.size();
            closed = true; // nothing new either
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        failed.forEach(j -> j.fail(error));
        return failed.size();
    }

    /** Refuses new jobs, runs every admitted one, then stops the worker. */
    @Override
    public void close() {
        lock.lock();
        try {
            draining = true;
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        try {
            for (List<J> batch = nextBatch(); batch != null; batch = nextBatch()) {
                run(batch);
            }
        } catch (InterruptedException e) {
            LOG.warn("{} worker interrupted; {} jobs left unanswered", name, size());
        }
    }

    /** The next batch, or null once closed with nothing left. */
    private List<J> nextBatch() throws InterruptedException {
        lock.lock();
        try {
            while (pending.isEmpty()) {
                if (closed) {
                    return null;
                }
                changed.await();
            }
            J first = pending.pollFirst();
            List<J> batch = new ArrayList<>(List.of(first));
            int texts = first.size();
            long deadline = System.nanoTime() + maxWaitNanos;
            while (texts < maxBatchSize) {
                int before = texts;
                texts = takeCompatible(first.batchKey(), batch, texts);
                long left = deadline - System.nanoTime();
                if (texts < 0 || draining || left <= 0) {
                    break;
                }
                if (texts == before) {
                    changed.awaitNanos(left);
                }
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves queued jobs with {@code key} into {@code batch}, oldest first, while they fit in {@code maxBatchSize}
     * texts; the batch's new text count, or -1 when a job with this key is left that does not fit (the batch is as
     * full as it gets).
     */
    private int takeCompatible(Object key, List<J> batch, int texts) {
        for (Iterator<J> it = pending.iterator(); it.hasNext(); ) {
            J job = it.next();
            if (!job.batchKey().equals(key)) {
                continue;
            }
            if (texts + job.size() > maxBatchSize) {
                return -1;
            }
            it.remove();
            batch.add(job);
            texts += job.size();
        }
        return texts;
    }

    private void run(List<J> batch) {
        int texts = batch.stream().mapToInt(BatchJob::size).sum();
        metrics.batch(name, batch.size(), texts);
        long start = System.nanoTime();
        try {
            runOrIsolate(batch);
            nativeMemory.afterBatch(); // the batch's tensors are freed: let glibc give their pages back
        } finally {
            LOG.debug("{}: {} requests, {} texts in {} ms", name, batch.size(), texts, (System.nanoTime() - start) / 1_000_000);
            lock.lock();
            try {
                admitted -= batch.size();
            } finally {
                lock.unlock();
            }
        }
    }

    private void runOrIsolate(List<J> batch) {
        try {
            runner.accept(batch);
        } catch (RuntimeException | Error e) {
            if (batch.size() == 1) {
                batch.getFirst().fail(e);
                return;
            }
            LOG.debug("{}: a batch of {} jobs failed ({}); running each alone", name, batch.size(), e.toString());
            for (J job : batch) {
                try {
                    runner.accept(List.of(job));
                } catch (RuntimeException | Error single) {
                    job.fail(single);
                }
            }
        }
    }
}
