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

    /**
     * {@code torch.nn.init.trunc_normal_(p, mean, std, a, b)}: a normal(mean, std) cut to [a, b], drawn as torch draws
     * it (uniform in [2 Phi(alpha) - 1, 2 Phi(beta) - 1], erfinv, scaled by std * sqrt(2), shifted by mean, clamped).
     */
    public static void truncNormal(Parameter p, double mean, double std, double a, double b) {
        double lower = normCdf((a - mean) / std);
        double upper = normCdf((b - mean) / std);
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor t = materialize(p);
            t.uniform_(2 * lower - 1, 2 * upper - 1, null);
            t.erfinv_();
            t.mul_(new org.bytedeco.pytorch.Scalar(std * Math.sqrt(2.0)));
            t.add_(new org.bytedeco.pytorch.Scalar(mean));
            t.clamp_(new org.bytedeco.pytorch.ScalarOptional(new org.bytedeco.pytorch.Scalar(a)),
                    new org.bytedeco.pytorch.ScalarOptional(new org.bytedeco.pytorch.Scalar(b)));
        }
    }

    /** The standard normal CDF, {@code (1 + erf(x / sqrt 2)) / 2}. */
    private static double normCdf(double x) {
        return (1.0 + erf(x / Math.sqrt(2.0))) / 2.0;
    }

    /** erf to double precision (Abramowitz-Stegun 7.1.26 is too coarse; this is the series / continued fraction). */
    static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 2.5) { // Taylor series: erf x = 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1))
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
                term *= -ax * ax / n;
                sum += term / (2 * n + 1);
            }
            r = 2.0 / Math.sqrt(Math.PI) * sum;
        } else { // continued fraction for erfc
            double f = 0;
            for (int n = 60; n >= 1; n--) {
                f = n / 2.0 / (ax + f);
            }
            r = 1.0 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        }
        return x < 0 ? -r : r;
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
