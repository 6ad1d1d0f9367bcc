package io.t4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.t4j.models.bert.BertConfig;
import io.t4j.models.bert.BertModeling.BertForSequenceClassification;
import org.junit.jupiter.api.Test;

class MfuTest {
    @Test
    void mfuIsSixTimesParametersTimesTokensOverPeak() {
        // 6 * 1e6 parameters * 1000 tokens/s = 6e9 FLOP/s against a 12e9 peak: 50%
        assertThat(Mfu.of(1_000_000, 1000, 12e9)).isCloseTo(0.5, within(1e-12));
        assertThat(Mfu.trainingFlopsPerToken(21_442_946)).isEqualTo(6.0 * 21_442_946);
    }

    @Test
    void theBestPeakOfTheRunIsTheHigherOfStartAndEndPerDtype() {
        var throughput = new TrainSteps.Throughput(10, 500, 64, 1000, 1200, 15.6, 18.8, 0);
        var fp32 = new TrainSection.Result("fp32-grouped", throughput, null, null, 0, 0, false, java.util.Map.of());
        var bf16 = new TrainSection.Result("bf16-grouped", throughput, null, null, 0, 0, true, java.util.Map.of());
        var report = new TrainSection.Report("m", 1_000_000, 32, 128, 3, 10, 2, java.util.List.of(fp32, bf16));
        var start = new PeakSection.Result(2048, 10, 24, java.util.List.of()); // GFLOP/s: a slow start in fp32
        var end = new PeakSection.Result(2048, 12, 20, java.util.List.of());
        BestPeakMfu best = BestPeakMfu.of(report, start, end);
        assertThat(best.rows()).extracting(BestPeakMfu.Row::config).containsExactly("fp32-grouped", "bf16-grouped + load");
        assertThat(best.rows().get(0).mfu()).isCloseTo(6e9 / 12e9, within(1e-12)); // the end's fp32 peak
        assertThat(best.rows().get(1).mfu()).isCloseTo(6e9 / 24e9, within(1e-12)); // the start's bf16 peak
        assertThat(BestPeakMfu.of(report, start, null)).isNull();
        assertThat(best.tables().get(0).markdown()).contains("fp32 10 / 12, bf16 24 / 20 GFLOP/s");
    }

    @Test
    void noPeakGivesNoMfu() {
        assertThat(Mfu.of(1000, 10, null)).isNull();
        assertThat(Mfu.of(1000, 10, 0.0)).isNull();
        assertThat(Mfu.of(1000, Double.NaN, 1e9)).isNull();
    }

    @Test
    void nonEmbeddingParametersExcludeWordPositionAndTokenTypeEmbeddings() {
        BertConfig c = BertConfig.of(50, 16, 1, 2, 32); // 512 positions, 2 token types (BERT defaults)
        try (var model = new BertForSequenceClassification(c)) {
            long embeddings = 50L * 16 + 512L * 16 + 2L * 16;
            assertThat(Mfu.nonEmbeddingParameters(model)).isEqualTo(model.numParameters() - embeddings);
        }
    }
}
