package io.t4j.trainer.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Expected values are the outputs printed in scikit-learn's own docstrings and user guide. */
class MetricsTest {
    // sklearn docstring: y_true = [cat, dog, pig, cat, dog, pig], y_pred = [cat, pig, dog, cat, cat, dog]
    private static final int[] TRUE3 = {0, 1, 2, 0, 1, 2};
    private static final int[] PRED3 = {0, 2, 1, 0, 0, 1};

    @Test
    void accuracyAndTheHfComputeMetrics() {
        assertThat(Metrics.accuracy(new int[] {0, 1, 2, 3}, new int[] {0, 2, 1, 3})).isEqualTo(0.5);
        var p = EvalPrediction.of(new float[][] {{0.1f, 0.9f}, {2f, 1f}, {0.5f, 0.5f}, {-1f, 3f}}, new int[] {1, 0, 1, 0});
        assertThat(p.argmax()).containsExactly(1, 0, 0, 1); // ties take the first index, as numpy
        assertThat(Metrics.ACCURACY.apply(p)).containsEntry("accuracy", 0.5);
    }

    @Test
    void macroMicroWeightedMatchSklearnsDocstring() {
        var macro = Metrics.precisionRecallF1(TRUE3, PRED3, Average.MACRO, ZeroDivision.WARN);
        assertThat(macro.precision()).isCloseTo(2.0 / 9, within(1e-12));
        assertThat(macro.recall()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(macro.f1()).isCloseTo(0.26666666666666666, within(1e-12));
        var micro = Metrics.precisionRecallF1(TRUE3, PRED3, Average.MICRO, ZeroDivision.WARN);
        assertThat(micro.precision()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(micro.f1()).isCloseTo(1.0 / 3, within(1e-12));
        var weighted = Metrics.precisionRecallF1(TRUE3, PRED3, Average.WEIGHTED, ZeroDivision.WARN);
        assertThat(weighted.precision()).isCloseTo(2.0 / 9, within(1e-12));
        assertThat(weighted.f1()).isCloseTo(0.26666666666666666, within(1e-12));
    }

    @Test
    void weightedUsesSupport() {
        int[] t = {0, 0, 0, 1};
        int[] p = {0, 0, 1, 1};
        // class 0: P 1, R 2/3, F 0.8 (support 3); class 1: P 0.5, R 1, F 2/3 (support 1)
        var w = Metrics.precisionRecallF1(t, p, Average.WEIGHTED, ZeroDivision.WARN);
        assertThat(w.precision()).isCloseTo((3 * 1.0 + 0.5) / 4, within(1e-12));
        assertThat(w.recall()).isCloseTo((3 * 2.0 / 3 + 1) / 4, within(1e-12));
        assertThat(w.f1()).isCloseTo((3 * 0.8 + 2.0 / 3) / 4, within(1e-12));
    }

    @Test
    void binaryScoresThePositiveClass() {
        var b = Metrics.precisionRecallF1(new int[] {0, 1, 1, 0, 1}, new int[] {0, 1, 0, 0, 1}, Average.BINARY, ZeroDivision.WARN);
        assertThat(b.precision()).isEqualTo(1.0);
        assertThat(b.recall()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(b.f1()).isCloseTo(0.8, within(1e-12));
        assertThatThrownBy(() -> Metrics.f1(TRUE3, PRED3, Average.BINARY))
                .hasMessageContaining("Target is multiclass but average='binary'");
        assertThatThrownBy(() -> Metrics.f1(new int[] {0, 2}, new int[] {0, 2}, Average.BINARY))
                .hasMessageContaining("pos_label=1 is not a valid label");
    }

    @Test
    void zeroDivisionAsSklearnsUserGuide() {
        int[] zeros = {0, 0, 0, 0, 0, 0};
        assertThat(Metrics.precisionRecallF1(zeros, zeros, Average.BINARY, ZeroDivision.ONE).f1()).isEqualTo(1.0);
        assertThat(Metrics.precisionRecallF1(zeros, zeros, Average.BINARY, ZeroDivision.NAN).f1()).isNaN();
        assertThat(Metrics.precisionRecallF1(zeros, zeros, Average.BINARY, ZeroDivision.WARN).f1()).isEqualTo(0.0);
        // class 2 is never predicted: its precision is 0/0; macro with NAN averages over the other classes only
        int[] t = {0, 1, 2};
        int[] p = {0, 1, 1};
        assertThat(Metrics.precisionRecallF1(t, p, Average.MACRO, ZeroDivision.ZERO).precision()).isCloseTo(0.5, within(1e-12));
        assertThat(Metrics.precisionRecallF1(t, p, Average.MACRO, ZeroDivision.ONE).precision()).isCloseTo(2.5 / 3, within(1e-12));
        assertThat(Metrics.precisionRecallF1(t, p, Average.MACRO, ZeroDivision.NAN).precision()).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void confusionMatrixAsSklearnsDocstring() {
        long[][] c = Metrics.confusionMatrix(new int[] {2, 0, 2, 2, 0, 1}, new int[] {0, 0, 2, 2, 0, 2});
        assertThat(c).isDeepEqualTo(new long[][] {{2, 0, 0}, {0, 0, 1}, {1, 0, 2}});
        assertThat(Metrics.classes(new int[] {5, 1}, new int[] {3, 1})).containsExactly(1, 3, 5);
    }

    @Test
    void rocAucWithTiesAsSklearn() {
        assertThat(Metrics.rocAuc(new int[] {0, 0, 1, 1}, new double[] {0.1, 0.4, 0.35, 0.8})).isEqualTo(0.75);
        assertThat(Metrics.rocAuc(new int[] {0, 1}, new double[] {0.5, 0.5})).isEqualTo(0.5);
        // ties across classes count one half: pairs (pos, neg) = 2 x 2, one tie at 0.5, pos 0.9 beats both
        assertThat(Metrics.rocAuc(new int[] {1, 1, 0, 0}, new double[] {0.9, 0.5, 0.5, 0.1})).isEqualTo(0.875);
        assertThatThrownBy(() -> Metrics.rocAuc(new int[] {1, 1}, new double[] {0.2, 0.3}))
                .hasMessageContaining("Only one class present in y_true");
    }

    @Test
    void mismatchedLengthsAreNamed() {
        assertThatThrownBy(() -> Metrics.accuracy(new int[] {1}, new int[] {1, 0}))
                .hasMessageContaining("y_true has 1 labels but y_pred has 2");
        assertThatThrownBy(() -> EvalPrediction.of(new float[2][2], new int[] {1}))
                .hasMessageContaining("predictions has 2 rows but label_ids has 1");
    }
}
