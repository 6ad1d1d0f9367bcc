package io.t4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DistributedSamplerTest {
    @Test
    void ranksTakeEveryNthRowOfOnePermutationPaddedFromItsStart() {
        int[] perm = Seeded.permutation(10, 5 + 2); // seed 5, epoch 2
        int[] padded = IntStream.range(0, 12).map(i -> perm[i % 10]).toArray(); // torch: pad with the first indices
        for (int r = 0; r < 3; r++) {
            var s = new DistributedSampler(10, 3, r, true, 5, false);
            assertThat(s.numSamples()).isEqualTo(4);
            int rank = r;
            assertThat(s.order(2)).containsExactly(IntStream.range(0, 4).map(i -> padded[rank + 3 * i]).toArray());
        }
        // set_epoch reshuffles, the same way on every rank
        assertThat(new DistributedSampler(10, 3, 0, true, 5, false).order(3))
                .isNotEqualTo(new DistributedSampler(10, 3, 0, true, 5, false).order(2));
        // drop_last: 10 rows over 3 ranks keep 9
        var dropped = new DistributedSampler(10, 3, 1, true, 5, true);
        assertThat(dropped.numSamples()).isEqualTo(3);
        assertThat(dropped.order(2)).containsExactly(perm[1], perm[4], perm[7]);
        // no shuffle: rows in order
        assertThat(new DistributedSampler(5, 2, 1, false, 0, false).order(0)).containsExactly(1, 3, 0);
    }

    @Test
    void twoRanksOfBatchBTogetherHoldOneProcesssBatchOfTwoB() {
        int[] one = Sampler.random(64, 42).order(1);
        int[] r0 = new DistributedSampler(64, 2, 0, true, 42, false).order(1);
        int[] r1 = new DistributedSampler(64, 2, 1, true, 42, false).order(1);
        for (int k = 0; k < 4; k++) {
            int[] both = IntStream.concat(Arrays.stream(r0, 8 * k, 8 * k + 8), Arrays.stream(r1, 8 * k, 8 * k + 8)).sorted().toArray();
            assertThat(both).containsExactly(Arrays.stream(one, 16 * k, 16 * k + 16).sorted().toArray());
        }
    }

    @Test
    void preShardedRanksRepeatOrCutTheirRowsToTheAgreedLength() {
        int[] order = DistributedSampler.ofShard(3, 5, true, 9).order(0);
        int[] perm = Seeded.permutation(3, 9);
        assertThat(order).containsExactly(perm[0], perm[1], perm[2], perm[0], perm[1]);
        assertThat(DistributedSampler.ofShard(4, 2, false, 9).order(0)).containsExactly(0, 1);
        assertThatThrownBy(() -> DistributedSampler.ofShard(0, 2, true, 9)).hasMessageContaining("shard is empty");
        assertThatThrownBy(() -> new DistributedSampler(4, 2, 2, true, 0, false)).hasMessageContaining("Invalid rank 2");
    }
}
