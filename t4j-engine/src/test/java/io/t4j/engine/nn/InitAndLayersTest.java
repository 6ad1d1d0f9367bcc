package io.t4j.engine.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.t4j.engine.Engine;
import io.t4j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** The primitives ModernBERT and DeBERTa-v2 added: truncated-normal init, LayerNorm without bias, Conv1d. */
class InitAndLayersTest {

    /**
     * N(0, 0.2) cut at ±0.4 (two std), 200,000 draws: every value inside the cut, mean 0 and the truncated normal's
     * std 0.2 * sqrt(1 - 2 * 2 phi(2) / (2 Phi(2) - 1)) = 0.1761 within 5 standard errors (1.1e-3 for the std).
     */
    @Test
    void truncNormalStaysInsideTheCutWithTheTruncatedMoments() {
        Engine.init();
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(1);
            Parameter p = Parameter.empty(200_000);
            Init.truncNormal(p, 0.0, 0.2, -0.4, 0.4);
            Tensor t = p.data();
            assertThat(t.abs().max().item_double()).isLessThanOrEqualTo(0.4);
            double phi2 = Math.exp(-2) / Math.sqrt(2 * Math.PI);
            double z = 2 * 0.9772498680518208 - 1; // 2 Phi(2) - 1
            double expectedStd = 0.2 * Math.sqrt(1 - 2 * 2 * phi2 / z);
            assertThat(t.mean().item_double()).isCloseTo(0.0, offset(5 * 0.18 / Math.sqrt(200_000)));
            assertThat(t.std().item_double()).isCloseTo(expectedStd, offset(1.1e-3));
            assertThat(Init.erf(0.5)).isCloseTo(0.5204998778130465, offset(1e-15));
            assertThat(Init.erf(-3.0)).isCloseTo(-0.9999779095030014, offset(1e-15));
        }
    }

    @Test
    void layerNormWithoutBiasHasNoBiasParameterAndNormalizes() {
        Engine.init();
        try (PointerScope scope = new PointerScope()) {
            LayerNorm n = new LayerNorm(4, 1e-5, false);
            assertThat(n.bias).isNull();
            assertThat(n.namedParameters()).containsOnlyKeys("weight");
            Tensor x = Tensors.fromFloats(new float[] {1, 2, 3, 4}, 1, 4);
            float[] y = Tensors.toFloats(n.forward(x));
            double sd = Math.sqrt(1.25 + 1e-5);
            assertThat(y[0]).isCloseTo((float) (-1.5 / sd), offset(1e-6f));
            assertThat(y[3]).isCloseTo((float) (1.5 / sd), offset(1e-6f));
        }
    }

    @Test
    void conv1dKeepsTheLengthWithSamePaddingAndMatchesAHandSum() {
        Engine.init();
        try (PointerScope scope = new PointerScope()) {
            Conv1d conv = new Conv1d(1, 1, 3, 1, 1);
            conv.weight.data().detach().copy_(Tensors.fromFloats(new float[] {1, 2, 3}, 1, 1, 3));
            conv.bias.data().detach().zero_();
            float[] y = Tensors.toFloats(conv.forward(Tensors.fromFloats(new float[] {1, 1, 1, 1}, 1, 1, 4)));
            assertThat(y).containsExactly(5, 6, 6, 3); // zero-padded ends: 0*1+1*2+1*3, 1+2+3, 1+2+3, 1*1+1*2+0*3
        }
    }
}
