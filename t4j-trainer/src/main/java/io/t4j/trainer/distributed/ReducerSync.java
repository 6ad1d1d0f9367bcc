package io.t4j.trainer.distributed;

import io.t4j.engine.nn.Parameter;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolVector;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.LoggerOptional;
import org.bytedeco.pytorch.Reducer;
import org.bytedeco.pytorch.SizeTStringMap;
import org.bytedeco.pytorch.SizeTVector;
import org.bytedeco.pytorch.SizeTVectorVector;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * DDP's gradient averaging overlapped with backward, by the presets' c10d {@code Reducer} (the C++ core of
 * torch/nn/parallel/distributed.py): it hooks every parameter's gradient accumulator, and while backward still runs
 * it starts a bucket's allreduce as soon as the bucket's gradients are ready; backward returns when every bucket is
 * reduced and divided by the world size. Set up as DDP's {@code _ddp_init_helper} does: buckets assigned by
 * {@code compute_bucket_assignment_by_size} (one bucket for the first step without {@code find_unused_parameters},
 * rebuilt from the order gradients arrive in; otherwise a 1 MB first bucket then {@code bucket_cap_mb}), in reverse.
 * Each step calls what DDP's forward does: {@code _rebuild_buckets}, {@code prepare_for_forward},
 * {@code prepare_for_backward} (with the loss when looking for unused parameters). Micro-batches that do not end an
 * accumulation window skip those calls, so the hooks stay idle and gradients accumulate locally ({@code no_sync}).
 */
final class ReducerSync implements GradientSync {
    static final long FIRST_BUCKET_BYTES = 1024 * 1024; // dist._DEFAULT_FIRST_BUCKET_BYTES

    private final GlooProcessGroup group;
    private final Reducer reducer;
    private final boolean findUnusedParameters;
    private final long bytesPerStep;
    private long steps;
    private long backwardNanos;

    ReducerSync(GlooProcessGroup group, Map<String, Parameter> named, long bucketCapBytes, boolean findUnusedParameters) {
        this.group = group;
        this.findUnusedParameters = findUnusedParameters;
        List<Map.Entry<String, Parameter>> params = List.copyOf(named.entrySet());
        long total = 0;
        try (PointerScope scope = new PointerScope()) {
            Tensor[] tensors = new Tensor[params.size()];
            SizeTStringMap names = new SizeTStringMap();
            for (int i = 0; i < tensors.length; i++) {
                tensors[i] = params.get(i).getValue().data();
                names.put(i, new org.bytedeco.javacpp.BytePointer(params.get(i).getKey()));
                total += tensors[i].numel() * tensors[i].element_size();
            }
            TensorVector vector = new TensorVector(tensors);
            boolean[] sparse = new boolean[tensors.length];
            long[] limits = findUnusedParameters ? new long[] {FIRST_BUCKET_BYTES, bucketCapBytes} : new long[] {Long.MAX_VALUE};
            long[] order = new long[tensors.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            SizeTVectorVector assigned = torch.compute_bucket_assignment_by_size(vector, new SizeTVector(limits),
                    new BoolVector(sparse), new LongVector(order), new LoggerOptional()).get0();
            SizeTVector[] reversed = new SizeTVector[(int) assigned.size()];
            for (int i = 0; i < reversed.length; i++) {
                reversed[i] = assigned.get(reversed.length - 1 - i);
            }
            this.reducer = new Reducer(vector, new SizeTVectorVector(reversed), group.group(), new BoolVector(sparse),
                    bucketCapBytes, findUnusedParameters, false, names, FIRST_BUCKET_BYTES, false, false,
                    new LongVector()); // no per-bucket caps: bucketCapBytes for all (DDP without bucket_cap_mb_list)
            reducer.retainReference();
        }
        this.bytesPerStep = total;
    }

    @Override
    public void backward(Tensor loss, boolean sync) {
        if (!sync) {
            loss.backward(); // no_sync: the hooks see no prepare_for_backward and stay idle
            return;
        }
        long start = System.nanoTime();
        try {
            reducer.rebuild_buckets(); // a collective after the first step; false (and free) afterwards
            reducer.prepare_for_forward();
            reducer.prepare_for_backward(findUnusedParameters ? new TensorVector(loss) : new TensorVector());
            loss.backward();
        } catch (DistributedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw group.describe("backward's bucketed allreduce (the DDP Reducer)", e);
        }
        backwardNanos += System.nanoTime() - start;
        steps++;
    }

    @Override
    public void finish() {
        // the Reducer finished every bucket inside backward (finalize_backward), gradients are already averaged
    }

    @Override
    public CommStats stats() {
        return new CommStats("reducer-overlapped", steps, 0, backwardNanos, steps * bytesPerStep);
    }

    @Override
    public void close() {
        reducer.releaseReference();
    }
}
