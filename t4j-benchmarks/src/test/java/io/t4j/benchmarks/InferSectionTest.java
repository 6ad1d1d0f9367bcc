package io.t4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.engine.gemm.GemmPath;
import io.t4j.tokenizers.BatchEncoding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class InferSectionTest {
    private static void busy(long micros) {
        long end = System.nanoTime() + micros * 1000;
        while (System.nanoTime() < end) {
            LockSupport.parkNanos(10_000);
        }
    }

    /**
     * Batch-1 latency is each sentence's second forward, and the first is kept apart: a runtime that is slow only the
     * first time it sees a sentence (as t4j is at a new token count) shows it in the first pass only, one that costs the
     * same every time shows it in both.
     */
    @Test
    void latenciesTimeEverySentenceTwiceAndKeepTheFirstPassApart() {
        List<BatchEncoding> singles = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            int[][] ids = {new int[3 + i % 7]};
            singles.add(new BatchEncoding(ids, new int[][] {new int[ids[0].length]}, null));
        }
        Set<BatchEncoding> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<String, Integer> calls = new java.util.HashMap<>();
        InferSection.Runtime cold = new InferSection.Runtime("cold", b -> {
            calls.merge("cold", 1, Integer::sum);
            if (seen.add(b)) {
                busy(3_000);
            }
        }, null, new EnumMap<>(GemmPath.class));
        InferSection.Runtime flat = new InferSection.Runtime("flat", b -> {
            calls.merge("flat", 1, Integer::sum);
            busy(1_000);
        }, null, new EnumMap<>(GemmPath.class));

        InferSection.Latencies ms = InferSection.latencies(List.of(cold, flat), singles);

        assertThat(calls).containsEntry("cold", 5 + 2 * 30).containsEntry("flat", 5 + 2 * 30); // 5 warm-ups, then every sentence twice
        double coldFirst = Stats.median(ms.first()[0]);
        double coldSteady = Stats.median(ms.steady()[0]);
        System.out.printf("cold runtime: first pass %.2f ms, steady %.2f ms; flat: %.2f / %.2f ms%n", coldFirst, coldSteady,
                Stats.median(ms.first()[1]), Stats.median(ms.steady()[1]));
        assertThat(coldFirst).isGreaterThanOrEqualTo(3.0);
        assertThat(coldSteady).isLessThan(coldFirst);
        assertThat(Stats.median(ms.first()[1])).isGreaterThanOrEqualTo(1.0);
        assertThat(Stats.median(ms.steady()[1])).isGreaterThanOrEqualTo(1.0);
    }
}
