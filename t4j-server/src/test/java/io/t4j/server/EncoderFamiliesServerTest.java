package io.t4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.t4j.models.PretrainedOptions;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import io.t4j.pipelines.FeatureExtractionPipeline;
import io.t4j.pipelines.Pipeline;
import io.t4j.pipelines.Pooling;
import io.t4j.pipelines.TextClassificationOptions;
import io.t4j.pipelines.TextClassificationPipeline;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server loads DeBERTa-v2 and ModernBERT classifiers and answers as the pipelines do (classify, embed). */
class EncoderFamiliesServerTest {
    @TempDir static Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"deberta-v2-seqcls", "modernbert-seqcls-mean"})
    void classifyAndEmbedEqualThePipelines(String fixture) throws Exception {
        Path dir = TinyTokenizer.bertFixtureFolder(Fixture.load(fixture), tmp.resolve(fixture));
        try (ServedModel model = ServedModel.load(dir, fixture, PretrainedOptions.defaults().withZeroCopy(true));
             T4jServer server = T4jServer.start(model, ServerConfig.defaults().withAddress("127.0.0.1", 0));
             TextClassificationPipeline classifier = Pipeline.textClassification(dir);
             FeatureExtractionPipeline embedder = Pipeline.featureExtraction(dir)) {
            assertThat(model.tasks()).contains("classify", "embed");
            Http.Response r = Http.post(server.uri(), "/v1/classify", "{\"inputs\": [\"w7 w9 w11\", \"w100 w5 w6 w7 w8 w9\"]}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            var expected = classifier.apply(List.of("w7 w9 w11", "w100 w5 w6 w7 w8 w9"), TextClassificationOptions.defaults());
            for (int i = 0; i < 2; i++) {
                ServerTest.assertSameLabels(r.json().get(i), expected.get(i));
            }
            Http.Response e = Http.post(server.uri(), "/v1/embed", "{\"inputs\": [\"w7 w9 w11\", \"w100 w5 w6 w7 w8 w9\"], \"pooling\": \"mean\"}");
            assertThat(e.status()).as(e.body()).isEqualTo(200);
            List<float[]> vectors = embedder.embed(List.of("w7 w9 w11", "w100 w5 w6 w7 w8 w9"), Pooling.MEAN, true, 32);
            for (int i = 0; i < 2; i++) {
                for (int c = 0; c < 32; c++) {
                    assertThat(e.json().get(i).get(c).asDouble()).isCloseTo(vectors.get(i)[c], within(ServerTest.TOL));
                }
            }
        }
    }
}
