package io.t4j.trainer.distributed;

import org.bytedeco.pytorch.Tensor;

/**
 * What DDP does to the gradients, at the two points the Trainer calls: {@link #backward} runs a micro-batch's
 * backward (with DDP's {@code no_sync} on the micro-batches of a gradient-accumulation window that do not end it),
 * and {@link #finish} leaves every rank with the mean of the ranks' gradients before clipping and the optimizer step.
 * {@link #NONE} is one process: plain backward, nothing to finish.
 */
public interface GradientSync extends AutoCloseable {
    /** One process: {@code loss.backward()}. */
    GradientSync NONE = new GradientSync() {
        @Override
        public void backward(Tensor loss, boolean sync) {
            loss.backward();
        }

        @Override
        public void finish() {}

        @Override
        public CommStats stats() {
            return CommStats.NONE;
        }

        @Override
        public void close() {}
    };

    /**
     * {@code loss.backward()}; with {@code sync} false (a micro-batch inside an accumulation window) gradients only
     * accumulate locally, as under DDP's {@code no_sync()}.
     */
    void backward(Tensor loss, boolean sync);

    /** After the window's last backward: every rank holds the ranks' mean gradient. */
    void finish();

    /** Communication timings so far (for benchmarks). */
    CommStats stats();

    @Override
    void close();
}
