package io.t4j.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchPlanTest {

    @Test
    void trainingOrderIsASeededPermutationPerEpoch() {
        ToyData data = new ToyData(50, 1);
        int[] e0 = flat(BatchPlan.training(data, 8, 1, 42, false, 0));
        assertThat(e0).containsExactlyInAnyOrder(IntStream.range(0, 50).toArray());
        assertThat(flat(BatchPlan.training(data, 8, 1, 42, false, 0))).containsExactly(e0);
        assertThat(flat(BatchPlan.training(data, 8, 1, 41, false, 1))).containsExactly(e0); // seed + epoch
        assertThat(flat(BatchPlan.training(data, 8, 1, 42, false, 1))).isNotEqualTo(e0);
        assertThat(BatchPlan.training(data, 8, 1, 42, false, 0)).hasSize(7).last().satisfies(b -> assertThat(b).hasSize(2));
    }

    @Test
    void groupByLengthPutsTheLongestExampleFirst() {
        ToyData data = new ToyData(200, 5, 3, 30, 2);
        int[] order = flat(BatchPlan.training(data, 4, 2, 42, true, 0));
        assertThat(order).containsExactlyInAnyOrder(IntStream.range(0, 200).toArray());
        assertThat(data.lengths()[order[0]]).isEqualTo(Arrays.stream(data.lengths()).max().orElseThrow());
    }

    @Test
    void progressBarFormatsLikeTqdmAndPrintsLinesWhenNotATerminal() {
        var bytes = new ByteArrayOutputStream();
        var out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (var bar = new ProgressBar("Epoch 1", 10, out, false, 3600)) {
            bar.update(5);
            bar.postfix("loss", 0.123456);
            assertThat(bar.render()).matches("Epoch 1:  50%\\|██████████ {10}\\| 5/10 \\[\\d\\d:\\d\\d<.*, .*it/s, loss=0\\.1235\\]");
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\\R");
        assertThat(lines).hasSize(2); // the first update and the close: one line each, no carriage returns
        assertThat(lines[1]).startsWith("Epoch 1:  50%");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("\r");
    }

    private static int[] flat(List<int[]> batches) {
        return batches.stream().flatMapToInt(Arrays::stream).toArray();
    }
}
