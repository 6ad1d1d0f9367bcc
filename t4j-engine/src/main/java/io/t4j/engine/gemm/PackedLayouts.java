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
 * right (on Zen 4 all were). A shape whose packed result differs from {@code torch.linear}'s on a probe is never packed:
 * its layers take the per-call path.
 */
final class PackedLayouts {
    private static final Logger LOG = LoggerFactory.getLogger(PackedLayouts.class);
    private static final Map<String, Boolean> CORRECT = new ConcurrentHashMap<>();
    /** Row counts of the probe: one, a few, more than a block. */
    private static final long[] PROBE_ROWS = {1, 5, 33};
    /** Largest |packed - plain| accepted, relative to the largest |plain|: rounding is below 1e-2 even in bf16. */
    static final double TOLERANCE = 2e-2;

    private PackedLayouts() {}

    /** Whether packed {@code dtype} weights of [out, in] give {@code torch.linear}'s results here (probed once). */
    static boolean correct(ScalarType dtype, long out, long in) {
        return CORRECT.computeIfAbsent(dtype + " " + out + "x" + in, key -> {
            double worst = probe(dtype, out, in);
            boolean ok = worst <= TOLERANCE;
            if (!ok) {
                LOG.debug("oneDNN's packed {} layout for [{} x {}] weights is wrong on this CPU (relative error {}): "
                        + "such layers run unpacked", dtype, out, in, worst);
            }
            return ok;
        });
    }

    /** The largest relative difference between the packed and the plain linear over the probe's row counts. */
    static double probe(ScalarType dtype, long out, long in) {
        double worst = 0;
        boolean autocast = torch.is_autocast_enabled(DeviceType.CPU);
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            torch.set_autocast_enabled(DeviceType.CPU, false); // the plain linear in the probe's dtype, not autocast's
            Tensor w = GemmPolicy.waves(out, in, 0.37).to(dtype);                              // [out, in]
            Tensor b = GemmPolicy.waves(1, out, 0.11).view(out).to(dtype);                     // [1, out] -> [out]
            Tensor packed = NativeOps.packLinearWeight(w);
            for (long rows : PROBE_ROWS) {
                Tensor x = GemmPolicy.waves(rows, in, 0.23).to(dtype);                         // [rows, in]
                Tensor plain = torch.linear(x, w, b).to(ScalarType.Float);
                Tensor got = NativeOps.linearPacked(x, packed, b).to(ScalarType.Float);
                double scale = Math.max(plain.abs().max().item_double(), 1e-6);
                worst = Math.max(worst, got.sub(plain).abs().max().item_double() / scale);
            }
        } finally {
            torch.set_autocast_enabled(DeviceType.CPU, autocast);
        }
        return worst;
    }
}
