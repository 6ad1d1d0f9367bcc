package io.t4j.server;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Work for a {@link MicroBatcher}: how many texts it adds to a batch, which jobs it may share a forward with, and
 * the future its result arrives in. The request's thread waits in {@link #await()}.
 *
 * @param <R> the result type
 */
public abstract class BatchJob<R> {
    private final CompletableFuture<R> result = new CompletableFuture<>();

    /** Texts this job adds to a batch. */
    public abstract int size();

    /**
     * The longest of this job's texts in tokens, as the forward sees it (after truncation, special tokens included):
     * what a token budget bounds (longest × texts is a padded batch's size). 0 when unknown.
     */
    public int tokens() {
        return 0;
    }

    /** Jobs with equal keys may run in one batch (same task and options that change the forward). */
    public abstract Object batchKey();

    /**
     * Runs {@code batch} (this job first, every job of the same class and key) and completes each job: what the
     * {@link MicroBatcher}'s worker calls. A task's jobs hold their {@link TaskRunner}, which does the work.
     */
    abstract void runBatch(List<BatchJob<?>> batch);

    /** The batch's jobs as {@code type} (jobs with equal keys are of one class). */
    static <J extends BatchJob<?>> List<J> as(Class<J> type, List<BatchJob<?>> batch) {
        return batch.stream().map(type::cast).toList();
    }

    public final void complete(R value) {
        result.complete(value);
    }

    public final void fail(Throwable error) {
        result.completeExceptionally(error);
    }

    /** Whether the job has completed or failed (a streaming reply polls this while it forwards tokens). */
    public final boolean isDone() {
        return result.isDone();
    }

    /** Waits for the result; the job's failure is rethrown as it was raised. */
    public final R await() {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while waiting for the model", 1);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
