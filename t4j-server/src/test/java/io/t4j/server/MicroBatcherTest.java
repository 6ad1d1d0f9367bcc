package io.t4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The batching logic on plain jobs (no model): what is merged, what is kept apart, the admission bound, draining
 * and failure isolation. Batches that must merge are made to fill up (a long max wait ends as soon as a batch is
 * full), so nothing depends on timing.
 */
class MicroBatcherTest {
    /** A job of {@code n} texts under {@code key}; its result is the batch it ran in, as "key:id,id,...". */
    static final class Job extends BatchJob<String> {
        final String id;
        final int n;
        final String key;

        Job(String id, int n, String key) {
            this.id = id;
            this.n = n;
            this.key = key;
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public Object batchKey() {
            return key;
        }

        @Override
        void runBatch(List<BatchJob<?>> batch) {
            throw new UnsupportedOperationException("these tests give the MicroBatcher its own runner");
        }
    }

    private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());

    private Consumer<List<Job>> recording(CountDownLatch gate) {
        return batch -> {
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<String> ids = batch.stream().map(j -> j.id).toList();
            batches.add(ids);
            for (Job j : batch) {
                if (j.id.startsWith("bad")) {
                    throw new IllegalArgumentException(j.id + " is bad");
                }
            }
            batch.forEach(j -> j.complete(j.key + ":" + String.join(",", ids)));
        };
    }

    /** At the drain timeout, queued jobs are answered with the error; the running batch finishes; nothing new is admitted. */
    @Test
    void failQueuedAnswersWaitingJobsAndLetsTheRunningBatchFinish() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch open = new CountDownLatch(1);
        Consumer<List<Job>> runner = batch -> {
            started.countDown();
            try {
                open.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            batch.forEach(j -> j.complete("ran " + j.id));
        };
        try (var batcher = new MicroBatcher<>("test", 1, Duration.ZERO, 100, runner, new Metrics())) {
            Job running = new Job("running", 1, "x");
            batcher.submit(running);
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            Job waiting1 = new Job("w1", 1, "x");
            Job waiting2 = new Job("w2", 1, "x");
            batcher.submit(waiting1);
            batcher.submit(waiting2);
            assertThat(batcher.failQueued(ApiException.unavailable("the server is shutting down", 1))).isEqualTo(2);
            assertThat(batcher.size()).as("only the running job is still admitted").isEqualTo(1);
            open.countDown();
            assertThat(running.await()).isEqualTo("ran running");
            assertThatThrownBy(waiting1::await).isInstanceOf(ApiException.class).hasMessage("the server is shutting down");
            assertThatThrownBy(waiting2::await).isInstanceOf(ApiException.class);
            assertThatThrownBy(() -> batcher.submit(new Job("late", 1, "x"))).isInstanceOf(ApiException.class);
        }
    }

    @Test
    void mergesJobsWithTheSameKeyUpToTheBatchSizeAndKeepsOtherKeysApart() {
        CountDownLatch open = new CountDownLatch(1);
        try (var batcher = new MicroBatcher<>("test", 6, Duration.ofSeconds(60), 100, recording(open), new Metrics())) {
            Job blocker = new Job("blocker", 6, "x");  // full on its own: runs at once and holds the worker
            batcher.submit(blocker);
            List<Job> jobs = List.of(new Job("a1", 2, "a"), new Job("b1", 3, "b"), new Job("a2", 3, "a"),
                    new Job("a3", 1, "a"), new Job("b2", 3, "b"), new Job("a4", 2, "a"));
            jobs.forEach(batcher::submit);
            open.countDown();
            assertThat(blocker.await()).isEqualTo("x:blocker");
            // oldest first: a1+a2+a3 fill 6 texts; a4 does not fit and waits; b1+b2 fill 6; a4 runs at drain
            assertThat(jobs.get(0).await()).isEqualTo("a:a1,a2,a3");
            assertThat(jobs.get(1).await()).isEqualTo("b:b1,b2");
            batcher.drain();
            assertThat(jobs.get(5).await()).isEqualTo("a:a4");
            assertThat(batches).containsExactly(List.of("blocker"), List.of("a1", "a2", "a3"), List.of("b1", "b2"),
                    List.of("a4"));
        }
    }

