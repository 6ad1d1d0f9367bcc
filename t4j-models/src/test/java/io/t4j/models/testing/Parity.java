package io.t4j.models.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.engine.Tensors;
import io.t4j.engine.nn.Module;
import io.t4j.engine.safetensors.SafeTensors;
import java.util.Arrays;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Parity assertions that print the largest difference per tensor, as llm.c's test does. */
public final class Parity {
    private Parity() {}

    /** Largest |actual - expected| (optionally only where {@code weight} is non-zero) must be within {@code tol}. */
    public static double assertClose(String what, Tensor actual, Tensor expected, double tol, Tensor weight) {
        assertThat(Tensors.shape(actual)).as(what + " shape").containsExactly(Tensors.shape(expected));
        Tensor diff = actual.detach().to(ScalarType.Double).sub(expected.to(ScalarType.Double)).abs();
        if (weight != null) {
            diff = diff.mul(weight.to(ScalarType.Double));
        }
        double max = diff.max().item_double();
        System.out.printf("  %-70s max|diff| = %.3e  (tol %.0e) %s%n", what, max, tol, Arrays.toString(Tensors.shape(actual)));
        assertThat(max).as(what + " max abs diff").isLessThanOrEqualTo(tol);
        return max;
    }

    /** |a - e| / |e| within {@code rel}. */
    public static void assertRelClose(String what, double actual, double expected, double rel) {
        double d = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-30);
        System.out.printf("  %-70s %.9f vs %.9f rel diff %.3e (tol %.0e)%n", what, actual, expected, d, rel);
        assertThat(d).as(what + " relative diff").isLessThanOrEqualTo(rel);
    }

    /**
     * A gradient within {@code rel} of the reference gradient's L2 norm (largest elementwise difference divided by
     * ||ref||), or within {@code abs} absolutely when the reference is rounding noise (attention key biases).
     */
    public static double assertGradClose(String what, Tensor actual, Tensor expected, double rel, double abs) {
        double norm = expected.to(ScalarType.Double).norm().item_double();
        double max = actual.detach().to(ScalarType.Double).sub(expected.to(ScalarType.Double)).abs().max().item_double();
        boolean noise = norm < 1e-6;
        double score = noise ? max : max / norm;
        System.out.printf("  %-70s max|diff| = %.3e  ||ref|| = %.3e  %s = %.3e%n", what, max, norm,
                noise ? "abs (zero-gradient param)" : "rel", score);
        assertThat(score).as(what + " gradient diff").isLessThanOrEqualTo(noise ? abs : rel);
        return score;
    }

    /** Every parameter's gradient (after the caller's backward) against the fixture's grads.safetensors. */
    public static void assertGradientsMatch(Module model, Fixture fx) {
        try (SafeTensors grads = SafeTensors.open(fx.dir().resolve("grads.safetensors"))) {
            System.out.println(fx.name() + " gradients:");
            var params = model.namedParameters();
            assertThat(params.keySet()).containsExactlyInAnyOrderElementsOf(grads.tensors().keySet());
            params.forEach((name, p) -> assertGradClose(name, p.grad(), grads.tensor(name), 1e-4, 1e-6));
        }
    }
}
