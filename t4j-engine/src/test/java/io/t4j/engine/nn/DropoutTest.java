package io.t4j.engine.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** {@link Dropout#dropout}: F.dropout's distribution and scaling from the SplitMix64 mask. */
class DropoutTest {

    @Test
    void keepsEachElementWithProbabilityOneMinusPAndScalesTheKeptOnes() {
        try (PointerScope s = new PointerScope()) {
            torch.manual_seed(3);
            int n = 1_000_001; // odd: the last element uses half a draw
            double p = 0.1;
            float[] y = Tensors.toFloats(Dropout.dropout(torch.ones(n), p));
            long kept = 0;
            long bothOfPair = 0;
            for (int i = 0; i < n; i++) {
                assertThat(y[i]).isIn(0f, (float) (1 / (1 - p)));
                kept += y[i] != 0 ? 1 : 0;
                if (i % 2 == 1 && y[i] != 0 && y[i - 1] != 0) {
                    bothOfPair++;
                }
            }
            double rate = (double) kept / n;
            double sigma = Math.sqrt(p * (1 - p) / n); // 3.0e-4
            System.out.printf("keep rate %.5f (expected 0.9, sigma %.1e); both of a pair kept %.5f (expected 0.81)%n",
                    rate, sigma, bothOfPair / (n / 2.0));
            assertThat(rate).isCloseTo(1 - p, org.assertj.core.data.Offset.offset(6 * sigma));
            // the two halves of one 64-bit draw are independent
            assertThat(bothOfPair / (n / 2.0)).isCloseTo((1 - p) * (1 - p), org.assertj.core.data.Offset.offset(0.003));
        }
    }

    @Test
    void masksFollowManualSeedAndDifferBetweenCalls() {
        try (PointerScope s = new PointerScope()) {
            Tensor x = torch.randn(4096);
            torch.manual_seed(7);
            Tensor a = Dropout.dropout(x, 0.5);
            Tensor b = Dropout.dropout(x, 0.5);
            torch.manual_seed(7);
            Tensor again = Dropout.dropout(x, 0.5);
            assertThat(Tensors.toFloats(again)).containsExactly(Tensors.toFloats(a));
            assertThat(a.eq(b).all().item_bool()).isFalse();
        }
    }

    @Test
    void gradientIsTheMask() {
        try (PointerScope s = new PointerScope()) {
            torch.manual_seed(1);
            Tensor x = torch.randn(3, 5, 7).requires_grad_(true);
            Tensor y = Dropout.dropout(x, 0.25);
            y.sum().backward();
            Tensor expected = y.detach().div(x.detach()); // 0 or 1/(1-p) per element
            assertThat(x.grad().sub(expected).abs().max().item_float()).isLessThan(1e-5f);
            assertThat(y.sizes().vec().get()).containsExactly(3, 5, 7);
        }
    }

    @Test
    void bf16MaskHoldsPyTorchsRoundedScale() {
        try (PointerScope s = new PointerScope()) {
            torch.manual_seed(2);
            Tensor y = Dropout.dropout(torch.ones(10_000).to(ScalarType.BFloat16), 0.1);
            assertThat(Tensors.scalarType(y)).isEqualTo(ScalarType.BFloat16);
            // torch.dropout's bf16 noise is bernoulli_(0.9) divided by 0.9 in bf16: 1.109375
            float scale = torch.ones(1).to(ScalarType.BFloat16).div(new Scalar(0.9)).item_float();
            for (float v : Tensors.toFloats(y)) {
                assertThat(v).isIn(0f, scale);
            }
        }
    }

    @Test
    void zeroProbabilityIsTheIdentityAndBadProbabilitiesAreErrors() {
        try (PointerScope s = new PointerScope()) {
            Tensor x = torch.randn(8);
            assertThat(Dropout.dropout(x, 0.0).equal(x)).isTrue();
            assertThatThrownBy(() -> Dropout.dropout(x, 1.0)).hasMessageContaining("[0, 1)").hasMessageContaining("1.0");
            assertThatThrownBy(() -> new Dropout(-0.1)).hasMessageContaining("-0.1");
            assertThatThrownBy(() -> Dropout.mask(torch.ones(3).to(ScalarType.Long), 0.1)).hasMessageContaining("Long");
        }
    }
}
