package io.t4j.engine.gemm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether oneDNN's packed weight layout computes the right thing for a weight shape on this CPU, checked once per
 * dtype and shape. {@code mkldnn::_reorder_linear_weight} packs without knowing the row count, and
 * {@code mkldnn::_linear_pointwise} trusts the packed layout to be the one its kernel expects. On a Zen 5 (family 26,
 * libtorch 2.10.0's oneDNN 3.7.1) they disagree for fp32 weights with 48, 80, 96 or 112 outputs, at every row count
 * from 1 to 1,000: the results were off by 5 to 160 while shapes with outputs of at most 32 or a multiple of 64 were
 * right (on Zen 4 all were); {@code mkldnn_linear}, the fp32 training path, was wrong there too
 * ({@link #mkldnnLinearCorrect}). A shape whose oneDNN result differs from {@code torch.linear}'s on a probe never
 * takes that path: its layers run {@code torch.linear} (OpenBLAS in fp32), and where the shapes that were wrong on the
 * Zen 5 are wrong, every fp32 layer does ({@link #fp32Trusted}). libtorch 2.13.0's oneDNN 3.12 is right on the same
 * Zen 5 (every probe passes), so there the guard costs one probe per shape; it stays for the CPUs and builds not
 * measured.
 */
final class PackedLayouts {
    private static final Logger LOG = LoggerFactory.getLogger(PackedLayouts.class);
    private static final Map<Shape, Boolean> CORRECT = new ConcurrentHashMap<>();

    /** A probed case: the path (packed, or {@code mkldnn_linear}), the dtype and the weight's [out, in]. */
    private record Shape(boolean mkldnnLinear, ScalarType dtype, long out, long in) {
        @Override
        public String toString() {
            return (mkldnnLinear ? "mkldnn_linear " : "packed ") + dtype + " [" + out + " x " + in + "]";
        }
    }
    /** Row counts of the probe: one, a few, more than a block (wrong results began at 1 or at 9 rows). */
    private static final long[] PROBE_ROWS = {1, 5, 9, 33};
    /** Largest |packed - plain| accepted, relative to the largest |plain|: rounding is below 1e-2 even in bf16. */
    static final double TOLERANCE = 2e-2;

    private PackedLayouts() {}

    /** Whether packed {@code dtype} weights of [out, in] give {@code torch.linear}'s results here (probed once). */
    static boolean correct(ScalarType dtype, long out, long in) {
        return correct(dtype, out, in, false);
    }

    private static volatile Boolean fp32Trusted;

    /**
     * Whether oneDNN's fp32 linears may run at all on this CPU: false where a probe found any wrong shape among the
     * ones that were wrong on the Zen 5 (packed [48 x 32], {@code mkldnn_linear} [64 x 32]). There, wrong results also
     * came from shapes and thread counts the per-shape probe passed (4 threads: scores off by up to 2.3, BENCHMARKS.md),
     * so every fp32 linear takes {@code torch.linear} (OpenBLAS), which was right in every case measured.
     */
    static boolean fp32Trusted() {
        Boolean t = fp32Trusted;
        if (t == null) {
            t = correct(ScalarType.Float, 48, 32) && mkldnnLinearCorrect(64, 32);
            if (!t) {
                LOG.info("oneDNN's fp32 kernels give wrong results on this CPU: fp32 linears run on OpenBLAS");
            }
            fp32Trusted = t;
        }
        return t;
    }

    /** Whether fp32 weights of [out, in] may take oneDNN's packed path here: oneDNN's fp32 trusted and that shape right. */
    static boolean fp32Packed(long out, long in) {
        return fp32Trusted() && correct(ScalarType.Float, out, in);
    }

    /** Whether fp32 layers with [out, in] weights may take {@code mkldnn_linear} here: fp32 trusted and that shape right. */
    static boolean fp32MkldnnLinear(long out, long in) {
        return fp32Trusted() && mkldnnLinearCorrect(out, in);
    }

    /**
     * Whether {@code torch.mkldnn_linear} (oneDNN fp32 with autograd, the fp32 training path) gives {@code torch.linear}'s
     * results for [out, in] weights here. On the same Zen 5 it did not for many shapes: 64, 128 or 256 outputs at 1 to
     * 6 rows, 48 outputs from 9 rows on (inputs of 16 to 384), off by 4 to 55; 384 outputs were right.
     */
    static boolean mkldnnLinearCorrect(long out, long in) {
        return correct(ScalarType.Float, out, in, true);
    }

    private static boolean correct(ScalarType dtype, long out, long in, boolean mkldnnLinear) {
        return CORRECT.computeIfAbsent(new Shape(mkldnnLinear, dtype, out, in), key -> {
            double worst = probe(dtype, out, in, mkldnnLinear);
            boolean ok = worst <= TOLERANCE;
            if (!ok) {
                LOG.debug("oneDNN's {} is wrong on this CPU (relative error {}): such layers run torch.linear", key, worst);
            }
            return ok;
        });
    }

    /** The largest relative difference between oneDNN's linear (packed, or mkldnn_linear) and the plain one over the probe's row counts. */
    static double probe(ScalarType dtype, long out, long in, boolean mkldnnLinear) {
        double worst = 0;
        boolean autocast = torch.is_autocast_enabled(DeviceType.CPU);
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            torch.set_autocast_enabled(DeviceType.CPU, false); // the plain linear in the probe's dtype, not autocast's
            Tensor w = GemmPolicy.waves(out, in, 0.37).to(dtype);                              // [out, in]
            Tensor b = GemmPolicy.waves(1, out, 0.11).view(out).to(dtype);                     // [1, out] -> [out]
            Tensor packed = mkldnnLinear ? null : NativeOps.packLinearWeight(w);
            for (long rows : PROBE_ROWS) {
                Tensor x = GemmPolicy.waves(rows, in, 0.23).to(dtype);                         // [rows, in]
                Tensor plain = torch.linear(x, w, b).to(ScalarType.Float);
                Tensor got = (mkldnnLinear ? Gemm.mkldnnLinear(x, w, b) : NativeOps.linearPacked(x, packed, b))
                        .to(ScalarType.Float);
                double scale = Math.max(plain.abs().max().item_double(), 1e-6);
                worst = Math.max(worst, got.sub(plain).abs().max().item_double() / scale);
            }
        } finally {
            torch.set_autocast_enabled(DeviceType.CPU, autocast);
        }
        return worst;
    }
}
