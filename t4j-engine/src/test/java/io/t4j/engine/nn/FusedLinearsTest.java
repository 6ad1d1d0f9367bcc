package io.t4j.engine.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.Tensors;
import io.t4j.engine.gemm.Gemm;
import io.t4j.engine.gemm.GemmPath;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** {@link Linear#forwardWith}: one GEMM for frozen layers with the same results, each layer alone otherwise. */
class FusedLinearsTest {
    /** Largest |a - b| over two tensors. */
    private static double maxDiff(Tensor a, Tensor b) {
        return a.to(ScalarType.Double).sub(b.to(ScalarType.Double)).abs().max().item_double();
    }

    private static Linear[] layers(boolean frozen) {
        torch.manual_seed(7);
        Linear[] l = {new Linear(32, 32), new Linear(32, 32), new Linear(32, 48)};
        for (Linear x : l) {
            x.requiresGrad(!frozen);
        }
        return l;
    }

    @Test
    void frozenLayersRunAsOneGemmWithTheSameResults() {
        Linear[] l = layers(true);
        try (PointerScope s = new PointerScope(); InferenceMode im = new InferenceMode()) {
            Tensor x = torch.randn(new long[] {2, 5, 32});
            Gemm.resetPathCounts();
            Tensor[] fused = l[0].forwardWith(x, l[1], l[2]);
            long calls = Gemm.pathCounts().values().stream().mapToLong(Long::longValue).sum();
            assertThat(calls).as("Linear calls for three frozen layers").isEqualTo(1);
            assertThat(Tensors.shape(fused[2])).containsExactly(2, 5, 48);
            for (int i = 0; i < 3; i++) {
                double d = maxDiff(fused[i], l[i].forward(x));
                System.out.printf("[fused] layer %d: max |fused - alone| %.3g (tol 1e-5: one GEMM's rows either way)%n", i, d);
                assertThat(d).isLessThan(1e-5);
            }
        }
    }

    @Test
    void trainableLayersRunAloneAndGetGradients() {
        Linear[] l = layers(false);
        try (PointerScope s = new PointerScope()) {
            Tensor x = torch.randn(new long[] {4, 32});
            Gemm.resetPathCounts();
            Tensor[] y = l[0].forwardWith(x, l[1], l[2]);
            assertThat(Gemm.pathCounts().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(3);
            y[0].sum().add(y[1].sum()).add(y[2].sum()).backward();
            for (Linear layer : l) {
                assertThat(layer.weight.grad()).isNotNull();
                assertThat(layer.weight.grad().abs().sum().item_double()).isPositive();
            }
        }
    }

    @Test
    void aReplacedWeightIsFusedAgainAndInt8LayersRunAlone() {
        Linear[] l = layers(true);
        try (PointerScope s = new PointerScope(); InferenceMode im = new InferenceMode()) {
            Tensor x = torch.randn(new long[] {3, 32});
            l[0].forwardWith(x, l[1], l[2]);
            Tensor doubled = l[1].weight.data().mul(new org.bytedeco.pytorch.Scalar(2.0));
            l[1].weight.set(doubled);
            Tensor[] y = l[0].forwardWith(x, l[1], l[2]);
            assertThat(maxDiff(y[1], l[1].forward(x))).isLessThan(1e-5);

            l[2].quantizeInt8();
            Gemm.resetPathCounts();
            Tensor[] q = l[0].forwardWith(x, l[1], l[2]);
            Map<GemmPath, Long> counts = Gemm.pathCounts();
            assertThat(counts.get(GemmPath.INT8_DYNAMIC)).isEqualTo(1L);
            assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(3);
            assertThat(maxDiff(q[2], l[2].forward(x))).isZero(); // the same int8 call twice
            l[0].releasePacked();
        }
    }

    @Test
    void int8LayersFuseIntoOneInt8GemmWithTheSameResults() {
        Linear[] l = layers(true);
        try (PointerScope s = new PointerScope(); InferenceMode im = new InferenceMode()) {
            for (Linear layer : l) {
                layer.quantizeInt8();
            }
            Tensor x = torch.randn(new long[] {5, 32});
            Gemm.resetPathCounts();
            Tensor[] fused = l[0].forwardWith(x, l[1], l[2]);
            assertThat(Gemm.pathCounts()).containsExactly(Map.entry(GemmPath.INT8_DYNAMIC, 1L));
            for (int i = 0; i < 3; i++) {
                // the input is quantized once per tensor either way, so only the GEMM's blocking differs (int32: exact)
                double d = maxDiff(fused[i], l[i].forward(x));
                System.out.printf("int8 member %d: fused vs alone max |diff| %.2e%n", i, d);
                assertThat(d).isLessThan(1e-6);
            }
            l[0].releasePacked();
            Tensor[] again = l[0].forwardWith(x, l[1], l[2]); // re-fused after the release
            assertThat(maxDiff(again[2], fused[2])).isLessThan(1e-6);
            Gemm.resetPathCounts();
            Tensor big = torch.randn(new long[] {FusedLinears.INT8_MAX_FUSED_ROWS + 1, 32});
            Tensor[] alone = l[0].forwardWith(big, l[1], l[2]); // past the row limit: three int8 calls
            assertThat(Gemm.pathCounts()).containsExactly(Map.entry(GemmPath.INT8_DYNAMIC, 3L));
            assertThat(maxDiff(alone[1], l[1].forward(big))).isZero();
            l[0].releasePacked();
        }
    }

    @Test
    void theGroupIsFixedByItsFirstCall() {
        Linear[] l = layers(true);
        try (PointerScope s = new PointerScope(); InferenceMode im = new InferenceMode()) {
            Tensor x = torch.randn(new long[] {3, 32});
            l[0].forwardWith(x, l[1], l[2]);
            assertThatThrownBy(() -> l[0].forwardWith(x, l[2], l[1])).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("other layers");
        }
    }
}
