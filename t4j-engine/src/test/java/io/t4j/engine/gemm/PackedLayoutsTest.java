package io.t4j.engine.gemm;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.engine.Engine;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/**
 * The oneDNN paths give {@code torch.linear}'s results for every weight shape, including those where oneDNN is wrong on
 * some CPUs (Zen 5: packed layouts for 48, 80, 96 and 112 outputs; {@code mkldnn_linear} for several), which must then
 * take {@code torch.linear}.
 */
class PackedLayoutsTest {
    private static final long[] OUTS = {2, 16, 32, 48, 64, 80, 96, 112, 384};
    private static final long[] INS = {32, 384};

    @Test
    void packedPathsMatchThePlainLinearForEveryShape() {
        Engine.init();
        for (GemmPath path : new GemmPath[] {GemmPath.ONEDNN_FP32_PACKED, GemmPath.ONEDNN_BF16_PACKED, GemmPath.ONEDNN_FP32}) {
            ScalarType dtype = path == GemmPath.ONEDNN_BF16_PACKED ? ScalarType.BFloat16 : ScalarType.Float;
            double worst = 0;
            int refused = 0;
            for (long out : OUTS) {
                for (long in : INS) {
                    for (long rows : new long[] {2, 21}) { // neither is a probe's row count
                        worst = Math.max(worst, relativeDifference(path, dtype, out, in, rows));
                    }
                    boolean ok = (dtype == ScalarType.BFloat16 || PackedLayouts.fp32Trusted())
                            && (path == GemmPath.ONEDNN_FP32 ? PackedLayouts.mkldnnLinearCorrect(out, in)
                                    : PackedLayouts.correct(dtype, out, in));
                    refused += ok ? 0 : 1;
                }
            }
            System.out.printf("[packed] %s: largest relative difference to torch.linear %.2e over %d shapes; "
                    + "%d of them take torch.linear on this CPU%n", path, worst, OUTS.length * INS.length, refused);
        }
    }

    /** |Gemm.run(path) - torch.linear| / max |torch.linear| for random [rows, in] x [out, in]^T, asserted below the probe's tolerance. */
    private static double relativeDifference(GemmPath path, ScalarType dtype, long out, long in, long rows) {
        try (PointerScope s = new PointerScope(); InferenceMode im = new InferenceMode()) {
            torch.manual_seed(out * 1000 + in);
            Tensor w = torch.randn(out, in).to(dtype);                     // [out, in]
            Tensor b = torch.randn(out).to(dtype);                         // [out]
            Tensor x = torch.randn(new long[] {rows, in}).to(dtype);       // [rows, in]
            LinearKernels kernels = new LinearKernels();
            try {
                Tensor got = Gemm.run(path, x, w, b, kernels).to(ScalarType.Float);
                Tensor plain = torch.linear(x, w, b).to(ScalarType.Float);
                double rel = got.sub(plain).abs().max().item_double() / plain.abs().max().item_double();
                assertThat(rel).as("%s [%d x %d], %d rows", path, out, in, rows).isLessThan(PackedLayouts.TOLERANCE);
                return rel;
            } finally {
                kernels.release();
            }
        }
    }

    @Test
    void aWrongLayoutIsCaughtByTheProbe() {
        Engine.init();
        // every shape is either packed correctly or refused; the probe's verdict agrees with the probe's error
        for (long out : OUTS) {
            double err = PackedLayouts.probe(ScalarType.Float, out, 32, false);
            assertThat(PackedLayouts.correct(ScalarType.Float, out, 32)).as("[%d x 32], error %.2g", out, err)
                    .isEqualTo(err <= PackedLayouts.TOLERANCE);
        }
    }
}