    @Test
    void aJobLargerThanTheBatchRunsAloneAndWholeAndSizeOneNeverMerges() {
        CountDownLatch open = new CountDownLatch(0);
        try (var batcher = new MicroBatcher<>("test", 1, Duration.ofSeconds(60), 100, recording(open), new Metrics())) {
            Job big = new Job("big", 5, "a");
            batcher.submit(big);
            assertThat(big.await()).isEqualTo("a:big");
            Job one = new Job("one", 1, "a");
            batcher.submit(one);
            assertThat(one.await()).isEqualTo("a:one");
        }
    }

    @Test
    void admitsAtMostMaxQueuedJobsThen503WithRetryAfter() {
        CountDownLatch open = new CountDownLatch(1);
        Metrics metrics = new Metrics();
        try (var batcher = new MicroBatcher<>("test", 2, Duration.ofSeconds(60), 2, recording(open), metrics)) {
            Job running = new Job("running", 2, "a");
            Job queued = new Job("queued", 2, "a");
            batcher.submit(running);
            batcher.submit(queued);
            assertThat(batcher.size()).isEqualTo(2);
            assertThatThrownBy(() -> batcher.submit(new Job("third", 1, "a")))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.retryAfterSeconds()).isEqualTo(1);
                        assertThat(e.getMessage()).contains("overloaded", "2 requests are queued or running");
                    });
            assertThat(metrics.counter("t4j_rejected_total{queue=\"test\"}")).isEqualTo(1);
            open.countDown();
            assertThat(running.await()).isEqualTo("a:running");
            assertThat(queued.await()).isEqualTo("a:queued");
            Job later = new Job("later", 1, "a");
            batcher.drain();
            batcher.submit(later); // room again once the first two are answered
            assertThat(later.await()).isEqualTo("a:later");
        }
    }

    @Test
    void closeRunsEveryAdmittedJobWithoutWaitingThenRefusesNewOnes() {
        CountDownLatch open = new CountDownLatch(0);
        var batcher = new MicroBatcher<>("test", 10, Duration.ofSeconds(60), 100, recording(open), new Metrics());
        Job a = new Job("a", 1, "a");
        Job b = new Job("b", 1, "b");
        batcher.submit(a);
        batcher.submit(b);
        batcher.close(); // without the drain, a would wait 60 s for its batch to fill
        assertThat(a.await()).isEqualTo("a:a");
        assertThat(b.await()).isEqualTo("b:b");
        assertThatThrownBy(() -> batcher.submit(new Job("c", 1, "a")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("shutting down"));
    }

    @Test
    void aFailingJobFailsAloneWhileItsBatchmatesGetTheirResults() {
        CountDownLatch open = new CountDownLatch(1);
        try (var batcher = new MicroBatcher<>("test", 3, Duration.ofSeconds(60), 100, recording(open), new Metrics())) {
            Job blocker = new Job("blocker", 3, "x");
            batcher.submit(blocker);
            Job good1 = new Job("good1", 1, "a");
            Job bad = new Job("bad", 1, "a");
            Job good2 = new Job("good2", 1, "a");
            List.of(good1, bad, good2).forEach(batcher::submit);
            open.countDown();
            assertThat(good1.await()).isEqualTo("a:good1");
            assertThat(good2.await()).isEqualTo("a:good2");
            assertThatThrownBy(bad::await).isInstanceOf(IllegalArgumentException.class).hasMessage("bad is bad");
            assertThat(batches).contains(List.of("good1", "bad", "good2"), List.of("bad"));
        }
    }
}
