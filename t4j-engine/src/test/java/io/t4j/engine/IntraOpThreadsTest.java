package io.t4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** {@link IntraOpThreads}: one thread inside a small forward's guard, the configured count again after it. */
class IntraOpThreadsTest {
    @Test
    void smallForwardsRunOnOneThreadAndLargeOnesKeepTheirs() {
        Engine.init();
        int before = IntraOpThreads.current();
        assertThat(before).as("libgomp's omp_get_max_threads is reachable").isPositive();
        assertThat(torch.get_num_threads()).isEqualTo(before);
        try (IntraOpThreads small = IntraOpThreads.forTokens(12)) {
            assertThat(IntraOpThreads.current()).isEqualTo(1);
            assertThat(torch.get_num_threads()).isEqualTo(1); // what libtorch's parallel_for and oneDNN read
        }
        assertThat(IntraOpThreads.current()).isEqualTo(before);
        try (IntraOpThreads large = IntraOpThreads.forTokens(32 * 50)) {
            assertThat(IntraOpThreads.current()).isEqualTo(before);
        }
        try (IntraOpThreads unknown = IntraOpThreads.forTokens(-1)) {
            assertThat(IntraOpThreads.current()).isEqualTo(before);
        }
    }

    @Test
    void otherThreadsKeepTheirCount() throws Exception {
        Engine.init();
        int before = IntraOpThreads.current();
        int[] seen = new int[1];
        try (IntraOpThreads small = IntraOpThreads.forTokens(1)) {
            Thread t = new Thread(() -> seen[0] = torch.get_num_threads());
            t.start();
            t.join();
        }
        assertThat(seen[0]).isEqualTo(before);
    }
}
