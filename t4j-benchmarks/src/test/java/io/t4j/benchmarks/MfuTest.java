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
