package io.t4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureExtractionPipelineTest {
    @TempDir Path tmp;

    @Test
    void tokenVectorsAndPooledEmbeddings() {
        Path dir = TinyTokenizer.bertFixtureFolder(Fixture.load("bert-seqcls"), tmp.resolve("bert"));
        try (var fe = Pipeline.featureExtraction(dir)) {
            float[][] tokens = fe.apply("w7 w9 w11");
            assertThat(tokens.length).isEqualTo(5); // [CLS] + 3 + [SEP]
            assertThat(tokens[0]).hasSize(32);
            List<float[]> cls = fe.embed(List.of("w7 w9 w11", "w8"), Pooling.CLS, false, 8);
            assertThat(cls.get(0)).containsExactly(tokens[0]);
            List<float[]> mean = fe.embed(List.of("w7 w9 w11", "w8"), Pooling.MEAN, true, 1);
            double norm = 0;
            for (float v : mean.get(1)) {
                norm += v * v;
            }
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-5));
            // mean pooling ignores padding: batch of 2 equals one at a time
            List<float[]> meanBatched = fe.embed(List.of("w7 w9 w11", "w8"), Pooling.MEAN, true, 2);
            for (int i = 0; i < 32; i++) {
                assertThat(meanBatched.get(1)[i]).isCloseTo(mean.get(1)[i], within(1e-5f));
            }
            assertThat(fe.embed(List.of("w7"), Pooling.POOLER, false, 1).get(0)).hasSize(32);
        }
    }
}
