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
    void shuffleIsAPermutationSeededByDataSeedPlusEpoch() {
        int[] e0 = flat(BatchPlan.shuffled(50, 8, 42, 0, null, 8));
        assertThat(e0).containsExactlyInAnyOrder(IntStream.range(0, 50).toArray());
        assertThat(flat(BatchPlan.shuffled(50, 8, 42, 0, null, 8))).containsExactly(e0);
        assertThat(flat(BatchPlan.shuffled(50, 8, 41, 1, null, 8))).containsExactly(e0); // seed + epoch
        assertThat(flat(BatchPlan.shuffled(50, 8, 42, 1, null, 8))).isNotEqualTo(e0);
        assertThat(BatchPlan.shuffled(50, 8, 42, 0, null, 8)).hasSize(7).last().satisfies(b -> assertThat(b).hasSize(2));
    }

    @Test
    void groupByLengthSortsMegaBatchesAndPutsTheLongestFirst() {
        ToyData data = new ToyData(200, 5, 3, 30, 2);
        int batch = 4;
        int[] order = flat(BatchPlan.shuffled(200, batch, 42, 0, data, batch));
        assertThat(order).containsExactlyInAnyOrder(IntStream.range(0, 200).toArray());
        int longest = IntStream.range(0, 200).map(data::length).max().orElseThrow();
        assertThat(data.length(order[0])).isEqualTo(longest);
        int mega = Math.min(200 / (batch * 4), 50) * batch; // 48
        for (int start = 0; start < 200; start += mega) {
            int[] lengths = Arrays.stream(order, start, Math.min(200, start + mega)).map(data::length).toArray();
            for (int i = 2; i < lengths.length; i++) { // position 0 may hold the swapped-in longest element
                assertThat(lengths[i]).isLessThanOrEqualTo(lengths[i - 1]);
            }
        }
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
