package io.t4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.t4j.engine.Engine;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The families section end to end on tiny models (hidden 32, 2 layers): rows, ratios, table, options. */
class FamiliesSectionTest {

    @Test
    void comparesTheRegisteredFamiliesAtEachLength() {
        Engine.init();
        Bench b = new Bench();
        b.sections = List.of("families");
        b.noPeak = true;
        b.familyNames = List.of("bert", "roberta", "distilbert", "deberta-v2", "modernbert", "no-such-type");
        b.familyLengths = List.of(4, 8);
        b.familyTokens = 16;
        b.familySteps = 1;
        b.familyRounds = 1;
        try (BenchContext ctx = new BenchContext(b.options())) {
            FamiliesSection.Result r = FamiliesSection.run(ctx, FamiliesSection.specs(32, 2, 4, 64, 48));
            assertThat(r.rows()).extracting(FamiliesSection.Row::name).containsExactly("BERT", "BERT", "RoBERTa", "RoBERTa",
                    "DistilBERT (1 layers)", "DistilBERT (1 layers)", "DeBERTa-v3",
                    "DeBERTa-v3", "DeBERTa-v3 (eager attention)", "DeBERTa-v3 (eager attention)", "ModernBERT", "ModernBERT",
                    "ModernBERT (masked window)", "ModernBERT (masked window)", "ModernBERT (I=48)", "ModernBERT (I=48)");
            assertThat(r.rows()).extracting(FamiliesSection.Row::batch).containsExactly(4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2);
            assertThat(System.getProperty("t4j.attention")).isNull(); // the levers are restored
            assertThat(r.rows()).allSatisfy(row -> {
                assertThat(row.layers()).isEqualTo(row.modelType().equals("distilbert") ? 1 : 2);
                assertThat(row.inferTokensPerSecond()).isPositive();
                assertThat(row.trainTokensPerSecond()).isPositive();
            });
            // per layer: q, k, v, o (32 x 32 + 32 each), 32 -> 64 -> 32 with biases, two LayerNorms; plus the pooler
            long layer = 4 * (32 * 32 + 32) + (32 * 64 + 64) + (64 * 32 + 32) + 2 * 2 * 32;
            assertThat(r.rows().getFirst().nonEmbeddingParams()).isEqualTo(2 * layer + 32 * 32 + 32);
            // ModernBERT with intermediate 48: BERT's MLP weight count (Wi is 2 x 48 wide), no biases; norms: layer 0 has no
            // attn_norm, so mlp_norm, attn_norm + mlp_norm of layer 1, final_norm
            assertThat(r.rows().get(14).nonEmbeddingParams()).isEqualTo(2 * (4L * 32 * 32 + 32 * 96 + 48 * 32) + 4 * 32);
            String md = r.tables().getFirst().markdown();
            assertThat(md).contains("| BERT | 2 | 0.0M | 4 | 4 |").contains("1.00x").contains("infer vs shortest T");
        }
    }

    @Test
    void badLengthsAreNamed() {
        Bench b = new Bench();
        b.sections = List.of("families");
        b.familyLengths = List.of(0);
        assertThatThrownBy(b::options).hasMessageContaining("--family-lengths");
    }
}
