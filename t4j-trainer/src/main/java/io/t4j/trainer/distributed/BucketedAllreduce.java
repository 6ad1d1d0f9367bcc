package io.t4j.trainer.distributed;

import io.t4j.engine.Tensors;
import io.t4j.engine.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;

/**
 * DDP's gradient averaging done after backward: the gradients are flattened into buckets of at most
 * {@code ddp_bucket_cap_mb} (parameters in reverse order, as DDP fills them, one dtype per bucket), every bucket's
 * allreduce is started, then each is awaited, divided by the world size and copied back. A parameter that no rank
 * gave a gradient keeps none (one small allreduce of per-parameter flags first), so the optimizer skips it as it
 * would in one process; one that only some ranks used gets their sum over all ranks, as DDP's
 * {@code find_unused_parameters} does.
 */
final class BucketedAllreduce implements GradientSync {
    private final GlooProcessGroup group;
    private final List<Parameter> params;
    private final List<int[]> buckets;
    private long steps;
    private long exposedNanos;
    private long backwardNanos;
    private long bytes;

    BucketedAllreduce(GlooProcessGroup group, List<Parameter> params, long bucketCapBytes) {
        this.group = group;
        this.params = List.copyOf(params);
        this.buckets = buckets(this.params, bucketCapBytes);
    }

    /** Parameter indices, last parameter first, cut where a bucket would pass {@code capBytes} or change dtype. */
    static List<int[]> buckets(List<Parameter> params, long capBytes) {
        List<int[]> out = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        long size = 0;
        Object dtype = null;
        for (int i = params.size() - 1; i >= 0; i--) {
            Tensor data = params.get(i).data();
            long b = data.numel() * data.element_size();
            Object type = Tensors.scalarType(data);
            if (!current.isEmpty() && (size + b > capBytes || type != dtype)) {
                out.add(current.stream().mapToInt(Integer::intValue).toArray());
                current.clear();
                size = 0;
            }
            current.add(i);
            size += b;
            dtype = type;
        }
        if (!current.isEmpty()) {
            out.add(current.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    @Override
    public void backward(Tensor loss, boolean sync) {
        long start = System.nanoTime();
        loss.backward();
        if (sync) {
            backwardNanos += System.nanoTime() - start;
        }
    }

    @Override
    public void finish() {
        long start = System.nanoTime();
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            float[] has = new float[params.size()];
            for (int i = 0; i < has.length; i++) {
                has[i] = params.get(i).grad().defined() ? 1 : 0;
            }
            Tensor used = Tensors.fromFloats(has, has.length);
            group.allreduce(used, "allreduce of the gradient flags");
            float[] ranksWithGrad = Tensors.toFloats(used);
            List<Tensor> flats = new ArrayList<>();
            List<Work> works = new ArrayList<>();
            for (int[] bucket : buckets) {
                List<Tensor> parts = new ArrayList<>();
                for (int i : bucket) {
                    if (ranksWithGrad[i] > 0) {
                        Tensor g = params.get(i).grad();
                        parts.add(g.defined() ? g.reshape(-1) : torch.zeros_like(params.get(i).data()).reshape(-1));
                    }
                }
                if (parts.isEmpty()) {
                    flats.add(null);
                    works.add(null);
                    continue;
                }
                Tensor flat = torch.cat(new TensorVector(parts.toArray(new Tensor[0]))); // [sum of numel]
                bytes += flat.numel() * flat.element_size();
                flats.add(flat);
                works.add(group.allreduceAsync(flat));
            }
            Scalar world = new Scalar((double) group.size());
            for (int k = 0; k < buckets.size(); k++) {
                Tensor flat = flats.get(k);
                if (flat == null) {
                    continue;
                }
                group.await(works.get(k), "allreduce of gradient bucket " + k + " of " + buckets.size()
                        + String.format(java.util.Locale.ROOT, " (%.1f MB)", flat.numel() * flat.element_size() / 1e6));
                flat.div_(world);
                long offset = 0;
                for (int i : buckets.get(k)) {
                    if (ranksWithGrad[i] == 0) {
                        continue;
                    }
                    Parameter p = params.get(i);
                    long n = p.numel();
                    Tensor mean = flat.narrow(0, offset, n).view(p.shape()); // [n] -> the parameter's shape
                    offset += n;
                    Tensor g = p.grad();
                    if (g.defined()) {
                        g.copy_(mean);
                    } else {
                        p.data().mutable_grad().put(mean.clone());
                    }
                }
            }
        }
        exposedNanos += System.nanoTime() - start;
        steps++;
    }

    @Override
    public CommStats stats() {
        return new CommStats("allreduce-after-backward", steps, exposedNanos, backwardNanos, bytes);
    }

    @Override
    public void close() {}
}
