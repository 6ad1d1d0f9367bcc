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
 * take the per-call path.
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
            int unpacked = 0;
            for (long out : OUTS) {
                for (long in : INS) {
                  for (long rows : new long[] {2, 21}) { // neither is a probe's row count
                    try (PointerScope s = new PointerScope(); InferenceMode im = new InferenceMode()) {
                        torch.manual_seed(out * 1000 + in);
                        Tensor w = torch.randn(out, in).to(dtype);
                        Tensor b = torch.randn(out).to(dtype);
                        Tensor x = torch.randn(new long[] {rows, in}).to(dtype);
                        LinearKernels kernels = new LinearKernels();
                        try {
                            Tensor got = Gemm.run(path, x, w, b, kernels).to(ScalarType.Float);
                            Tensor plain = torch.linear(x, w, b).to(ScalarType.Float);
                            double rel = got.sub(plain).abs().max().item_double() / plain.abs().max().item_double();
                            assertThat(rel).as("%s [%d x %d]", path, out, in).isLessThan(PackedLayouts.TOLERANCE);
                            worst = Math.max(worst, rel);
                            boolean ok = path == GemmPath.ONEDNN_FP32 ? PackedLayouts.mkldnnLinearCorrect(out, in)
                                    : PackedLayouts.correct(dtype, out, in);
                            unpacked += ok ? 0 : 1;
                        } finally {
                            kernels.release();
                        }
                    }
                  }
                }
            }
            System.out.printf("[packed] %s: largest relative difference to torch.linear %.2e over %d shapes; "
                    + "%d shape-and-row cases take another route on this CPU (padded, or per call)%n", path, worst, OUTS.length * INS.length, unpacked);
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
