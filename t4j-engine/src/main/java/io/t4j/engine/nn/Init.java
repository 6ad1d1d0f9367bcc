package io.t4j.engine.nn;

import io.t4j.engine.Engine;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Weight initialisers (as {@code torch.nn.init}) and the {@link #skip()} context, the equivalent of HF's
 * {@code no_init_weights}/meta-device loading: modules built inside it get storage-less meta parameters, which
 * loading then replaces with checkpoint tensors, so a big model is never materialised twice.
 */
public final class Init {
    private static final ThreadLocal<Boolean> SKIP = ThreadLocal.withInitial(() -> false);

    private Init() {}

    /** What {@link #skip()} returns: closing it restores default initialisation. */
    public interface Skip extends AutoCloseable {
        @Override
        void close();
    }

    /** While open, new parameters live on the meta device and modules skip their default initialisation. */
    public static Skip skip() {
        boolean previous = SKIP.get();
        SKIP.set(true);
        return () -> SKIP.set(previous);
    }

    public static boolean skipping() {
        return SKIP.get();
    }

    static Tensor emptyTensor(long... shape) {
        Engine.init();
        TensorOptions options = new TensorOptions(ScalarType.Float);
        if (SKIP.get()) {
            options = options.device(new org.bytedeco.pytorch.DeviceOptional(new Device("meta")));
        }
        return torch.empty(shape, options, null);
    }

    /** Gives a meta parameter real (uninitialised) float32 CPU storage before it is initialised. */
    private static Tensor materialize(Parameter p) {
        if (p.isMeta()) {
            Tensor t = torch.empty(p.shape(), new TensorOptions(ScalarType.Float), null);
            t.requires_grad_(true);
            p.set(t);
        }
        return p.data();
    }

    public static void normal(Parameter p, double mean, double std) {
        try (NoGradGuard g = new NoGradGuard()) {
            materialize(p).normal_(mean, std, null);
        }
    }

    public static void uniform(Parameter p, double low, double high) {
        try (NoGradGuard g = new NoGradGuard()) {
            materialize(p).uniform_(low, high, null);
        }
    }

    public static void zeros(Parameter p) {
        try (NoGradGuard g = new NoGradGuard()) {
            materialize(p).zero_();
        }
    }

    public static void ones(Parameter p) {
        try (NoGradGuard g = new NoGradGuard()) {
            materialize(p).fill_(new org.bytedeco.pytorch.Scalar(1.0));
        }
    }

    /** Zeroes one row (an embedding's padding_idx), as HF's init does. */
    public static void zeroRow(Parameter p, long row) {
        try (NoGradGuard g = new NoGradGuard()) {
            materialize(p).select(0, row).zero_();
        }
    }

    /** {@code torch.nn.init.xavier_uniform_}: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)). */
    public static void xavierUniform(Parameter p) {
        long[] s = p.shape();
        long fanOut = s[0];
        long fanIn = s.length > 1 ? s[1] : 1;
        double a = Math.sqrt(6.0 / (fanIn + fanOut));
        uniform(p, -a, a);
    }
}
