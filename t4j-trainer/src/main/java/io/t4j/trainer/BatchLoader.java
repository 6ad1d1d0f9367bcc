package io.t4j.trainer;

import io.t4j.tokenizers.ModelInputs;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * The batches of one pass, as HF's DataLoader: with {@code dataloader_num_workers = 0} each batch is collated on
 * the caller's thread when asked for; with N workers, N threads collate ahead, keeping {@code 2 * N} batches in
 * flight (torch's default {@code prefetch_factor} of 2). A prefetched batch's tensors are retained by the worker
 * and handed to the caller's innermost {@link PointerScope} by {@link #next()}, so the caller's per-step scope
 * owns every batch either way. Call {@link #next()} inside that scope.
 */
final class BatchLoader implements AutoCloseable {
    private final TrainerDataset data;
    private final List<int[]> batches;
    private final ExecutorService pool;
    private final Deque<Future<ModelInputs>> inFlight = new ArrayDeque<>();
    private final int ahead;
    private int submitted;
    private int taken;

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

    int size() {
        return batches.size();
    }

    boolean hasNext() {
        return taken < batches.size();
    }

    /** The next batch, owned by the caller's current PointerScope. */
    ModelInputs next() {
        int[] indices = batches.get(taken++);
        if (pool == null) {
            return data.collate(indices);
        }
        ModelInputs in = await(inFlight.removeFirst());
        fill();
        tensors(in).forEach(t -> {
            PointerScope scope = PointerScope.getInnerScope();
            if (scope != null) {
                scope.attach(t);
            }
            t.releaseReference();
        });
        return in;
    }

    private void fill() {
        while (pool != null && submitted < batches.size() && inFlight.size() < ahead) {
            int[] indices = batches.get(submitted++);
            inFlight.addLast(pool.submit(() -> collateRetained(indices)));
        }
    }

    private ModelInputs collateRetained(int[] indices) {
        try (PointerScope scope = new PointerScope()) {
            ModelInputs in = data.collate(indices);
            tensors(in).forEach(Tensor::retainReference);
            return in;
        }
    }

    private static ModelInputs await(Future<ModelInputs> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private static Stream<Tensor> tensors(ModelInputs in) {
        return Stream.of(in.inputIds(), in.attentionMask(), in.tokenTypeIds(), in.labels()).filter(t -> t != null);
    }

    /** Stops the workers and frees batches that were prefetched but never taken. */
    @Override
    public void close() {
        if (pool == null) {
            return;
        }
        pool.shutdownNow();
        for (Future<ModelInputs> f : inFlight) {
            try {
                tensors(f.get()).forEach(Tensor::releaseReference);
            } catch (Exception ignored) {
                // a failed or cancelled batch holds nothing
            }
        }
        inFlight.clear();
    }
}
