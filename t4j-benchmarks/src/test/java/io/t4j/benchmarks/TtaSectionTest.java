package io.t4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The time-to-accuracy section on a tiny BERT and a TSV in SST-2's layout: {@code t4j train} runs in a JVM of its own
 * per seed, each evaluation is timed, and a run stops at the target or the limit.
 */
class TtaSectionTest {
    @TempDir static Path tmp;
    static List<String> trainArgs;

    @BeforeAll
    static void files() throws Exception {
        Path model = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-seqcls"), tmp.resolve("tiny-bert"));
        StringBuilder rows = new StringBuilder("sentence\tlabel\n");
        for (int i = 0; i < 32; i++) {
            int start = i % 2 == 0 ? 5 : 40; // the two classes use disjoint words
            rows.append("w").append(start + i % 7).append(" w").append(start + 1 + i % 5).append('\t')
                    .append(i % 2 == 0 ? "negative" : "positive").append('\n');
        }
        Path train = Files.writeString(tmp.resolve("train.tsv"), rows.toString());
        trainArgs = List.of("--model", model.toString(), "--train-file", train.toString(), "--validation-file",
                train.toString(), "--per_device_train_batch_size", "8", "--learning_rate", "1e-3", "--max_steps", "6",
                "--eval_strategy", "steps", "--eval_steps", "2", "--save_strategy", "no", "--disable_tqdm", "true");
    }

    @Test
    void aReachableTargetStopsEachRunAtItsFirstEvaluation() {
        TtaSection.Report r = TtaSection.measure(trainArgs, List.of(1, 2), "accuracy", 0.0, 600);
        // each run is a JVM of its own: the time to target includes its start
        assertThat(r.metric()).isEqualTo("eval_accuracy");
        assertThat(r.runs()).hasSize(2).allSatisfy(run -> {
            assertThat(run.exitCode()).isZero();
            assertThat(run.reached()).isTrue();
            assertThat(run.evaluations()).hasSize(1); // the command's final evaluation after the stop is not counted
            assertThat(run.evaluations().getFirst().step()).isEqualTo(2);
            assertThat(run.secondsToTarget()).isEqualTo(run.evaluations().getFirst().seconds()).isPositive()
                    .isLessThanOrEqualTo(run.seconds());
        });
        assertThat(r.runs()).extracting(TtaSection.Run::seed).containsExactly(1, 2);
        assertThat(r.reached()).isEqualTo(2);
        assertThat(r.medianSeconds()).isNotNull();
        assertThat(r.tables().getFirst().rows()).hasSize(2);
    }

    @Test
    void anUnreachableTargetRunsTheWholeScheduleAndHasNoMedian() {
        TtaSection.Report r = TtaSection.measure(trainArgs, List.of(3), "eval_accuracy", 1.01, 600);
        TtaSection.Run run = r.runs().getFirst();
        assertThat(run.reached()).isFalse();
        assertThat(run.stoppedByLimit()).isFalse();
        assertThat(run.evaluations()).extracting(TtaSection.Evaluation::step).containsExactly(2, 4, 6);
        assertThat(run.evaluations()).extracting(TtaSection.Evaluation::seconds).isSorted();
        assertThat(run.evaluations()).allSatisfy(e -> assertThat(e.value()).isBetween(0.0, 1.0));
        assertThat(r.medianSeconds()).isNull();
        assertThat(r.tables().getFirst().markdown()).contains("not reached");
        // two decimals, so a best of 91.97% never reads as the 92.0% target
        var near = new TtaSection.Run(1, 0, null, List.of(new TtaSection.Evaluation(10, 0.5, 100, 0.91972)), 120, false);
        var report = new TtaSection.Report("eval_accuracy", 0.92, 600, List.of(), List.of(near), null, 0, 1, 1);
        assertThat(report.tables().getFirst().rows().getFirst()).contains("91.97% at 100 s");
    }

    @Test
    void theLimitStopsARunAtTheNextStepEnd() {
        TtaSection.Run run = TtaSection.measure(trainArgs, List.of(1), "accuracy", 1.01, 1e-6).runs().getFirst();
        assertThat(run.stoppedByLimit()).isTrue();
        assertThat(run.evaluations()).isEmpty();
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void aMetricTheEvaluationsDoNotReportIsAnErrorNamingIt() {
        assertThatThrownBy(() -> TtaSection.measure(trainArgs, List.of(1), "acuracy", 0.5, 600))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eval_acuracy");
    }

    @Test
    void aRunThatFailsIsAnErrorWithItsArguments() {
        List<String> bad = new ArrayList<>(trainArgs);
        bad.addAll(List.of("--learning_rate", "1e-4")); // given twice
        assertThatThrownBy(() -> TtaSection.measure(bad, List.of(1), "accuracy", 0.5, 600))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exited with 2 for seed 1")
                .hasMessageContaining("--learning_rate 1e-4");
    }

    @Test
    void theMedianCountsAMissedRunAsSlowerThanAnyThatReachedTheTarget() {
        assertThat(TtaSection.median(runs(10.0, null, 30.0))).isEqualTo(30.0);
        assertThat(TtaSection.median(runs(null, 5.0, null))).isNull();
        assertThat(TtaSection.median(runs(10.0, 20.0))).isEqualTo(15.0);
        assertThat(TtaSection.median(runs(10.0, null))).isNull();
        assertThat(TtaSection.median(List.of())).isNull();
    }

    private static List<TtaSection.Run> runs(Double... secondsToTarget) {
        List<TtaSection.Run> runs = new ArrayList<>();
        for (Double s : secondsToTarget) {
            runs.add(new TtaSection.Run(runs.size(), 0, s, List.of(), 100, false));
        }
        return runs;
    }
}
