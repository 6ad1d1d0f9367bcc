package io.t4j.trainer;

import io.t4j.data.PaddedBatch;
import io.t4j.models.ModelInputs;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The batches of one pass, as HF's DataLoader with {@code num_workers}: with 0 workers each batch is padded on the
 * caller's thread when asked for; with N workers, N threads pad ahead, keeping {@code 2 * N} batches in flight
 * (torch's default {@code prefetch_factor}). Workers only build Java arrays; {@link #next()} makes the tensors on
 * the caller's thread, so they belong to its per-step {@code PointerScope}.
 */
final class BatchLoader implements AutoCloseable {
    private final TrainerDataset data;
    private final List<int[]> batches;
    private final ExecutorService pool;
    private final Deque<Future<PaddedBatch>> inFlight = new ArrayDeque<>();
    private final int ahead;
    private int submitted;
    private int taken;

    /** Starts at batch {@code skip} (batches already trained when resuming are never padded). */
    BatchLoader(TrainerDataset data, List<int[]> batches, int numWorkers, int skip) {
        this.data = data;
        this.batches = batches;
        this.taken = skip;
        this.submitted = skip;
        this.ahead = 2 * numWorkers;
        this.pool = numWorkers == 0 ? null : Executors.newFixedThreadPool(numWorkers, r -> {
            Thread t = new Thread(r, "t4j-dataloader");
            t.setDaemon(true);
            return t;
        });
        fill();
    }

    boolean hasNext() {
        return taken < batches.size();
    }

    /** The next batch as tensors owned by the caller's current PointerScope. */
    ModelInputs next() {
        int[] rows = batches.get(taken++);
        if (pool == null) {
            return data.pad(rows).toModelInputs();
        }
        PaddedBatch padded = await(inFlight.removeFirst());
        fill();
        return padded.toModelInputs();
    }

    private void fill() {
        while (pool != null && submitted < batches.size() && inFlight.size() < ahead) {
            int[] rows = batches.get(submitted++);
            inFlight.addLast(pool.submit(() -> data.pad(rows)));
        }
    }

    private static PaddedBatch await(Future<PaddedBatch> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
