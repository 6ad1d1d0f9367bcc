package io.t4j.trainer.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.CheckpointException;
import io.t4j.engine.Tensors;
import io.t4j.engine.nn.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values from HF's optimization.py lambdas (warmup 2, total 10, base lr 1.0), written out by hand. */
class LrSchedulerTest {

    private static AdamW opt() {
        return new AdamW(List.of(Parameter.of(Tensors.fromFloats(new float[] {1f}, 1))), 1.0, 0.0);
    }

    private static List<Double> lrs(SchedulerType type, int warmup, int total, int steps) {
        try (AdamW o = opt()) {
            LrScheduler s = new LrScheduler(o, type, warmup, total);
            List<Double> out = new ArrayList<>();
            out.add(s.lastLr());
            for (int i = 0; i < steps; i++) {
                s.step();
                out.add(s.lastLr());
            }
            return out;
        }
    }

    @Test
    void linearWarmsUpThenDecaysToZero() {
        assertThat(lrs(SchedulerType.LINEAR, 2, 10, 11))
                .containsExactly(0.0, 0.5, 1.0, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25, 0.125, 0.0, 0.0);
    }

    @Test
    void cosineFollowsHalfACosine() {
        List<Double> lr = lrs(SchedulerType.COSINE, 2, 10, 10);
        assertThat(lr.subList(0, 3)).containsExactly(0.0, 0.5, 1.0);
        for (int step = 2; step <= 10; step++) {
            double progress = (step - 2) / 8.0;
            assertThat(lr.get(step)).isEqualTo(Math.max(0.0, 0.5 * (1 + Math.cos(Math.PI * progress))));
        }
        assertThat(lr.get(6)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-15));
    }

    @Test
    void constantIgnoresWarmupAndConstantWithWarmupDoesNot() {
        assertThat(lrs(SchedulerType.CONSTANT, 2, 10, 3)).containsExactly(1.0, 1.0, 1.0, 1.0);
        assertThat(lrs(SchedulerType.CONSTANT_WITH_WARMUP, 4, 10, 5)).containsExactly(0.0, 0.25, 0.5, 0.75, 1.0, 1.0);
    }

    @Test
    void noWarmupStartsAtTheFullRate() {
        assertThat(lrs(SchedulerType.LINEAR, 0, 4, 4)).containsExactly(1.0, 0.75, 0.5, 0.25, 0.0);
    }

    @Test
    void warmupStepsWinOverRatioWhichRoundsUp() {
        assertThat(LrScheduler.warmupSteps(5, 0.5, 100)).isEqualTo(5);
        assertThat(LrScheduler.warmupSteps(0, 0.06, 105)).isEqualTo(7); // ceil(6.3)
        assertThat(LrScheduler.warmupSteps(0, 0.0, 105)).isEqualTo(0);
    }

    @Test
    void eachGroupScalesItsOwnInitialLr() {
        var a = new ParamGroup(List.of(Parameter.of(Tensors.fromFloats(new float[] {1f}, 1))), 2.0, 0.0);
        var b = new ParamGroup(List.of(Parameter.of(Tensors.fromFloats(new float[] {1f}, 1))), 4.0, 0.0);
        try (AdamW o = new AdamW(List.of(a, b), 0.9, 0.999, 1e-8)) {
            LrScheduler s = new LrScheduler(o, SchedulerType.LINEAR, 0, 4);
            s.step();
            assertThat(a.lr()).isEqualTo(1.5);
            assertThat(b.lr()).isEqualTo(3.0);
        }
    }

    @Test
    void stateRoundTripsAndAMismatchIsNamed(@TempDir Path dir) {
        try (AdamW o = opt()) {
            LrScheduler s = new LrScheduler(o, SchedulerType.LINEAR, 2, 10);
            for (int i = 0; i < 3; i++) {
                s.step();
            }
            s.save(dir);
        }
        try (AdamW o = opt()) {
            LrScheduler s = new LrScheduler(o, SchedulerType.LINEAR, 2, 10);
            s.load(dir);
            assertThat(s.lastEpoch()).isEqualTo(3);
            assertThat(s.lastLr()).isEqualTo(0.875);
            LrScheduler other = new LrScheduler(o, SchedulerType.COSINE, 2, 10);
            assertThatThrownBy(() -> other.load(dir)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("saved schedule linear").hasMessageContaining("cosine");
        }
    }

    @Test
    void unknownTypeNamesTheSupportedOnes() {
        assertThatThrownBy(() -> SchedulerType.of("polynomial")).hasMessageContaining("'polynomial'")
                .hasMessageContaining("linear, cosine, constant, constant_with_warmup");
    }
}
