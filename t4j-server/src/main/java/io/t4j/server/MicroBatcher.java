package io.t4j.server;

import io.t4j.engine.NativeMemory;

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
 * <p>With a token budget ({@code maxBatchTokens} > 0, TEI's {@code --max-batch-tokens}) a batch is also bounded by
 * its padded size, longest text × texts, which is what a padded forward costs: a queued job that would take the
 * batch over the budget is passed over for this batch (the oldest job always leads the next one, so nothing waits
 * forever), and jobs of similar length end up together. One long text then no longer pads 31 short ones to its
 * length. TEI stops at the first job that does not fit, which for a padded CPU model bounds the forward but still
 * pads every short text queued before the long one; passing over keeps the oldest-first order otherwise.
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
    private final int maxBatchTokens;
    private final long maxWaitNanos;
    private final int maxQueued;
    private final Consumer<List<J>> runner;
    private final Metrics metrics;
    /** {@code -Dt4j.server.mallocTrimMs} (default 1000; 0 turns it off). */
    private final NativeMemory nativeMemory = NativeMemory.fromSystemProperty("t4j.server.mallocTrimMs", 1000);
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
        this(name, maxBatchSize, 0, maxWait, maxQueued, runner, metrics);
    }

    /**
     * As above, with a token budget: {@code maxBatchTokens} bounds a batch's padded tokens (its longest job's
     * {@link BatchJob#tokens()} × its texts); 0 bounds only the count.
     */
    public MicroBatcher(String name, int maxBatchSize, int maxBatchTokens, Duration maxWait, int maxQueued,
                        Consumer<List<J>> runner, Metrics metrics) {
        this.name = name;
        this.maxBatchSize = maxBatchSize;
        this.maxBatchTokens = maxBatchTokens;
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
            Fill fill = new Fill(new ArrayList<>(List.of(first)), first.size(), first.tokens());
            long deadline = System.nanoTime() + maxWaitNanos;
            while (fill.texts < maxBatchSize) {
                int before = fill.texts;
                boolean full = takeCompatible(first.batchKey(), fill);
                long left = deadline - System.nanoTime();
                if (full || draining || left <= 0) {
                    break;
                }
                if (fill.texts == before) {
                    changed.awaitNanos(left);
                }
            }
            return fill.batch;
        } finally {
            lock.unlock();
        }
    }

    /** A batch being filled: its jobs, texts and longest text in tokens. */
    private final class Fill {
        final List<J> batch;
        int texts;
        int longest;

        Fill(List<J> batch, int texts, int longest) {
            this.batch = batch;
            this.texts = texts;
            this.longest = longest;
        }
    }

    /**
     * Moves queued jobs with {@code key} into the batch, oldest first, while they fit in {@code maxBatchSize} texts
     * and {@code maxBatchTokens} padded tokens; true when the batch is as full as it gets (a job with this key is
     * left that does not fit).
     */
    private boolean takeCompatible(Object key, Fill fill) {
        boolean passedOver = false;
        for (Iterator<J> it = pending.iterator(); it.hasNext(); ) {
            J job = it.next();
            if (!job.batchKey().equals(key)) {
                continue;
            }
            if (fill.texts + job.size() > maxBatchSize) {
                return true;
            }
            int longest = Math.max(fill.longest, job.tokens());
            if (maxBatchTokens > 0 && (long) longest * (fill.texts + job.size()) > maxBatchTokens) {
                passedOver = true; // too long for this batch: it leads a later one
                continue;
            }
            it.remove();
            fill.batch.add(job);
            fill.texts += job.size();
            fill.longest = longest;
        }
        return passedOver;
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
