package io.t4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.Parity;
import io.t4j.models.testing.TinyTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureExtractionPipelineTest {
    /**
     * One text alone against the same text in a padded batch of two: the encoder runs its matmuls on the batch's real
     * tokens ([8,C] rows instead of [5,C]), so the kernels block differently and round differently. Worst 7.2e-7
     * ([CLS] vector, AVX2-only) over the 9 settings of scripts/test-kernels.sh; 14x (padding leaking into real tokens,
     * the bug this guards against, moves vectors by ~1e-1).
     */
    static final double BATCHED_VS_ALONE_ABS = 1e-5;

    @TempDir Path tmp;

    @Test
    void tokenVectorsAndPooledEmbeddings() {
        Path dir = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-seqcls"), tmp.resolve("bert"));
        try (var fe = Pipeline.featureExtraction(dir)) {
            float[][] tokens = fe.apply("w7 w9 w11");
            assertThat(tokens.length).isEqualTo(5); // [CLS] + 3 + [SEP]
            assertThat(tokens[0]).hasSize(32);
            List<float[]> cls = fe.embed(List.of("w7 w9 w11", "w8"), Pooling.CLS, false, 8);
            Parity.assertClose("[CLS] vector, batch of 2 vs alone", "w7 w9 w11", cls.get(0), tokens[0], BATCHED_VS_ALONE_ABS);
            List<float[]> mean = fe.embed(List.of("w7 w9 w11", "w8"), Pooling.MEAN, true, 1);
            double norm = 0;
            for (float v : mean.get(1)) {
                norm += v * v;
            }
            Parity.assertClose("normalized mean embedding, L2 norm", "w8", Math.sqrt(norm), 1.0, 1e-5); // worst 7.7e-8; 130x
            // mean pooling ignores padding: batch of 2 equals one at a time
            List<float[]> meanBatched = fe.embed(List.of("w7 w9 w11", "w8"), Pooling.MEAN, true, 2);
            Parity.assertClose("mean embedding, batch of 2 vs alone", "w8", meanBatched.get(1), mean.get(1), BATCHED_VS_ALONE_ABS);
            assertThat(fe.embed(List.of("w7"), Pooling.POOLER, false, 1).get(0)).hasSize(32);
        }
    }
}
