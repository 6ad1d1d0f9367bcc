package io.t4j.models.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.engine.Tensors;
import io.t4j.engine.nn.Module;
import io.t4j.engine.safetensors.SafeTensors;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Numeric assertions that print the largest difference of every check, as llm.c's test does, in one line format
 * that {@code scripts/test-kernels.sh} collects across BLAS kernel paths and thread counts:
 * <pre>
 * [parity] TestClass#method | quantity | item | metric value | tol t | margin m
 * </pre>
 * {@code quantity} names the check a tolerance belongs to (for a parameterized test it includes the parameter, e.g.
 * the fixture), {@code item} what within it (a tensor's shape, a parameter's name, {@code -}), {@code metric} one of
 * {@code abs} (largest |actual - expected|), {@code rel} (|a - e| / |e|), {@code grad-rel} / {@code grad-abs} (see
 * {@link #assertGradClose}), or a caller's own through {@link #check} (AdamW's {@code ulp}); {@code margin} is
 * tol / value. A check with {@code tol 0} asserts that two paths share one computation
 * ({@link #assertSameComputation}), so they must agree bit for bit on every machine.
 *
 * <p>Tolerances: every caller states next to the number the worst difference {@code scripts/test-kernels.sh} measured
 * over its settings (OpenBLAS kernel paths, intra-op thread counts, an AVX2-only machine; DEVELOPERS.md) and the
 * margin; the shared ones are in {@link Tolerances}.
 */
public final class Parity {
    /** Every report line starts with this. */
    public static final String PREFIX = "[parity]";
    /**
     * Set only by {@code scripts/test-kernels.sh} ({@code -Dt4j.parity.reportOnly=true}): a check over its tolerance
     * is reported, marked, and does not stop its test, so one run measures every quantity. The script then fails.
     */
    private static final boolean REPORT_ONLY = Boolean.getBoolean("t4j.parity.reportOnly");
    private static final Set<String> TEST_ANNOTATIONS = Set.of("Test", "ParameterizedTest", "RepeatedTest", "TestFactory",
            "TestTemplate");

    private Parity() {}

    /**
     * Largest |actual - expected| (optionally only where {@code weight} is non-zero) must be within {@code tol};
     * the line's item is the shape.
     */
    public static double assertClose(String what, Tensor actual, Tensor expected, double tol, Tensor weight) {
        return assertClose(what, Tensors.shapeString(actual).replace(" ", ""), actual, expected, tol, weight);
    }

    /** As above, reported under {@code quantity} with {@code item} (a parameter's name, a mode). */
    public static double assertClose(String quantity, String item, Tensor actual, Tensor expected, double tol, Tensor weight) {
        assertThat(Tensors.shape(actual)).as(quantity + " " + item + " shape").containsExactly(Tensors.shape(expected));
        Tensor diff = actual.detach().to(ScalarType.Double).sub(expected.detach().to(ScalarType.Double)).abs();
        if (weight != null) {
            diff = diff.mul(weight.to(ScalarType.Double));
        }
        return check(quantity, item, "abs", diff.max().item_double(), tol);
    }

    /** Largest |actual[i] - expected[i]| within {@code tol}. */
    public static double assertClose(String quantity, String item, float[] actual, float[] expected, double tol) {
        assertThat(actual.length).as(quantity + " " + item + " length").isEqualTo(expected.length);
        double max = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs((double) actual[i] - expected[i]);
            max = Double.isNaN(d) || d > max ? d : max;
        }
        return check(quantity, item, "abs", max, tol);
    }

    /** |actual - expected| within {@code tol} (a score, a loss). */
    public static double assertClose(String quantity, String item, double actual, double expected, double tol) {
        return check(quantity, item, "abs", Math.abs(actual - expected), tol);
    }

    /** |a - e| / |e| within {@code rel}. */
    public static double assertRelClose(String what, double actual, double expected, double rel) {
        return assertRelClose(what, String.format(Locale.ROOT, "%.9g vs %.9g", actual, expected), actual, expected, rel);
    }

    /** As above, reported under {@code quantity} with {@code item}. */
    public static double assertRelClose(String quantity, String item, double actual, double expected, double rel) {
        return check(quantity, item, "rel", Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-30), rel);
    }

    /**
     * Two paths that share one computation (the same op sequence on the same shapes and bit-identical inputs, e.g. a
     * model and its save/reload): equal bit for bit on any machine. {@code why} says what makes them one computation.
     */
    public static void assertSameComputation(String quantity, String why, Tensor a, Tensor b) {
        assertThat(Tensors.shape(a)).as(quantity + " shape").containsExactly(Tensors.shape(b));
        check(quantity, why, "abs", Tensors.maxAbsDiff(a, b), 0.0);
    }

    /** As above for float arrays. */
    public static void assertSameComputation(String quantity, String why, float[] a, float[] b) {
        assertClose(quantity, why, a, b, 0.0);
    }

    /**
     * A gradient within {@code rel} of the reference gradient's L2 norm (largest elementwise difference divided by
     * ||ref||), or within {@code abs} absolutely when the reference is rounding noise (attention key biases).
     */
    public static double assertGradClose(String what, Tensor actual, Tensor expected, double rel, double abs) {
        return assertGradClose("gradients", what, actual, expected, rel, abs);
    }

    /** As above, reported under {@code quantity} with the parameter's name as item. */
    public static double assertGradClose(String quantity, String name, Tensor actual, Tensor expected, double rel, double abs) {
        double norm = expected.to(ScalarType.Double).norm().item_double();
        double max = actual.detach().to(ScalarType.Double).sub(expected.to(ScalarType.Double)).abs().max().item_double();
        boolean noise = norm < 1e-6;
        return noise ? check(quantity + " (zero-gradient params)", name, "grad-abs", max, abs)
                : check(quantity, name, "grad-rel", max / norm, rel);
    }

    /**
     * Every parameter's gradient (after the caller's backward) against the fixture's grads.safetensors: the largest
     * elementwise difference within {@link Tolerances#GRAD_REL} of the reference's norm, or {@link Tolerances#GRAD_ABS} absolutely for
     * parameters whose true gradient is zero.
     */
    public static void assertGradientsMatch(Module model, Fixture fx) {
        try (SafeTensors grads = SafeTensors.open(fx.dir().resolve("grads.safetensors"))) {
            var params = model.namedParameters();
            assertThat(params.keySet()).containsExactlyInAnyOrderElementsOf(grads.tensors().keySet());
            params.forEach((name, p) -> assertGradClose(fx.name() + " gradients", name, p.grad(), grads.tensor(name),
                    Tolerances.GRAD_REL, Tolerances.GRAD_ABS));
        }
    }

    /** Prints the report line, then asserts {@code value <= tol} (NaN fails). */
    public static double check(String quantity, String item, String metric, double value, double tol) {
        boolean over = !(value <= tol);
        System.out.println(line(testName(), quantity, item, metric, value, tol) + (over ? "  OVER TOLERANCE" : ""));
        if (!REPORT_ONLY) {
            assertThat(value).as(quantity + " " + item + " " + metric + " diff").isLessThanOrEqualTo(tol);
        }
        return value;
    }

    static String line(String test, String quantity, String item, String metric, double value, double tol) {
        String margin = tol == 0 ? (value == 0 ? "exact" : "0") : value == 0 ? "inf"
                : String.format(Locale.ROOT, "%.3g", tol / value);
        return String.format(Locale.ROOT, "%s %s | %s | %s | %s %.3e | tol %.1e | margin %s", PREFIX, test,
                clean(quantity), clean(item), metric, value, tol, margin);
    }

    private static String clean(String s) {
        return s == null || s.isBlank() ? "-" : s.replace('|', '/').replace('\n', ' ');
    }

    /** {@code Class#method} of the JUnit test on the calling thread's stack (lambdas and helpers skipped), or "?". */
    static String testName() {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .filter(f -> isTestMethod(f.getDeclaringClass(), f.getMethodName()))
                .map(f -> f.getDeclaringClass().getSimpleName() + "#" + f.getMethodName())
                .findFirst()).orElse("?");
    }

    private static boolean isTestMethod(Class<?> type, String name) {
        return Arrays.stream(type.getDeclaredMethods()).filter(m -> m.getName().equals(name))
                .map(Method::getAnnotations).flatMap(Arrays::stream).map(Annotation::annotationType)
                .anyMatch(a -> a.getPackageName().startsWith("org.junit.jupiter") && TEST_ANNOTATIONS.contains(a.getSimpleName()));
    }
}
