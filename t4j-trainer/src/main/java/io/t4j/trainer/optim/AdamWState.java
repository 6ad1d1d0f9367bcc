package io.t4j.trainer.optim;

import io.t4j.engine.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * AdamW's per-parameter state, indexed as torch numbers parameters (across groups, in order). An entry is created
 * the first time its parameter has a gradient at {@code step()}, as torch does. The tensors are retained, so they
 * survive any {@code PointerScope} the caller has open, and released by {@link #close()}.
 */
public final class AdamWState implements AutoCloseable {
    /** {@code exp_avg}, {@code exp_avg_sq} (shaped like the parameter) and {@code step}. */
    public static final class Entry {
        private final Tensor expAvg;
        private final Tensor expAvgSq;
        private final Tensor stepTensor;
        private long step;

        Entry(Tensor expAvg, Tensor expAvgSq, long step) {
            this.expAvg = expAvg;
            this.expAvgSq = expAvgSq;
            this.step = step;
            this.stepTensor = torch.full(new long[] {}, new org.bytedeco.pytorch.Scalar((double) step),
                    new org.bytedeco.pytorch.TensorOptions(org.bytedeco.pytorch.global.torch.ScalarType.Float));
            expAvg.retainReference();
            expAvgSq.retainReference();
            stepTensor.retainReference();
        }

        public Tensor expAvg() { return expAvg; }
        public Tensor expAvgSq() { return expAvgSq; }
        public long step() { return step; }

        /** The step as the float scalar tensor torch keeps ({@code state["step"]}), which the fused kernel reads. */
        Tensor stepTensor() { return stepTensor; }

        long increment() {
            stepTensor.fill_(new org.bytedeco.pytorch.Scalar((double) (step + 1)));
            return ++step;
        }

        void release() {
            expAvg.releaseReference();
            expAvgSq.releaseReference();
            stepTensor.releaseReference();
        }
    }

    private final List<Parameter> params = new ArrayList<>();
    private final Entry[] entries;

    AdamWState(List<ParamGroup> groups) {
        groups.forEach(g -> params.addAll(g.params()));
        entries = new Entry[params.size()];
    }

    int size() {
        return entries.length;
    }

    Parameter param(int index) {
        return params.get(index);
    }

    Entry entry(int index) {
        return entries[index];
    }

    /** Creates zero state for every parameter that now has a gradient and no state yet. */
    void ensureCreated() {
        try (PointerScope scope = new PointerScope()) {
            for (int i = 0; i < entries.length; i++) {
                if (entries[i] == null && params.get(i).grad().defined()) {
                    Tensor p = params.get(i).data();
                    entries[i] = new Entry(torch.zeros_like(p), torch.zeros_like(p), 0);
                }
            }
        }
    }

    /** Installs loaded state (owned copies) for parameter {@code index}. */
    void put(int index, Tensor expAvg, Tensor expAvgSq, long step) {
        if (entries[index] != null) {
            entries[index].release();
        }
        entries[index] = new Entry(expAvg, expAvgSq, step);
    }

    @Override
    public void close() {
        for (int i = 0; i < entries.length; i++) {
            if (entries[i] != null) {
                entries[i].release();
                entries[i] = null;
            }
        }
    }
}
