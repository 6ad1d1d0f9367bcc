package io.t4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.data.PaddedBatch;
import io.t4j.trainer.TrainerDataset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenCountingTest {
    /** Row i has i + 1 tokens; batches pad to their longest row. */
    private static final TrainerDataset RAGGED = new TrainerDataset() {
        @Override
        public int size() {
            return 10;
        }

        @Override
        public int[] lengths() {
            return new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        }

        @Override
        public PaddedBatch pad(int[] rows) {
            int longest = 0;
            long real = 0;
            for (int r : rows) {
                longest = Math.max(longest, r + 1);
                real += r + 1;
            }
            return new PaddedBatch(rows.length, longest, new int[rows.length * longest], new int[rows.length * longest],
                    null, real, java.util.Map.of("labels", io.t4j.data.NdArray.ofLongs(new long[rows.length], rows.length)));
        }
    };

    @Test
    void recordsRealAndPaddedTokensInCallOrder() {
        TokenCountingDataset data = new TokenCountingDataset(RAGGED);
        data.pad(new int[] {0, 9});   // real 1 + 10, padded 2 x 10
        data.pad(new int[] {2, 3, 4}); // real 3 + 4 + 5, padded 3 x 5
        List<TokenCountingDataset.Batch> b = data.batches();
        assertThat(b).extracting(TokenCountingDataset.Batch::realTokens).containsExactly(11L, 12L);
        assertThat(b).extracting(TokenCountingDataset.Batch::paddedTokens).containsExactly(20L, 15L);
        assertThat(b).extracting(TokenCountingDataset.Batch::rows).containsExactly(2, 3);
        data.clear();
        assertThat(data.batches()).isEmpty();
        assertThat(data.size()).isEqualTo(10);
    }

    @Test
    void stepsPairWithBatchesAndThroughputSkipsWarmup() {
        var batches = List.of(new TokenCountingDataset.Batch(2, 10, 20, 50),   // ready before step 0 began (100)
                new TokenCountingDataset.Batch(2, 30, 40, 250),                 // not ready: step 1 began at 200
                new TokenCountingDataset.Batch(2, 50, 60, 290));                // ready: step 2 began at 300
        List<TrainSteps.Step> steps = TrainSteps.combine(List.of(100L, 200L, 300L),
                List.of(100L + 1_000_000_000L, 200L + 500_000_000L, 300L + 500_000_000L), batches);
        assertThat(steps).extracting(TrainSteps.Step::batchReady).containsExactly(true, false, true);
        TrainSteps.Throughput t = TrainSteps.summarize(steps, 1); // steps 1 and 2: 1 s, 4 samples, 80 real, 100 padded
        assertThat(t.steps()).isEqualTo(2);
        assertThat(t.samplesPerSecond()).isEqualTo(4.0);
        assertThat(t.realTokensPerSecond()).isEqualTo(80.0);
        assertThat(t.paddedTokensPerSecond()).isEqualTo(100.0);
        assertThat(t.meanRealLength()).isEqualTo(20.0);
        assertThat(t.medianStepMs()).isEqualTo(500.0);
        assertThat(t.batchesNotReady()).isEqualTo(1);
    }

    @Test
    void misalignedRecordsAreAnError() {
        assertThatThrownBy(() -> TrainSteps.combine(List.of(1L, 2L), List.of(3L, 4L), List.of()))
                .hasMessageContaining("2 step ends, 0 padded batches");
        assertThatThrownBy(() -> TrainSteps.summarize(List.of(), 3)).hasMessageContaining("no timed steps");
    }
}
