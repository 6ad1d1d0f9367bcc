package io.t4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.t4j.engine.Tensors;
import io.t4j.models.testing.Fixture;
import io.t4j.models.testing.TinyTokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sentence pairs through the text-classification pipeline (HF's {@code {"text", "text_pair"}} input): the bert-seqcls
 * fixture's row 0 is a pair {@code [CLS] a [SEP] b [SEP]} with token_type_ids 1 on the second part, so the pipeline's
 * scores for (a, b) must be the softmax of HF's logits for that row; a batch mixing pairs and single texts must
 * answer each as it is answered alone.
 */
class TextPairClassificationTest {
    @TempDir static Path tmp;
    static TextClassificationPipeline pipe;
    static final TextClassificationOptions ALL = TextClassificationOptions.defaults().withTopK(TextClassificationOptions.ALL_LABELS);

    @BeforeAll
    static void load() {
        pipe = Pipeline.textClassification(TinyTokenizer.bertFixtureFolder(Fixture.load("bert-seqcls"), tmp.resolve("bert")));
    }

    @AfterAll
    static void close() {
        pipe.close();
    }

    @Test
    void aPairIsScoredAsHfScoresTheFixturesPairRow() {
        var fx = Fixture.load("bert-seqcls");
        long[] ids = Tensors.toLongs(fx.tensor("inputs.input_ids").select(0, 0));
        int sep = 1;
        while (ids[sep] != 3) {
            sep++;
        }
        int end = sep + 1;
        while (ids[end] != 3) {
            end++;
        }
        String a = String.join(" ", Arrays.stream(ids, 1, sep).mapToObj(i -> "w" + i).toList());
        String b = String.join(" ", Arrays.stream(ids, sep + 1, end).mapToObj(i -> "w" + i).toList());
        float[] expected = Tensors.toFloats(torch.softmax(fx.tensor("outputs.logits").select(0, 0), 0));
        float[] actual = pipe.scoresOf(List.of(ClassificationInput.pair(a, b)), ALL)[0];
        double largest = 0;
        for (int i = 0; i < expected.length; i++) {
            largest = Math.max(largest, Math.abs(actual[i] - expected[i]));
        }
        System.out.printf("pair (%s | %s): largest |softmax diff| vs HF %.3g%n", a, b, largest);
        assertThat(largest).isLessThan(1e-5); // the fixture's logits tolerance (fp32 vs fp64 diffs are <= 4e-6)
    }

    @Test
    void aBatchMixingPairsAndTextsAnswersEachAsAlone() {
        List<ClassificationInput> inputs = List.of(ClassificationInput.pair("w7 w8", "w9 w10 w11 w12"),
                ClassificationInput.of("w40 w41"), ClassificationInput.pair("w50", "w51"),
                ClassificationInput.of("w60 w61 w62 w63 w64 w65 w66 w67"));
        float[][] together = pipe.scoresOf(inputs, ALL);
        for (int i = 0; i < inputs.size(); i++) {
            float[] alone = pipe.scoresOf(List.of(inputs.get(i)), ALL)[0];
            for (int k = 0; k < alone.length; k++) {
                assertThat(together[i][k]).as("input %d label %d", i, k).isCloseTo(alone[k], within(1e-5f));
            }
        }
        float[] pairAB = pipe.scoresOf(List.of(ClassificationInput.pair("w7 w8", "w9 w10 w11 w12")), ALL)[0];
        float[] concatenated = pipe.scoresOf(List.of(ClassificationInput.of("w7 w8 w9 w10 w11 w12")), ALL)[0];
        assertThat(pairAB[0]).as("a pair is not the concatenated text").isNotCloseTo(concatenated[0], within(1e-6f));
    }
}
