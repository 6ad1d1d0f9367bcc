package io.t4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * TEI's {@code --max-batch-tokens} in the MicroBatcher: a batch's padded tokens (longest × texts) stay within the
 * budget, long jobs are passed over by shorter ones and lead the next batch, and without a budget the count alone
 * bounds a batch. A blocker holds the worker while the queue fills, and every batch is full, so nothing depends on
 * timing.
 */
class TokenBudgetTest {
    static final class Job extends BatchJob<String> {
        final String id;
        final int n;
        final int tokens;

        Job(String id, int n, int tokens) {
            this.id = id;
            this.n = n;
            this.tokens = tokens;
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public int tokens() {
            return tokens;
        }

        @Override
        public Object batchKey() {
            return "k";
        }

        @Override
        void runBatch(List<BatchJob<?>> batch) {
            throw new UnsupportedOperationException();
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
            batch.forEach(j -> j.complete(String.join(",", ids)));
        };
    }

    /** s = 5 tokens, L = 30 tokens, one text each; queued in this order behind a blocker. */
    private List<Job> queue(MicroBatcher<Job> batcher, CountDownLatch open) {
        Job blocker = new Job("blocker", 8, 5);
        batcher.submit(blocker);
        List<Job> jobs = List.of(new Job("s1", 1, 5), new Job("L1", 1, 30), new Job("s2", 1, 5), new Job("s3", 1, 5),
                new Job("L2", 1, 30), new Job("s4", 1, 5));
        jobs.forEach(batcher::submit);
        open.countDown();
        blocker.await();
        return jobs;
    }

    @Test
    void longJobsArePassedOverAndLeadTheNextBatch() {
        CountDownLatch open = new CountDownLatch(1);
        List<Job> jobs;
        try (var batcher = new MicroBatcher<>("test", 8, 40, Duration.ofSeconds(60), 100, recording(open), new Metrics())) {
            jobs = queue(batcher, open);
        } // closing drains: the last batch stops waiting to fill
        jobs.forEach(Job::await);
        // s1 leads (5 tokens): L1 would make 2 × 30 = 60 > 40, passed over; s2, s3, s4 fit (4 × 5 = 20).
        // Then L1 leads; L2 would make 60: passed over, it runs next, alone.
        assertThat(batches).containsExactly(List.of("blocker"), List.of("s1", "s2", "s3", "s4"), List.of("L1"), List.of("L2"));
    }

    @Test
    void aBudgetThatFitsEverythingMergesAsTheCountAllows() {
        CountDownLatch open = new CountDownLatch(1);
        List<Job> jobs;
        try (var batcher = new MicroBatcher<>("test", 6, 30 * 6, Duration.ofSeconds(60), 100, recording(open), new Metrics())) {
            jobs = queue(batcher, open);
        }
        jobs.forEach(Job::await);
        assertThat(batches).containsExactly(List.of("blocker"), List.of("s1", "L1", "s2", "s3", "L2", "s4"));
    }

    @Test
    void withoutABudgetOnlyTheCountBoundsABatch() {
        CountDownLatch open = new CountDownLatch(1);
        List<Job> jobs;
        try (var batcher = new MicroBatcher<>("test", 6, 0, Duration.ofSeconds(60), 100, recording(open), new Metrics())) {
            jobs = queue(batcher, open);
        }
        jobs.forEach(Job::await);
        assertThat(batches).containsExactly(List.of("blocker"), List.of("s1", "L1", "s2", "s3", "L2", "s4"));
    }

    @Test
    void aJobOverTheBudgetRunsAlone() {
        CountDownLatch open = new CountDownLatch(1);
        Job huge = new Job("huge", 2, 100); // 200 padded tokens, over the budget on its own
        Job small = new Job("small", 1, 5);
        try (var batcher = new MicroBatcher<>("test", 8, 40, Duration.ofSeconds(60), 100, recording(open), new Metrics())) {
            Job blocker = new Job("blocker", 8, 5);
            batcher.submit(blocker);
            batcher.submit(huge);
            batcher.submit(small);
            open.countDown();
            assertThat(huge.await()).isEqualTo("huge"); // passed over, small made huge's batch full: it ran at once
        }
        assertThat(small.await()).isEqualTo("small");
    }
}
